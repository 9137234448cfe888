package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/fatih/color"

	"github.com/ftpdoctor/ftpdoctor/internal/contract"
	"github.com/ftpdoctor/ftpdoctor/internal/lazy"
	"github.com/ftpdoctor/ftpdoctor/internal/testutil"
	"github.com/ftpdoctor/ftpdoctor/output"
	"github.com/ftpdoctor/ftpdoctor/probes"
)

var scenarios = []struct {
	name    string
	outcome func() probes.Outcome
}{
	{"healthy", healthy},
	{"passive_nat", passiveNAT},
	{"data_dropped", dataDropped},
	{"nothing_works", nothingWorks},
	{"login_rejected", func() probes.Outcome {
		return stopAt(probes.StageLogin, probes.LoginRejected, "user alice and the given password were rejected: 530 Login incorrect.",
			probes.Evidence{Replies: []probes.Exchange{ex("USER alice", 331, "Please specify the password.", 300*1000), ex("PASS ****", 530, "Login incorrect.", 2100*ms)}})
	}},
}

// known keeps the results of the stages the golden files were written
// for (healthyResults): a stage added later changes no golden file, and
// its own tests show how it renders.
func known(o probes.Outcome) probes.Outcome {
	var kept []probes.Result
	for _, r := range o.Results {
		if healthyResults[r.Stage] != nil {
			kept = append(kept, r)
		}
	}
	o.Results = kept
	return o
}

func TestGoldenTable(t *testing.T) {
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteTable(&buf, Build(known(sc.outcome())), output.Options{}); err != nil {
				t.Fatal(err)
			}
			testutil.Golden(t, sc.name+".table.txt", buf.Bytes())
		})
	}
}

func TestGoldenTableVerbose(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteTable(&buf, Build(known(passiveNAT())), output.Options{Verbose: true}); err != nil {
		t.Fatal(err)
	}
	testutil.Golden(t, "passive_nat.verbose.txt", buf.Bytes())
}

func TestGoldenJSON(t *testing.T) {
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteJSON(&buf, Build(known(sc.outcome()))); err != nil {
				t.Fatal(err)
			}
			testutil.Golden(t, sc.name+".json", buf.Bytes())
			contract.Assert(t, contract.Check, buf.Bytes())
		})
	}
}

func TestGoldenTrace(t *testing.T) {
	o := known(passiveNAT())
	var transcript []probes.Exchange
	for _, r := range o.Results {
		transcript = append(transcript, r.Evidence.Replies...)
	}
	var buf bytes.Buffer
	if err := WriteTrace(&buf, transcript); err != nil {
		t.Fatal(err)
	}
	testutil.Golden(t, "passive_nat.trace.txt", buf.Bytes())
}

func TestJSONSchemaFields(t *testing.T) {
	cases := []struct {
		name    string
		outcome probes.Outcome
		causes  int
	}{
		{"healthy_has_empty_causes_array", healthy(), 0},
		{"nothing_works_has_causes", nothingWorks(), 3},
		{"no_results_has_empty_arrays", probes.Outcome{Target: target()}, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteJSON(&buf, Build(tc.outcome)); err != nil {
				t.Fatal(err)
			}
			contract.Assert(t, contract.Check, buf.Bytes())
			var m map[string]any
			if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
				t.Fatal(err)
			}
			for _, k := range []string{"schema_version", "target", "verdict", "exit_code", "duration_ms", "server", "stages", "causes", "recommendation"} {
				if _, ok := m[k]; !ok {
					t.Errorf("missing key %s", k)
				}
			}
			if m["schema_version"] != float64(1) {
				t.Errorf("schema_version %v", m["schema_version"])
			}
			causes, ok := m["causes"].([]any)
			if !ok || len(causes) != tc.causes {
				t.Errorf("causes %v, want an array of %d", m["causes"], tc.causes)
			}
			if _, ok := m["stages"].([]any); !ok {
				t.Errorf("stages %v is not an array", m["stages"])
			}
			server := m["server"].(map[string]any)
			if _, ok := server["features"].([]any); !ok {
				t.Errorf("server.features %v is not an array", server["features"])
			}
			target := m["target"].(map[string]any)
			for _, k := range []string{"host", "port", "user"} {
				if _, ok := target[k]; !ok {
					t.Errorf("target lacks %s", k)
				}
			}
		})
	}
}

// TestTableAndJSONCarryTheSameFacts checks that each cause's code, title
// and fixes and each stage's summary appear in both renderings.
func TestTableAndJSONCarryTheSameFacts(t *testing.T) {
	r := Build(dataDropped())
	var tb, jb bytes.Buffer
	WriteTable(&tb, r, output.Options{})
	WriteJSON(&jb, r)
	var back Report
	if err := json.Unmarshal(jb.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	table := tb.String()
	for _, s := range back.Stages {
		if !strings.Contains(table, s.Summary) {
			t.Errorf("table lacks stage summary %q", s.Summary)
		}
	}
	for _, c := range back.Causes {
		for _, want := range []string{string(c.Code), c.Title, c.Explanation, c.Doc} {
			if !strings.Contains(table, want) {
				t.Errorf("table lacks %q", want)
			}
		}
		for _, f := range c.Fixes {
			if !strings.Contains(table, f.Text) {
				t.Errorf("table lacks fix %q", f.Text)
			}
		}
	}
	if !strings.Contains(table, back.Recommendation.Text) || !strings.Contains(table, "WARNING (exit 1)") {
		t.Errorf("table lacks recommendation or verdict")
	}
}

const sentinel = "hunter2-SENTINEL-pw"

// leakyOutcome places the sentinel password wherever a bug or a server
// could put it: unredacted PASS commands and a server echoing it.
func leakyOutcome() probes.Outcome {
	o := stopAt(probes.StageLogin, probes.LoginUnexpected, "unexpected reply to PASS",
		probes.Evidence{Replies: []probes.Exchange{
			ex("USER alice", 331, "Please specify the password.", 300*1000),
			ex("PASS "+sentinel, 500, "'PASS "+sentinel+"': command not understood", 1*ms),
			ex("pass "+sentinel, 500, "Echo: "+sentinel, 1*ms),
		}})
	o.Transcript = at(&o, probes.StageLogin).Evidence.Replies
	return o
}

func TestPasswordNeverInOutput(t *testing.T) {
	redact := output.Options{Redact: []probes.Secret{sentinel}}
	cases := []struct {
		name   string
		render func(*bytes.Buffer, Report, probes.Outcome) error
	}{
		{"table", func(b *bytes.Buffer, r Report, _ probes.Outcome) error { return WriteTable(b, r, redact) }},
		{"table_verbose", func(b *bytes.Buffer, r Report, _ probes.Outcome) error {
			o := redact
			o.Verbose = true
			return WriteTable(b, r, o)
		}},
		{"json", func(b *bytes.Buffer, r Report, _ probes.Outcome) error { return WriteJSON(b, r, redact) }},
		{"trace", func(b *bytes.Buffer, _ Report, o probes.Outcome) error { return WriteTrace(b, o.Transcript, redact) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := leakyOutcome()
			var buf bytes.Buffer
			if err := tc.render(&buf, Build(o), o); err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(buf.Bytes(), []byte(sentinel)) {
				t.Errorf("password leaked:\n%s", buf.String())
			}
			if !bytes.Contains(buf.Bytes(), []byte("****")) {
				t.Errorf("no mask in output:\n%s", buf.String())
			}
		})
	}
}

func TestPassCommandMaskedWithoutRedactOption(t *testing.T) {
	o := leakyOutcome()
	var tb, jb, trb bytes.Buffer
	WriteTable(&tb, Build(o), output.Options{Verbose: true})
	WriteJSON(&jb, Build(o))
	WriteTrace(&trb, o.Transcript)
	for name, out := range map[string]string{"table": tb.String(), "json": jb.String(), "trace": trb.String()} {
		if strings.Contains(out, "PASS "+sentinel) || strings.Contains(out, "pass "+sentinel) {
			t.Errorf("%s shows the PASS argument:\n%s", name, out)
		}
	}
}

func TestServerTextIsEscaped(t *testing.T) {
	o := healthy()
	evil := "(vsFTPd 3.0.3)\x1b[2J\x1b]0;owned\x07 \u009b31m \u202etxt.exe\xff"
	o.Server.Banner = evil
	at(&o, probes.StageControl).Summary = "connected and got 220 " + evil
	at(&o, probes.StageControl).Evidence.Replies[0].Text = evil + "\nsecond line"
	o.Transcript = at(&o, probes.StageControl).Evidence.Replies
	r := Build(o)
	var tb, trb, jb bytes.Buffer
	WriteTable(&tb, r, output.Options{Verbose: true})
	WriteTrace(&trb, o.Transcript)
	WriteJSON(&jb, r)
	for name, out := range map[string][]byte{"table": tb.Bytes(), "trace": trb.Bytes()} {
		for _, bad := range []string{"\x1b", "\x07", "\u009b", "\u202e", "\xff"} {
			if bytes.Contains(out, []byte(bad)) {
				t.Errorf("%s holds raw %q", name, bad)
			}
		}
		if !bytes.Contains(out, []byte(`\x1b[2J`)) || !bytes.Contains(out, []byte(`\u202e`)) || !bytes.Contains(out, []byte(`\xff`)) {
			t.Errorf("%s does not show the escaped text:\n%s", name, out)
		}
	}
	if !bytes.Contains(trb.Bytes(), []byte("< 220-")) || !bytes.Contains(trb.Bytes(), []byte("< 220 second line")) {
		t.Errorf("trace does not show the multi-line reply line by line:\n%s", trb.Bytes())
	}
	if bytes.Contains(jb.Bytes(), []byte("\x1b")) || !bytes.Contains(jb.Bytes(), []byte(`\u001b`)) {
		t.Errorf("JSON does not escape ESC")
	}
}

func TestColorFollowsOptions(t *testing.T) {
	before := color.NoColor
	cases := []struct {
		name   string
		color  bool
		global bool
	}{
		{"color_on_despite_global_off", true, true},
		{"color_off_despite_global_on", false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			color.NoColor = tc.global
			defer func() { color.NoColor = before }()
			var buf bytes.Buffer
			WriteTable(&buf, Build(nothingWorks()), output.Options{Color: tc.color})
			if got := bytes.Contains(buf.Bytes(), []byte("\x1b[")); got != tc.color {
				t.Errorf("escape codes present %v, want %v", got, tc.color)
			}
			if color.NoColor != tc.global {
				t.Error("WriteTable changed color.NoColor")
			}
		})
	}
}

func TestFormatMilliseconds(t *testing.T) {
	cases := []struct {
		name string
		ms   float64
		want string
	}{
		{"sub_millisecond", 0.25, "0.2 ms"},
		{"milliseconds", 12.34, "12.3 ms"},
		{"just_below_a_second", 999.9, "999.9 ms"},
		{"seconds", 5000, "5.0 s"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := fmtMS(tc.ms); got != tc.want {
				t.Errorf("fmtMS(%v) = %q, want %q", tc.ms, got, tc.want)
			}
		})
	}
}

func TestPassEchoMasking(t *testing.T) {
	cases := []struct {
		name, in, want string
	}{
		{"quoted_echo_masked", "'PASS s3cret': command not understood", "'PASS ****': command not understood"},
		{"echo_at_start_masked", "PASS s3cret", "PASS ****"},
		{"acct_masked", `"ACCT money" not understood`, `"ACCT ****" not understood`},
		{"product_sentence_kept", "the server failed after PASS with a configuration error", "the server failed after PASS with a configuration error"},
		{"no_pass_kept", "530 Login incorrect.", "530 Login incorrect."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := redactEcho(tc.in); got != tc.want {
				t.Errorf("redactEcho(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestTraceMarksEachConnection(t *testing.T) {
	first, second := "127.0.0.1:40000 -> 127.0.0.1:21", "127.0.0.1:40002 -> 127.0.0.1:21"
	var buf bytes.Buffer
	err := WriteTrace(&buf, []probes.Exchange{
		{Conn: first, Code: 220, Text: "ready"},
		{Conn: first, Command: "EPSV", Verb: "EPSV", Code: 229, Text: "Entering Extended Passive Mode (|||30001|)"},
		{Conn: second, Code: 220, Text: "ready"},
		{Conn: second, Command: "EPRT |1|127.0.0.1|40001|", Verb: "EPRT", Code: 200, Text: "EPRT command successful."},
	})
	if err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if strings.Count(out, "* control connection ") != 2 || !strings.Contains(out, "* control connection "+second+"\n< 220 ready") {
		t.Fatalf("trace does not mark the second connection:\n%s", out)
	}
}

// tableWords are the words of a rendered table, with the table's rules and
// column bars taken out: wrapping must neither lose, add nor cut a word.
func tableWords(s string) []string {
	var words []string
	for _, line := range strings.Split(s, "\n") {
		if strings.HasPrefix(line, "+-") {
			continue
		}
		words = append(words, strings.Fields(strings.ReplaceAll(line, "|", " "))...)
	}
	return words
}

func TestTableFitsWidth80(t *testing.T) {
	for _, sc := range scenarios {
		for _, verbose := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s_verbose_%v", sc.name, verbose), func(t *testing.T) {
				rep := Build(known(sc.outcome()))
				var wide, narrow bytes.Buffer
				if err := WriteTable(&wide, rep, output.Options{Verbose: verbose}); err != nil {
					t.Fatal(err)
				}
				if err := WriteTable(&narrow, rep, output.Options{Verbose: verbose, Width: 80}); err != nil {
					t.Fatal(err)
				}
				for _, line := range strings.Split(narrow.String(), "\n") {
					if n := utf8.RuneCountInString(line); n > 80 {
						t.Errorf("line of %d columns: %q", n, line)
					}
				}
				if got, want := tableWords(narrow.String()), tableWords(wide.String()); !slices.Equal(got, want) {
					t.Errorf("wrapping changed the words:\n got %q\nwant %q", got, want)
				}
			})
		}
	}
}

func TestGoldenTableWidth80(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteTable(&buf, Build(known(passiveNAT())), output.Options{Width: 80}); err != nil {
		t.Fatal(err)
	}
	testutil.Golden(t, "passive_nat.width80.txt", buf.Bytes())
}

// TestLazyRegexpsCompile compiles the regular expressions of the package
// and those it imports, which are compiled on first use (package lazy).
func TestLazyRegexpsCompile(t *testing.T) {
	if err := lazy.CompileAll(); err != nil {
		t.Fatal(err)
	}
}
