package integration

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// curlList lists the server's login directory with curl from the client
// namespace; active selects PORT/EPRT. It proves the harness's network and
// servers work independently of ftpdoctor.
func (l *lab) curlList(active bool) (string, error) {
	l.t.Helper()
	netrc := filepath.Join(l.Dir, "netrc")
	line := fmt.Sprintf("machine %s login %s password %s\n", l.Target(), suite.user, suite.password)
	if err := os.WriteFile(netrc, []byte(line), 0o600); err != nil {
		l.t.Fatal(err)
	}
	args := []string{"netns", "exec", l.cli, "curl", "-sS", "--max-time", "10", "--netrc-file", netrc, "--list-only"}
	if active {
		args = append(args, "--ftp-port", "-")
	}
	args = append(args, fmt.Sprintf("ftp://%s:%d/", l.Target(), ftpPort))
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "ip", args...).CombinedOutput()
	return strings.ReplaceAll(string(out), suite.password, "****"), err
}

// TestHarness checks the harness with curl: every server lists its files
// in both data modes on a routed network, and through a server-side NAT.
func TestHarness(t *testing.T) {
	requireLab(t)
	t.Parallel()
	servers := []struct {
		name  string       // case name
		topo  topology     // network
		start func(l *lab) // server to run
	}{
		{"vsftpd_routed", routed, func(l *lab) { l.vsftpd() }},
		{"proftpd_routed", routed, func(l *lab) { l.proftpd("") }},
		{"pureftpd_routed", routed, func(l *lab) { l.pureftpd("") }},
		{"vsftpd_server_nat_pasv_address", serverNAT, func(l *lab) { l.vsftpd("pasv_address=" + l.RtrCli) }},
	}
	for _, tc := range servers {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			l := newLab(t, tc.topo)
			tc.start(l)
			for _, active := range []bool{false, true} {
				out, err := l.curlList(active)
				if err != nil || !strings.Contains(out, "readme.txt") {
					t.Errorf("curl list (active=%v): %v\n%s", active, err, out)
				}
			}
		})
	}
}
