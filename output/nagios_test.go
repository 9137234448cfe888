package output

import (
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
		1234567 * time.Nanosecond:         "0.001235",
		90*time.Second + time.Millisecond: "90.001",
	} {
		if got := Seconds(d); got != want {
			t.Errorf("Seconds(%s) = %q, want %q", d, got, want)
		}
	}
}
