package cli

import (
	"strconv"
	"strings"
	"testing"

	"github.com/ftpdoctor/ftpdoctor/fixtures"
	"github.com/ftpdoctor/ftpdoctor/verdict"
)

// TestDeadlineInterruptsCheck: a server that never greets, checked with a
// --deadline shorter than --timeout, is not reported down: the check exits
// UNKNOWN (3) and every format says it was interrupted.
func TestDeadlineInterruptsCheck(t *testing.T) {
	srv := fixtures.StartT(t, fixtures.Script{Connect: fixtures.ConnectSilent})
	target := "127.0.0.1:" + strconv.Itoa(srv.Port())
	tests := []struct {
		format string
		want   string
	}{
		{"table", "| interrupted |"},
		{"json", `"interrupted": true`},
		{"nagios", "FTP UNKNOWN - " + target + ": interrupted by the deadline before control, tls, login, passive, active, firewall finished"},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			code, out, errOut := runCLI(t, "", "check", "--timeout", "5s", "--deadline", "300ms", "--format", tt.format, target)
			if code != verdict.ExitUnknown || !strings.Contains(out, tt.want) || strings.Contains(out, "critical") {
				t.Errorf("exit %d, want %d, and %q in:\n%s%s", code, verdict.ExitUnknown, tt.want, out, errOut)
			}
		})
	}
}
