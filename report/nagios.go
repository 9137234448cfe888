package report

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/ftpdoctor/ftpdoctor/output"
	"github.com/ftpdoctor/ftpdoctor/probes"
	"github.com/ftpdoctor/ftpdoctor/verdict"
)

// WriteNagios writes the report as one Nagios plugin status line with
// performance data: the verdict, the first cause's title and code (or what
// passed), then each stage that ran and the total time, in seconds, with
// output.Options.Thresholds on the total:
//
//	FTP WARNING - The passive data connection timed out (passive.data_timeout) | dns=0.002s;;;0 ... total=1.02s;5;10;0
//
// Skipped stages have no item. The verdict is the report's: the caller has
// already raised it for the thresholds (see output.Thresholds.Judge).
func WriteNagios(w io.Writer, r Report, opts output.Options) error {
	text := nagiosText(r)
	if _, over := opts.Thresholds.Judge(msDuration(r.DurationMS)); over != "" {
		text += "; " + over
	}
	var perf []string
	for _, s := range r.Stages {
		if s.Status != probes.StatusSkip && s.Code != probes.CodeSkipped {
			perf = append(perf, output.PerfSeconds(string(s.ID), msDuration(s.DurationMS), output.Thresholds{}))
		}
	}
	perf = append(perf, output.PerfSeconds("total", msDuration(r.DurationMS), opts.Thresholds))
	var buf bytes.Buffer
	output.WriteNagios(&buf, "FTP", r.Verdict, text, perf)
	_, err := w.Write(redactBytes(buf.Bytes(), opts.Redact))
	return err
}

// nagiosText says in one phrase what matters most: the first cause, or that
// every stage passed.
func nagiosText(r Report) string {
	where := net.JoinHostPort(r.Target.Host, strconv.Itoa(r.Target.Port))
	if len(r.Causes) == 0 {
		if r.Verdict == verdict.OK {
			return fmt.Sprintf("%s: every stage passed, client mode %s", where, r.Recommendation.ClientMode)
		}
		if r.Interrupted {
			return where + ": " + interruptedText(r)
		}
		return where + ": the check could not run"
	}
	c := r.Causes[0]
	text := fmt.Sprintf("%s (%s) on %s", c.Title, c.Code, where)
	if n := len(r.Causes) - 1; n == 1 {
		text += ", 1 more cause"
	} else if n > 1 {
		text += fmt.Sprintf(", %d more causes", n)
	}
	if r.Interrupted {
		text += "; " + interruptedText(r)
	}
	return text
}

// interruptedText names the stages the deadline cut short.
func interruptedText(r Report) string {
	var cut []string
	for _, s := range r.Stages {
		if s.Status == probes.StatusInterrupted {
			cut = append(cut, string(s.ID))
		}
	}
	if len(cut) == 0 {
		return "interrupted by the deadline"
	}
	return "interrupted by the deadline before " + strings.Join(cut, ", ") + " finished"
}

// msDuration turns the report's milliseconds back into a duration.
func msDuration(ms float64) time.Duration {
	return time.Duration(ms * float64(time.Millisecond))
}
