package render

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ftpdoctor/ftpdoctor/output"
	"github.com/ftpdoctor/ftpdoctor/scan"
)

// WriteListenStart says what a listen run bound, before it waits.
func WriteListenStart(w io.Writer, r scan.ListenReport, d time.Duration) error {
	b := &strings.Builder{}
	where := r.Address
	if where == "" {
		where = "all addresses"
	}
	total := r.Range.High - r.Range.Low + 1
	fmt.Fprintf(b, "listening on %d of %d ports (%d-%d) on %s for %s; token %s\n", r.BoundCount, total,
		r.Range.Low, r.Range.High, where, output.Millis(float64(d)/float64(time.Millisecond)), r.Token)
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
func WriteListenEnd(w io.Writer, r scan.ListenReport, _ output.Options) error {
	b := &strings.Builder{}
	fmt.Fprintf(b, "stopped after %s: %d %s answered on %d of %d ports", output.Millis(r.DurationMS), r.Connections,
		plural(r.Connections, "connection", "connections"), r.PortsHit, r.BoundCount)
	if len(r.Peers) > 0 {
		fmt.Fprintf(b, " from %s", strings.Join(r.Peers, ", "))
	}
	b.WriteString("\n")
	_, err := io.WriteString(w, b.String())
	return err
}
