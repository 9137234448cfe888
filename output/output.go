// Package output holds what every renderer of every ftpdoctor report
// shares: the rendering options, the renderer function type, units for
// times, and word wrapping for text that must fit a terminal. It knows no
// report: report (check) and scan/render (range, listen) build on it.
package output

import (
	"fmt"
	"io"

	"github.com/ftpdoctor/ftpdoctor/probes"
)

// Options control a renderer.
type Options struct {
	Color   bool            // colour the status words (table only)
	Verbose bool            // show every attempt, dial and reply, or every run (table only)
	Width   int             // wrap the table and its prose to this many columns; 0: never wrap (table only)
	Redact  []probes.Secret // texts to mask wherever they appear, e.g. a password a server echoed back

	Thresholds Thresholds // --warning and --critical on the total time (nagios performance data)
}

// Renderer writes one kind of report (R) in one format.
type Renderer[R any] func(w io.Writer, r R, opts Options) error

// Millis prints milliseconds with a unit: "12.3 ms" below one second,
// "5.0 s" from one second on.
func Millis(ms float64) string {
	if ms >= 1000 {
		return fmt.Sprintf("%.1f s", ms/1000)
	}
	return fmt.Sprintf("%.1f ms", ms)
}
