package render

import (
	"encoding/json"
	"io"

	"github.com/ftpdoctor/ftpdoctor/output"
	"github.com/ftpdoctor/ftpdoctor/probes"
	"github.com/ftpdoctor/ftpdoctor/scan"
	"github.com/ftpdoctor/ftpdoctor/verdict"
)

// SchemaVersion is the version of the range and listen JSON schemas.
const SchemaVersion = 1

// RangeJSON is the JSON document of a range report (docs/json.md,
// docs/schema/range.schema.json). Its target and verdict have the shapes of
// check's: an object and a verdict word beside its exit code.
type RangeJSON struct {
	SchemaVersion int              `json:"schema_version"`      // always SchemaVersion
	Target        RangeTarget      `json:"target"`              // what was scanned
	Verdict       verdict.Verdict  `json:"verdict"`             // ok, warning, critical or unknown
	ExitCode      int              `json:"exit_code"`           // 0, 1, 2 or 3 for the verdict
	Usable        bool             `json:"usable"`              // no port is filtered (and, with a token, every port reaches the listener)
	Conclusion    string           `json:"conclusion"`          // one line: the conclusion
	Notes         []string         `json:"notes"`               // further findings, one line each; [] (never null) when none
	Address       string           `json:"address"`             // IP address scanned
	Range         probes.PortRange `json:"range"`               // ports scanned
	Token         bool             `json:"token_checked"`       // open ports were checked for the listener's token
	Concurrency   int              `json:"concurrency"`         // connects in flight at most
	FDLimit       int              `json:"fd_limit"`            // RLIMIT_NOFILE soft limit
	TimeoutMS     float64          `json:"timeout_ms"`          // per-try timeout at the end of the scan
	Retries       int              `json:"retries"`             // extra tries for unanswered ports
	DurationMS    float64          `json:"duration_ms"`         // wall time of the scan
	Counts        scan.Counts      `json:"counts"`              // ports by state
	Runs          []scan.Run       `json:"runs"`                // compressed outcomes, in port order
	Discovery     *scan.Discovery  `json:"discovery,omitempty"` // what the FTP server handed out (range ftp://...)
}

// RangeTarget is what a range scanned, in the shape of check's target.
type RangeTarget struct {
	Host string `json:"host"` // host name or address as given
}

// NewRangeJSON turns a range report into its JSON document.
func NewRangeJSON(r scan.Report) RangeJSON {
	notes := r.Verdict.Notes
	if notes == nil {
		notes = []string{}
	}
	runs := r.Runs
	if runs == nil {
		runs = []scan.Run{}
	}
	return RangeJSON{SchemaVersion: SchemaVersion, Target: RangeTarget{Host: r.Target},
		Verdict: r.Verdict.Status, ExitCode: r.Verdict.Status.ExitCode(), Usable: r.Verdict.Usable,
		Conclusion: r.Verdict.Text, Notes: notes, Address: r.Address, Range: r.Range, Token: r.Token,
		Concurrency: r.Concurrency, FDLimit: r.FDLimit, TimeoutMS: r.TimeoutMS, Retries: r.Retries,
		DurationMS: r.DurationMS, Counts: r.Counts, Runs: runs, Discovery: r.Discovery}
}

// WriteRangeJSON writes a range report as indented JSON. The runs and
// counts carry every port; the transcript has the password redacted.
// Options do not apply: the JSON always carries every fact.
func WriteRangeJSON(w io.Writer, r scan.Report, _ output.Options) error {
	return writeIndented(w, NewRangeJSON(r))
}

// ListenJSON is the JSON document of a listen run (docs/json.md,
// docs/schema/listen.schema.json): the report's own fields with the schema
// version in front.
type ListenJSON struct {
	SchemaVersion int `json:"schema_version"` // always SchemaVersion
	scan.ListenReport
}

// WriteListenJSON writes a listen report as indented JSON. Options do not
// apply.
func WriteListenJSON(w io.Writer, r scan.ListenReport, _ output.Options) error {
	return writeIndented(w, NewListenJSON(r))
}

// NewListenJSON turns a listen report into its JSON document, every list
// [] rather than null when empty.
func NewListenJSON(r scan.ListenReport) ListenJSON {
	for _, l := range []*[]probes.PortRange{&r.Bound, &r.Busy, &r.Failed, &r.FDSkipped} {
		if *l == nil {
			*l = []probes.PortRange{}
		}
	}
	if r.Peers == nil {
		r.Peers = []string{}
	}
	return ListenJSON{SchemaVersion, r}
}

// writeIndented writes v as indented JSON, HTML characters unescaped.
func writeIndented(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
