package output

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ftpdoctor/ftpdoctor/verdict"
)

func TestThresholdsJudge(t *testing.T) {
	th := Thresholds{Warning: time.Second, Critical: 3 * time.Second}
	tests := []struct {
		name  string
		t     Thresholds
		total time.Duration
		want  verdict.Verdict
	}{
		{"under_both", th, 500 * time.Millisecond, verdict.OK},
		{"at_warning", th, time.Second, verdict.OK},
		{"over_warning", th, 1500 * time.Millisecond, verdict.Warning},
		{"over_critical", th, 4 * time.Second, verdict.Critical},
		{"critical_only", Thresholds{Critical: time.Second}, 2 * time.Second, verdict.Critical},
		{"none", Thresholds{}, time.Hour, verdict.OK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, why := tt.t.Judge(tt.total)
			if got != tt.want || (got == verdict.OK) != (why == "") {
				t.Errorf("Judge(%s) = %s, %q; want %s", tt.total, got, why, tt.want)
			}
		})
	}
}

func TestSecondsCLocale(t *testing.T) {
	for d, want := range map[time.Duration]string{
		2 * time.Millisecond:              "0.002",
		1020 * time.Millisecond:           "1.02",
		5 * time.Second:                   "5",
		1234567 * time.Nanosecond:         "0.001",
		90*time.Second + time.Millisecond: "90.001",
		1731199999 * time.Nanosecond:      "1.731", // 1731.2 ms turned back into a duration
		2360800000 * time.Nanosecond:      "2.361",
		8400 * time.Microsecond:           "0.008",
	} {
		if got := Seconds(d); got != want {
			t.Errorf("Seconds(%s) = %q, want %q", d, got, want)
		}
	}
}

// TestSecondsNoFloatTail checks every millisecond of the first ten seconds:
// the value and its text have at most three decimals, with no binary tail.
func TestSecondsNoFloatTail(t *testing.T) {
	for n := 0; n <= 10000; n++ {
		d := time.Duration(n)*time.Millisecond + 300*time.Microsecond
		text := strconv.FormatFloat(SecondsOf(d), 'f', -1, 64)
		if _, frac, _ := strings.Cut(text, "."); len(frac) > 3 || Seconds(d) != text {
			t.Fatalf("%s: SecondsOf %s, Seconds %s", d, text, Seconds(d))
		}
		ms := float64(d.Round(100*time.Microsecond)) / float64(time.Millisecond)
		if got := strconv.FormatFloat(MillisToSeconds(ms), 'f', -1, 64); got != text {
			t.Fatalf("MillisToSeconds(%v) = %s, want %s", ms, got, text)
		}
	}
}
