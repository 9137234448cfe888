package probes

import "testing"

func TestSummarizeOptionalRefusals(t *testing.T) {
	refusedEPSV := Attempt{Command: "EPSV", Status: StatusFail, Code: PassiveEPSVRefused}
	tests := []struct {
		name     string
		attempts []Attempt
		status   Status
		code     Code
	}{
		{"epsv_refused_pasv_works", []Attempt{refusedEPSV, {Command: "PASV", Status: StatusPass, Code: PassiveOK}}, StatusPass, PassiveOK},
		{"epsv_refused_pasv_not_sent_over_ipv6", []Attempt{refusedEPSV, {Command: "PASV", Status: StatusSkip, Code: CodeSkipped}}, StatusFail, PassiveEPSVRefused},
		{"nothing_tried", []Attempt{{Command: "EPSV", Status: StatusSkip, Code: CodeSkipped}}, StatusSkip, CodeSkipped},
		{"pasv_fails_epsv_works", []Attempt{{Command: "EPSV", Status: StatusPass, Code: PassiveOK}, {Command: "PASV", Status: StatusFail, Code: PassiveDataTimeout}}, StatusWarn, PassiveDataTimeout},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := summarize(Result{Stage: StagePassive, Evidence: Evidence{Attempts: tt.attempts}}, "passive")
			if r.Status != tt.status || r.Code != tt.code {
				t.Fatalf("got %s %s (%s), want %s %s", r.Status, r.Code, r.Summary, tt.status, tt.code)
			}
		})
	}
}
