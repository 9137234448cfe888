package report

import (
	"bytes"
	"os"
	"testing"
	"time"

	"github.com/ftpdoctor/ftpdoctor/output"
	"github.com/ftpdoctor/ftpdoctor/probes"
	"github.com/ftpdoctor/ftpdoctor/verdict"
)

func TestWriteNagios(t *testing.T) {
	warn := Report{
		Target:     Target{Host: "ftp.example.net", Port: 21},
		Verdict:    verdict.Warning,
		ExitCode:   verdict.ExitWarning,
		DurationMS: 1020,
		Stages: []Stage{
			{ID: probes.StageDNS, Status: probes.StatusPass, DurationMS: 2},
			{ID: probes.StageControl, Status: probes.StatusPass, DurationMS: 10.5},
			{ID: probes.StagePassive, Status: probes.StatusFail, DurationMS: 1000},
			{ID: probes.StageActive, Status: probes.StatusSkip},
		},
		Causes: []Cause{{Code: "passive.data_timeout", Title: "passive mode | blocked\nby a firewall"}, {Code: "firewall.filtered"}},
	}
	ok := Report{Target: Target{Host: "::1", Port: 2121}, Verdict: verdict.OK, DurationMS: 4.25,
		Stages: []Stage{{ID: probes.StageDNS, Status: probes.StatusPass, DurationMS: 0.1}}, Recommendation: Recommendation{ClientMode: ModeEither}}
	tails := ok // times whose conversion to seconds leaves a binary tail: 1.7311999999999999
	tails.DurationMS, tails.Stages = 2360.8, []Stage{{ID: probes.StageLogin, Status: probes.StatusPass, DurationMS: 1731.2}}
	tests := []struct {
		name string
		r    Report
		t    output.Thresholds
		want string
	}{
		{"warning_with_thresholds", warn, output.Thresholds{Warning: 5 * time.Second, Critical: 10 * time.Second},
			"FTP WARNING - passive mode / blocked by a firewall (passive.data_timeout) on ftp.example.net:21, 1 more cause | dns=0.002s;;;0 control=0.011s;;;0 passive=1s;;;0 total=1.02s;5;10;0\n"},
		{"ok_without_thresholds", ok, output.Thresholds{},
			"FTP OK - [::1]:2121: every stage passed, client mode either | dns=0s;;;0 total=0.004s;;;0\n"},
		{"over_warning_says_why", ok, output.Thresholds{Warning: 2 * time.Millisecond},
			"FTP OK - [::1]:2121: every stage passed, client mode either; total time 0.004s over the warning threshold 0.002s | dns=0s;;;0 total=0.004s;0.002;;0\n"},
		{"no_float_tail", tails, output.Thresholds{},
			"FTP OK - [::1]:2121: every stage passed, client mode either | login=1.731s;;;0 total=2.361s;;;0\n"},
	}
	// Go never formats numbers by locale; a German locale must change nothing.
	os.Setenv("LC_ALL", "de_DE.UTF-8")
	defer os.Unsetenv("LC_ALL")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteNagios(&b, tt.r, output.Options{Thresholds: tt.t}); err != nil {
				t.Fatal(err)
			}
			if b.String() != tt.want {
				t.Errorf("got  %q\nwant %q", b.String(), tt.want)
			}
		})
	}
}

func TestWriteNagiosRedacts(t *testing.T) {
	r := Report{Verdict: verdict.Critical, Causes: []Cause{{Code: "login.rejected", Title: "530 for Pa55-word"}}}
	var b bytes.Buffer
	WriteNagios(&b, r, output.Options{Redact: []probes.Secret{"Pa55-word"}})
	if bytes.Contains(b.Bytes(), []byte("Pa55-word")) {
		t.Fatalf("password in %q", b.String())
	}
}
