// Package render writes the reports of package scan (range and listen) for
// a person or as JSON, and draws the scan's progress bar on a terminal.
package render

import (
	"fmt"
	"io"
	"strings"

	"github.com/fatih/color"

	"github.com/ftpdoctor/ftpdoctor/output"
	"github.com/ftpdoctor/ftpdoctor/probes"
	"github.com/ftpdoctor/ftpdoctor/scan"
	"github.com/ftpdoctor/ftpdoctor/verdict"
)

// maxRangeRows is how many runs the range table shows without Verbose.
const maxRangeRows = 40

// WriteRangeTable writes a range report for a person: what was scanned,
// what the FTP server handed out (range ftp://...), one row per run of
// ports, the counts and the verdict with its notes.
func WriteRangeTable(w io.Writer, r scan.Report, opt output.Options) error {
	b := &strings.Builder{}
	fmt.Fprintf(b, "range %d-%d on %s", r.Range.Low, r.Range.High, r.Address)
	if r.Target != r.Address && r.Target != "" {
		fmt.Fprintf(b, " (%s)", r.Target)
	}
	fmt.Fprintf(b, ": %d ports, at most %d connections at once, timeout %s per try (adapted to the RTT), %d %s\n",
		r.Counts.Total, r.Concurrency, output.Millis(r.TimeoutMS), r.Retries, plural(r.Retries, "retry", "retries"))
	if d := r.Discovery; d != nil {
		writeDiscovery(b, d)
	}
	b.WriteString("\n")
	if _, err := io.WriteString(w, output.WrapLines(b.String(), opt.Width)); err != nil {
		return err
	}
	table := output.Table{Header: []string{"PORTS", "COUNT", "STATE", "REASON", "MEANING"}, Right: []int{1}}
	if r.Token {
		table.Header[3] = "TOKEN"
	}
	paint := painter(opt.Color)
	rows := r.Runs
	if !opt.Verbose && len(rows) > maxRangeRows {
		rows = rows[:maxRangeRows]
	}
	for _, run := range rows {
		detail := run.Reason
		if r.Token {
			detail = string(run.Token)
			if detail == "" {
				detail = "-"
			}
		}
		table.Rows = append(table.Rows, []string{scan.RunText(run), fmt.Sprint(run.Count), paint(run.State, string(run.State)), detail, run.Meaning})
	}
	if err := table.Render(w, opt.Width); err != nil {
		return err
	}
	b.Reset()
	if hidden := len(r.Runs) - len(rows); hidden > 0 {
		fmt.Fprintf(b, "... %d more runs (--verbose or --json shows every run)\n", hidden)
	}
	c := r.Counts
	fmt.Fprintf(b, "\n%d open, %d closed, %d filtered", c.Open, c.Closed, c.Filtered)
	if c.Error > 0 {
		fmt.Fprintf(b, ", %d not classified", c.Error)
	}
	fmt.Fprintf(b, " of %d ports in %s\n", c.Total, output.Millis(r.DurationMS))
	writeVerdict(b, r.Verdict, opt.Color)
	_, err := io.WriteString(w, output.WrapLines(b.String(), opt.Width))
	return err
}

func writeDiscovery(b *strings.Builder, d *scan.Discovery) {
	pasv, epsv := 0, 0
	for _, s := range d.Samples {
		if s.Command == "PASV" {
			pasv++
		} else {
			epsv++
		}
	}
	fmt.Fprintf(b, "passive replies from %s: %d (%d PASV, %d EPSV)\n", d.Control, len(d.Samples), pasv, epsv)
	if len(d.Addresses) > 0 {
		fmt.Fprintf(b, "  advertised addresses: %s\n", strings.Join(d.Addresses, ", "))
	}
	if o := d.Observed; o != nil {
		fmt.Fprintf(b, "  ports handed out: %d distinct between %d and %d\n", d.Distinct, o.Low, o.High)
	}
	if dr := d.Declared; dr != nil {
		fmt.Fprintf(b, "  declared range: %d-%d (scanned)", dr.Low, dr.High)
		if n := len(d.Outside); n > 0 {
			fmt.Fprintf(b, "; %d handed-out %s outside it", n, plural(n, "port lies", "ports lie"))
		}
		b.WriteString("\n")
	}
}

// writeVerdict writes "CRITICAL  text" and the notes, one per line.
func writeVerdict(b *strings.Builder, v scan.Conclusion, useColor bool) {
	word := strings.ToUpper(string(v.Status))
	if useColor {
		c := color.New(map[verdict.Verdict]color.Attribute{verdict.OK: color.FgGreen, verdict.Warning: color.FgYellow,
			verdict.Critical: color.FgRed, verdict.Unknown: color.FgMagenta}[v.Status], color.Bold)
		c.EnableColor()
		word = c.Sprint(word)
	}
	fmt.Fprintf(b, "%s  %s\n", word, v.Text)
	for _, n := range v.Notes {
		fmt.Fprintf(b, "  - %s\n", n)
	}
}

// painter colours a state word when on is true.
func painter(on bool) func(scan.State, string) string {
	colors := map[scan.State]*color.Color{
		scan.StateOpen:     color.New(color.FgCyan),
		scan.StateClosed:   color.New(color.FgGreen),
		scan.StateFiltered: color.New(color.FgRed),
		scan.StateError:    color.New(color.FgMagenta),
	}
	return func(s scan.State, text string) string {
		c, ok := colors[s]
		if !on || !ok {
			return text
		}
		c.EnableColor()
		return c.Sprint(text)
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// spans writes port ranges as "50000-50499, 50600".
func spans(rs []probes.PortRange) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = scan.RunText(scan.Run{Low: r.Low, High: r.High})
	}
	return strings.Join(parts, ", ")
}

func countSpans(rs []probes.PortRange) int {
	n := 0
	for _, r := range rs {
		n += r.High - r.Low + 1
	}
	return n
}
