package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/fatih/color"
	"github.com/olekukonko/tablewriter"

	"github.com/ftpdoctor/ftpdoctor/probes"
	"github.com/ftpdoctor/ftpdoctor/scan"
	verdicts "github.com/ftpdoctor/ftpdoctor/verdict" // report.verdict is Build's rule
)

// maxRangeRows is how many runs the range table shows without Verbose.
const maxRangeRows = 40

// rangeJSON is the JSON form of a range report: the report's own fields
// with the schema version in front.
type rangeJSON struct {
	SchemaVersion int `json:"schema_version"` // always SchemaVersion
	scan.Report
}

// WriteRangeJSON writes a range report as indented JSON. The runs and
// counts carry every port; the transcript has the password redacted.
func WriteRangeJSON(w io.Writer, r scan.Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rangeJSON{SchemaVersion: SchemaVersion, Report: r})
}

// WriteRangeTable writes a range report for a person: what was scanned,
// what the FTP server handed out (range ftp://...), one row per run of
// ports, the counts and the verdict with its notes.
func WriteRangeTable(w io.Writer, r scan.Report, opt Options) error {
	b := &strings.Builder{}
	fmt.Fprintf(b, "range %d-%d on %s", r.Range.Low, r.Range.High, r.Address)
	if r.Target != r.Address && r.Target != "" {
		fmt.Fprintf(b, " (%s)", r.Target)
	}
	fmt.Fprintf(b, ": %d ports, at most %d connections at once, timeout %s per try (adapted to the RTT), %d %s\n",
		r.Counts.Total, r.Concurrency, fmtMS(r.TimeoutMS), r.Retries, plural(r.Retries, "retry", "retries"))
	if d := r.Discovery; d != nil {
		writeDiscovery(b, d)
	}
	b.WriteString("\n")
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}
	tw := tablewriter.NewWriter(w)
	header := []string{"PORTS", "COUNT", "STATE", "REASON", "MEANING"}
	if r.Token {
		header = []string{"PORTS", "COUNT", "STATE", "TOKEN", "MEANING"}
	}
	tw.SetHeader(header)
	tw.SetAutoWrapText(false)
	tw.SetBorder(false)
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
		tw.Append([]string{scan.RunText(run), fmt.Sprint(run.Count), paint(run.State, string(run.State)), detail, run.Meaning})
	}
	tw.Render()
	b.Reset()
	if hidden := len(r.Runs) - len(rows); hidden > 0 {
		fmt.Fprintf(b, "... %d more runs (--verbose or --json shows every run)\n", hidden)
	}
	c := r.Counts
	fmt.Fprintf(b, "\n%d open, %d closed, %d filtered", c.Open, c.Closed, c.Filtered)
	if c.Error > 0 {
		fmt.Fprintf(b, ", %d not classified", c.Error)
	}
	fmt.Fprintf(b, " of %d ports in %s\n", c.Total, fmtMS(r.DurationMS))
	writeVerdict(b, r.Verdict, opt.Color)
	_, err := io.WriteString(w, b.String())
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
		c := color.New(map[verdicts.Verdict]color.Attribute{verdicts.OK: color.FgGreen, verdicts.Warning: color.FgYellow,
			verdicts.Critical: color.FgRed, verdicts.Unknown: color.FgMagenta}[v.Status], color.Bold)
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

// WriteListenStart says what a listen run bound, before it waits.
func WriteListenStart(w io.Writer, r scan.ListenReport, d time.Duration) error {
	b := &strings.Builder{}
	where := r.Address
	if where == "" {
		where = "all addresses"
	}
	total := r.Range.High - r.Range.Low + 1
	fmt.Fprintf(b, "listening on %d of %d ports (%d-%d) on %s for %s; token %s\n", r.BoundCount, total,
		r.Range.Low, r.Range.High, where, fmtDur(d), r.Token)
	writeSkipped(b, r)
	fmt.Fprintf(b, "from outside, run: ftpdoctor range THIS_HOST %d-%d --token %s\n", r.Range.Low, r.Range.High, r.Token)
	_, err := io.WriteString(w, b.String())
	return err
}

func writeSkipped(b *strings.Builder, r scan.ListenReport) {
	if n := countSpans(r.Busy); n > 0 {
		fmt.Fprintf(b, "  %d busy (in use by another program, not listened on): %s\n", n, spans(r.Busy))
	}
	if n := countSpans(r.Failed); n > 0 {
		fmt.Fprintf(b, "  %d could not be bound: %s\n", n, spans(r.Failed))
	}
	if n := countSpans(r.FDSkipped); n > 0 {
		fmt.Fprintf(b, "  %d skipped: file-descriptor limit %d reached (raise it with ulimit -n): %s\n", n, r.FDLimit, spans(r.FDSkipped))
	}
}

// WriteListenEnd says what a listen run received.
func WriteListenEnd(w io.Writer, r scan.ListenReport) error {
	b := &strings.Builder{}
	fmt.Fprintf(b, "stopped after %s: %d %s answered on %d of %d ports", fmtMS(r.DurationMS), r.Connections,
		plural(r.Connections, "connection", "connections"), r.PortsHit, r.BoundCount)
	if len(r.Peers) > 0 {
		fmt.Fprintf(b, " from %s", strings.Join(r.Peers, ", "))
	}
	b.WriteString("\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteListenJSON writes a listen report as indented JSON.
func WriteListenJSON(w io.Writer, r scan.ListenReport) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		SchemaVersion int `json:"schema_version"` // always SchemaVersion
		scan.ListenReport
	}{SchemaVersion, r})
}

// Progress draws "[#####-----] 500/1000 tries, 1.2 s" on a terminal every
// 100 ms once a scan has run for a while, and clears the line at the end.
// A port that gave no answer adds its retry to the tries planned.
type Progress struct {
	mu             sync.Mutex
	w              io.Writer     // the terminal
	start          time.Time     // when the scan began
	tried, planned int           // latest counts from the scan
	stop           chan struct{} // closed by Finish
	done           chan struct{} // closed when the drawing goroutine ends
}

// StartProgress starts drawing on w after delay. Call Finish to stop.
func StartProgress(w io.Writer, delay time.Duration) *Progress {
	p := &Progress{w: w, start: time.Now(), stop: make(chan struct{}), done: make(chan struct{})}
	go p.loop(delay)
	return p
}

// Update records the scan's counts; it never waits for the terminal.
func (p *Progress) Update(tried, planned int) {
	p.mu.Lock()
	p.tried, p.planned = tried, planned
	p.mu.Unlock()
}

func (p *Progress) loop(delay time.Duration) {
	defer close(p.done)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	drawn := false
	for {
		select {
		case <-p.stop:
			if drawn {
				fmt.Fprint(p.w, "\r\x1b[K")
			}
			return
		case now := <-tick.C:
			if now.Sub(p.start) < delay {
				continue
			}
			p.mu.Lock()
			tried, planned := p.tried, max(p.planned, 1)
			p.mu.Unlock()
			const width = 30
			filled := min(width*tried/planned, width)
			fmt.Fprintf(p.w, "\r[%s%s] %d/%d tries, %.1f s", strings.Repeat("#", filled), strings.Repeat("-", width-filled),
				tried, planned, now.Sub(p.start).Seconds())
			drawn = true
		}
	}
}

// Finish clears the bar and waits for the drawing to end. It may be called
// on a nil *Progress and more than once.
func (p *Progress) Finish() {
	if p == nil {
		return
	}
	select {
	case <-p.stop:
	default:
		close(p.stop)
	}
	<-p.done
}
