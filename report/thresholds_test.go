package report

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/ftpdoctor/ftpdoctor/internal/contract"
	"github.com/ftpdoctor/ftpdoctor/output"
	"github.com/ftpdoctor/ftpdoctor/verdict"
)

func TestJudgeAddsTheSlowCause(t *testing.T) {
	base := Build(healthy())
	total := msDuration(base.DurationMS)
	tests := []struct {
		name     string
		t        output.Thresholds
		verdict  verdict.Verdict
		severity Severity // "" when no cause is added
	}{
		{"off", output.Thresholds{}, verdict.OK, ""},
		{"under_both", output.Thresholds{Warning: total + time.Second, Critical: total + 2*time.Second}, verdict.OK, ""},
		{"over_warning", output.Thresholds{Warning: time.Millisecond, Critical: total + time.Second}, verdict.Warning, SeverityWarning},
		{"over_critical", output.Thresholds{Warning: time.Microsecond, Critical: time.Millisecond}, verdict.Critical, SeverityCritical},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Judge(base, tt.t)
			if r.Verdict != tt.verdict || r.ExitCode != tt.verdict.ExitCode() {
				t.Errorf("verdict %s exit %d, want %s", r.Verdict, r.ExitCode, tt.verdict)
			}
			if tt.severity == "" {
				if len(r.Causes) != 0 {
					t.Errorf("causes %+v, want none", r.Causes)
				}
				return
			}
			if len(r.Causes) != 1 {
				t.Fatalf("causes %+v, want check.slow", r.Causes)
			}
			c := r.Causes[0]
			limit := tt.t.Warning
			if tt.severity == SeverityCritical {
				limit = tt.t.Critical
			}
			if c.Code != CodeSlow || c.Severity != tt.severity || c.ID != slowFamily || c.Stage == "" ||
				!strings.Contains(c.Explanation, output.Seconds(total)+"s") || !strings.Contains(c.Explanation, output.Seconds(limit)+"s") {
				t.Errorf("cause %+v: want %s %s quoting the total %ss and the threshold %ss", c, CodeSlow, tt.severity, output.Seconds(total), output.Seconds(limit))
			}
			checkCodePage(t, CodeSlow, slowEntry, c)
			checkFamilyListing(t, CodeSlow, slowFamily)
			for name, write := range map[string]func(*bytes.Buffer) error{
				"table":  func(b *bytes.Buffer) error { return WriteTable(b, r, output.Options{}) },
				"json":   func(b *bytes.Buffer) error { return WriteJSON(b, r) },
				"nagios": func(b *bytes.Buffer) error { return WriteNagios(b, r, output.Options{Thresholds: tt.t}) },
			} {
				var b bytes.Buffer
				if err := write(&b); err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(b.String(), string(CodeSlow)) {
					t.Errorf("%s does not name %s:\n%s", name, CodeSlow, b.String())
				}
				if name == "json" {
					contract.Assert(t, contract.Check, b.Bytes())
				}
			}
		})
	}
}

// TestJudgeKeepsCriticalCausesFirst: a warning threshold's cause goes after
// the critical causes already there.
func TestJudgeKeepsCriticalCausesFirst(t *testing.T) {
	r := Judge(Build(nothingWorks()), output.Thresholds{Warning: time.Nanosecond})
	last := r.Causes[len(r.Causes)-1]
	if r.Causes[0].Severity != SeverityCritical || last.Code != CodeSlow || last.Severity != SeverityWarning {
		t.Errorf("causes in order %v", r.Causes)
	}
	if r.Verdict != verdict.Critical {
		t.Errorf("verdict %s, want critical kept", r.Verdict)
	}
}
