package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/ftpdoctor/ftpdoctor/output"
	"github.com/ftpdoctor/ftpdoctor/probes"
	"github.com/ftpdoctor/ftpdoctor/report"
	"github.com/ftpdoctor/ftpdoctor/verdict"
)

// batchTargetWidth is the width of the table's target column; a longer
// target pushes the row's other columns right rather than being cut.
const batchTargetWidth = 36

// batchTable writes a batch as a table of one row per target, each row as
// soon as it is known: target, verdict, primary cause (its code) and time,
// then a summary line.
type batchTable struct {
	w      io.Writer
	opts   output.Options
	header bool // the header is written
}

func newBatchTable(w io.Writer, opts output.Options) batchWriter {
	return &batchTable{w: w, opts: opts}
}

// Record implements batchWriter.
func (t *batchTable) Record(r batchRecord) error {
	if !t.header {
		t.header = true
		if _, err := fmt.Fprintf(t.w, "%-*s  %-8s  %9s  %s\n", batchTargetWidth, "TARGET", "VERDICT", "TIME", "PRIMARY CAUSE"); err != nil {
			return err
		}
	}
	cause, took := "line "+fmt.Sprint(r.Line)+": "+r.Err, "-"
	if rep := r.Report; rep != nil {
		took = output.Millis(rep.DurationMS)
		cause = "-"
		if len(rep.Causes) > 0 {
			cause = string(rep.Causes[0].Code)
			if n := len(rep.Causes) - 1; n > 0 {
				cause += fmt.Sprintf(" (+%d more)", n)
			}
		}
	}
	// The input line is the user's, but may hold terminal escapes or other
	// control characters: they are made visible as everywhere else.
	line := fmt.Sprintf("%-*s  %-8s  %9s  %s\n", batchTargetWidth, report.Clean(r.Input), strings.ToUpper(string(r.verdict())), took, report.Clean(cause))
	_, err := t.w.Write([]byte(maskSecrets(line, r.Redact)))
	return err
}

// End implements batchWriter: one line of counts and the worst verdict.
func (t *batchTable) End(counts map[verdict.Verdict]int) error {
	total, worst := 0, verdict.OK
	for v, n := range counts {
		total += n
		worst = verdict.Severest(worst, v)
	}
	_, err := fmt.Fprintf(t.w, "\n%d targets: %d ok, %d warning, %d critical, %d unknown. Worst: %s (exit %d).\n",
		total, counts[verdict.OK], counts[verdict.Warning], counts[verdict.Critical], counts[verdict.Unknown],
		strings.ToUpper(string(worst)), worst.ExitCode())
	return err
}

// batchJSONLines writes a batch as JSON Lines: each target's report on one
// line in the schema of check (docs/json.md) after its line and input, and for a line that did not
// parse an error record (BatchError).
type batchJSONLines struct {
	w    io.Writer
	opts output.Options
}

func newBatchJSONLines(w io.Writer, opts output.Options) batchWriter {
	return &batchJSONLines{w: w, opts: opts}
}

// BatchReport is batch's JSON record of a line of the list that parsed:
// where it came from, then the check's report (docs/json.md,
// docs/schema/batch.schema.json).
type BatchReport struct {
	Line          int    `json:"line"`  // line number in the list, from 1
	Input         string `json:"input"` // the line as written, its URL password masked
	report.Report        // the check's report, in the schema of check
}

// BatchError is batch's JSON record of a line of the list that did not
// parse; "error" tells it from a report.
type BatchError struct {
	SchemaVersion int             `json:"schema_version"` // report.SchemaVersion
	Line          int             `json:"line"`           // line number in the list, from 1
	Input         string          `json:"input"`          // the line as written, its URL password masked
	Verdict       verdict.Verdict `json:"verdict"`        // always unknown
	ExitCode      int             `json:"exit_code"`      // always 3
	Error         string          `json:"error"`          // why the line did not parse
}

// Record implements batchWriter.
func (j *batchJSONLines) Record(r batchRecord) error {
	opts := j.opts
	opts.Redact = append(opts.Redact, r.Redact...)
	if r.Report != nil {
		return report.WriteJSONLineOf(j.w, BatchReport{Line: r.Line, Input: r.Input, Report: *r.Report}, opts)
	}
	return writeJSONLine(j.w, BatchError{SchemaVersion: report.SchemaVersion, Line: r.Line, Input: r.Input,
		Verdict: verdict.Unknown, ExitCode: verdict.ExitUnknown, Error: r.Err}, opts.Redact)
}

// End implements batchWriter: JSON Lines has no summary.
func (j *batchJSONLines) End(map[verdict.Verdict]int) error { return nil }

// maskSecrets replaces each secret in s, a short one where it stands as a
// word (probes.Secret.MaskIn).
func maskSecrets(s string, secrets []probes.Secret) string {
	for _, p := range secrets {
		s = p.MaskIn(s)
	}
	return s
}

// writeJSONLine writes v as one line of compact JSON with secrets masked.
func writeJSONLine(w io.Writer, v any, secrets []probes.Secret) error {
	var buf strings.Builder
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := io.WriteString(w, maskSecrets(buf.String(), secrets))
	return err
}
