package output

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/ftpdoctor/ftpdoctor/verdict"
)

// Thresholds are the --warning and --critical limits on a command's total
// time; zero means no limit. Exceeding one raises the verdict, and the
// nagios format prints them in the total's performance data.
type Thresholds struct {
	Warning  time.Duration // total time above which the verdict is at least WARNING
	Critical time.Duration // total time above which the verdict is CRITICAL
}

// Judge is the verdict the total time alone deserves (OK when under both
// limits) and, when over one, a phrase saying so.
func (t Thresholds) Judge(total time.Duration) (verdict.Verdict, string) {
	switch {
	case t.Critical > 0 && total > t.Critical:
		return verdict.Critical, fmt.Sprintf("total time %ss over the critical threshold %ss", Seconds(total), Seconds(t.Critical))
	case t.Warning > 0 && total > t.Warning:
		return verdict.Warning, fmt.Sprintf("total time %ss over the warning threshold %ss", Seconds(total), Seconds(t.Warning))
	}
	return verdict.OK, ""
}

// Seconds prints d in seconds rounded to the millisecond: at most three
// decimals, always in the C locale ("0.002", "1.731", "5", never "0,002"
// nor "1.7311999999999999"): strconv, never a locale-aware formatter.
func Seconds(d time.Duration) string {
	return strconv.FormatFloat(SecondsOf(d), 'f', -1, 64)
}

// SecondsOf is d in seconds rounded to the millisecond, for metrics. It
// divides a whole number of milliseconds by 1000, so that the float is the
// one nearest the decimal and prints without a binary tail (0.008, never
// 0.008400000000000001). time.Duration.Seconds adds two floats and can
// leave one (1.7311999999999999).
func SecondsOf(d time.Duration) float64 {
	return float64(d.Round(time.Millisecond)/time.Millisecond) / 1000
}

// MillisToSeconds is SecondsOf for a time that a report holds in
// milliseconds.
func MillisToSeconds(ms float64) float64 {
	return math.Round(ms) / 1000
}

// PerfSeconds is one performance-data item of a time, in the form of the
// Nagios plugin guidelines: label=value[UOM];[warn];[crit];[min];[max],
// here "label=0.002s;W;C;0" with W and C empty when not set.
func PerfSeconds(label string, d time.Duration, t Thresholds) string {
	return fmt.Sprintf("%s=%ss;%s;%s;0", label, Seconds(d), limit(t.Warning), limit(t.Critical))
}

// PerfCount is one performance-data item of a count: "label=3;;;0".
func PerfCount(label string, n int) string {
	return label + "=" + strconv.Itoa(n) + ";;;0"
}

func limit(d time.Duration) string {
	if d <= 0 {
		return ""
	}
	return Seconds(d)
}

// WriteNagios writes one Nagios plugin status line: "SERVICE STATUS - text
// | perf perf ...". The text loses any '|' (which would start the
// performance data) and any line break, so that it stays one line.
func WriteNagios(w io.Writer, service string, v verdict.Verdict, text string, perf []string) error {
	text = strings.Join(strings.Fields(strings.ReplaceAll(text, "|", "/")), " ")
	line := service + " " + strings.ToUpper(string(verdict.FromExitCode(v.ExitCode()))) + " - " + text
	if len(perf) > 0 {
		line += " | " + strings.Join(perf, " ")
	}
	_, err := io.WriteString(w, line+"\n")
	return err
}
