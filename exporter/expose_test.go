package exporter

import (
	"math"
	"strings"
	"testing"
)

// TestWriteTextFormat: families sorted by name, label names in
// alphabetical order, samples by label values, a family without samples
// left out, and help text and label values escaped as the text format
// requires.
func TestWriteTextFormat(t *testing.T) {
	cause := family{name: "b_cause", help: "Causes\\found\nhere.", typ: typeGauge, labels: []string{"family", "code"}}
	cause.add(1, "tls", `cert "expired"`+"\n\\")
	cause.add(2, "dns", "not_found")
	empty := family{name: "a_empty", help: "Nothing.", typ: typeGauge, labels: []string{"x"}}
	plain := family{name: "a_plain", help: "Plain.", typ: typeCounter}
	plain.add(math.Inf(1))
	var out strings.Builder
	if err := writeText(&out, []family{cause, empty, plain}); err != nil {
		t.Fatal(err)
	}
	want := "# HELP a_plain Plain.\n# TYPE a_plain counter\na_plain +Inf\n" +
		"# HELP b_cause Causes\\\\found\\nhere.\n# TYPE b_cause gauge\n" +
		`b_cause{code="cert \"expired\"\n\\",family="tls"} 1` + "\n" +
		`b_cause{code="not_found",family="dns"} 2` + "\n"
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
}

// TestFamilySetReplaces: set changes the sample with the same label
// values rather than adding a second one.
func TestFamilySetReplaces(t *testing.T) {
	f := family{name: "m", typ: typeGauge, labels: []string{"stage"}}
	f.set(1, "dns")
	f.set(0, "dns")
	f.set(3, "login")
	if len(f.samples) != 2 || f.samples[0].value != 0 || f.samples[1].value != 3 {
		t.Errorf("samples %+v", f.samples)
	}
}
