package render

import (
	"fmt"
	"io"
	"time"

	"github.com/ftpdoctor/ftpdoctor/output"
	"github.com/ftpdoctor/ftpdoctor/scan"
)

// WriteRangeNagios writes a range report as one Nagios plugin status line:
// the conclusion, then the ports by state and the total time with
// Options.Thresholds as performance data:
//
//	FTP RANGE WARNING - 3 of 10 ports filtered ... | open=7;;;0 closed=0;;;0 filtered=3;;;0 error=0;;;0 total=3.2s;;;0
func WriteRangeNagios(w io.Writer, r scan.Report, opt output.Options) error {
	total := time.Duration(r.DurationMS * float64(time.Millisecond))
	text := fmt.Sprintf("%s (ports %d-%d on %s)", r.Verdict.Text, r.Range.Low, r.Range.High, r.Address)
	if _, over := opt.Thresholds.Judge(total); over != "" {
		text += "; " + over
	}
	perf := []string{
		output.PerfCount("open", r.Counts.Open),
		output.PerfCount("closed", r.Counts.Closed),
		output.PerfCount("filtered", r.Counts.Filtered),
		output.PerfCount("error", r.Counts.Error),
		output.PerfSeconds("total", total, opt.Thresholds),
	}
	return output.WriteNagios(w, "FTP RANGE", r.Verdict.Status, text, perf)
}
