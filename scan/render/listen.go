package render

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ftpdoctor/ftpdoctor/output"
	"github.com/ftpdoctor/ftpdoctor/scan"
)

// WriteListenStart says what a listen run bound, before it waits: that
// the FTP server must not hold those ports, and the range command to run
// from outside, once per address of this host in hosts (the addresses
// listened on; THIS_HOST when none is known).
func WriteListenStart(w io.Writer, r scan.ListenReport, d time.Duration, hosts []string) error {
	b := &strings.Builder{}
	where := r.Address
	if where == "" {
		where = "all addresses"
	}
	total := r.Range.High - r.Range.Low + 1
	fmt.Fprintf(b, "listening on %d of %d ports (%d-%d) on %s for %s; token %s\n", r.BoundCount, total,
		r.Range.Low, r.Range.High, where, output.Millis(float64(d)/float64(time.Millisecond)), r.Token)
	writeSkipped(b, r)
	fmt.Fprintf(b, "stop the FTP server on these ports first (or pick ports it does not use): a port it holds is busy here and never answers with the token\n")
	if len(hosts) == 0 {
		hosts = []string{"THIS_HOST"}
	}
	fmt.Fprintf(b, "from outside, run (with the address clients use for this host; behind NAT, its public address):\n")
	for _, h := range hosts {
		fmt.Fprintf(b, "  ftpdoctor range %s %d-%d --token %s\n", h, r.Range.Low, r.Range.High, r.Token)
	}
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
