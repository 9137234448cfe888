package report

import (
	"strings"
	"testing"

	"github.com/ftpdoctor/ftpdoctor/probes"
	"github.com/ftpdoctor/ftpdoctor/verdict"
)

// transferFailure is a transfer stage that failed with code on its upload.
func transferFailure(code probes.Code) probes.Result {
	status := probes.StatusFail
	if code == probes.TransferLeftBehind {
		status = probes.StatusWarn
	}
	match := false
	ev := &probes.TransferEvidence{Mode: "passive", Command: "EPSV", File: "/pub/big.bin", LargestOKBytes: 68, MSS: 1448, MTU: 1500, ClampedMSS: 1240,
		Transfers: []probes.FileTransfer{
			{Direction: probes.DirectionDownload, Type: "I", Path: "/pub/big.bin", Status: probes.StatusPass, Bytes: 4096, ExpectedBytes: 4096, DurationMS: 2, ThroughputBytesPerS: 2048000},
			{Direction: probes.DirectionUpload, Type: "I", Path: "/pub/ftpdoctor-0123456789ab.bin", Status: status, Code: code, Bytes: 0, ExpectedBytes: 4096,
				SHA256Match: &match, Reply: ex("STOR /pub/ftpdoctor-0123456789ab.bin", 550, "Permission denied.", 1)},
		}}
	return probes.Result{Stage: probes.StageTransfer, Status: status, Code: code, Summary: "summary of " + string(code),
		Evidence: probes.Evidence{Transfer: ev}}
}

func TestTransferCausesQuoteTheEvidence(t *testing.T) {
	tests := []struct {
		name string
		code probes.Code
		want []string // in the explanation or a fix
	}{
		{"write_denied_vsftpd", probes.TransferWriteDenied, []string{`550 Permission denied.`, "write_enable=YES"}},
		{"stalled_names_icmp_and_mss", probes.TransferStalled, []string{"segments of 1448 bytes of data in packets of 1500 bytes", "largest transfer that arrived whole was 68 bytes", "ICMP type 3 code 4", "packet too big", "clamp-mss-to-pmtu"}},
		{"control_lost_names_keepalives", probes.TransferControlLost, []string{"FileZilla", "WinSCP", "lftp", "curl", "nf_conntrack_tcp_timeout_established"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := healthy()
			o.Server.Software = probes.SoftwareVsftpd
			o.Results = append(o.Results, transferFailure(tc.code))
			r := Build(o)
			if len(r.Causes) != 1 || r.Causes[0].Code != tc.code || r.Verdict != verdict.Warning {
				t.Fatalf("causes %+v, verdict %s; want one %s, warning", r.Causes, r.Verdict, tc.code)
			}
			text := r.Causes[0].Explanation
			for _, f := range r.Causes[0].Fixes {
				text += "\n" + f.Text
			}
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("%q missing from:\n%s", w, text)
				}
			}
		})
	}
}
