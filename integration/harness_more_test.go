package integration

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/ftpdoctor/ftpdoctor/internal/netlab"
)

// Helpers for scenarios_more_test.go: IPv6 on the lab's links and
// directories outside the test user's home.

// ula6 returns the IPv6 ULA of the lab's host h (1 router, 2 end host) on
// side (0 client /64, 1 server /64): fd00:77:<2n+side>::h, mirroring the
// IPv4 plan 10.77.(2n+side).h, so no other lab uses it.
func (l *lab) ula6(side, h int) string {
	return fmt.Sprintf("fd00:77:%x::%d", 2*l.index+side, h)
}

// SrvAddr6 is the server's IPv6 address once enableIPv6 ran.
func (l *lab) SrvAddr6() string { return l.ula6(1, 2) }

// enableIPv6 adds a ULA /64 to both links, default routes through the router
// and IPv6 forwarding in it. The ULAs skip duplicate address detection
// (nodad); the link-local addresses made when the links came up are still
// tentative for a second or two, and until then neighbour discovery loses
// the first SYNs (measured: a connect took 2 s), so it waits for them.
func (l *lab) enableIPv6() {
	l.t.Helper()
	l.In(l.rtr, "sysctl", "-q", "-w", "net.ipv6.conf.all.forwarding=1")
	for _, a := range []struct {
		ns, ifc, addr string // namespace, interface, address
	}{
		{l.cli, l.cliIf, l.ula6(0, 2)}, {l.rtr, l.rtrCIf, l.ula6(0, 1)},
		{l.rtr, l.rtrSIf, l.ula6(1, 1)}, {l.srv, l.srvIf, l.ula6(1, 2)},
	} {
		l.In(a.ns, "ip", "-6", "addr", "add", a.addr+"/64", "dev", a.ifc, "nodad")
	}
	l.In(l.cli, "ip", "-6", "route", "add", "default", "via", l.ula6(0, 1))
	l.In(l.srv, "ip", "-6", "route", "add", "default", "via", l.ula6(1, 1))
	deadline := time.Now().Add(10 * time.Second)
	for _, ns := range []string{l.cli, l.rtr, l.srv} {
		for strings.TrimSpace(l.In(ns, "ip", "-6", "addr", "show", "tentative")) != "" {
			if time.Now().After(deadline) {
				l.t.Fatalf("IPv6 addresses in %s still tentative after 10 s", ns)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}

// publicDir makes a root-owned directory, mode 0755, under /var/lib (out
// of the lab's scratch directory, which the FTP users need not reach) holding
// files empty files, and removes it when the test ends. The directory is a
// small tmpfs: creating 20,000 files on this machine's disk took 3 to 13 s
// of system time, on tmpfs 0.15 s.
func (l *lab) publicDir(files int) string {
	l.t.Helper()
	dir, err := netlab.MkdirTemp("/var/lib", "more")
	if err != nil {
		l.t.Fatal(err)
	}
	l.t.Cleanup(func() { os.Remove(dir) })
	l.Host("mount", "-t", "tmpfs", "-o", "size=16m,mode=0755", "fdlab-more", dir)
	l.t.Cleanup(func() {
		// Cleanups run last-in first-out: the servers using dir are dead.
		if err := exec.Command("umount", dir).Run(); err != nil {
			exec.Command("umount", "-l", dir).Run()
		}
	})
	if files > 0 {
		l.Host("sh", "-c", fmt.Sprintf("cd %s && seq -f file-%%05g.dat 0 %d | xargs touch", dir, files-1))
	}
	return dir
}

// attemptJSON is one data attempt of a stage's evidence, as far as the
// scenarios assert on it.
type attemptJSON struct {
	Command string `json:"command"` // EPSV, PASV, EPRT or PORT
	Status  string `json:"status"`  // pass, warn, fail, skip
	Code    string `json:"code"`    // the attempt's code
	Reply   struct {
		Code int    `json:"code"` // reply code to the data command
		Text string `json:"text"` // reply text
	} `json:"reply"` // the reply to the data command
	Advertised string `json:"advertised"`  // address:port a passive reply named
	Bytes      int64  `json:"bytes"`       // listing bytes received
	Protected  bool   `json:"protected"`   // the data connection was encrypted (PROT P)
	TLSResumed *bool  `json:"tls_resumed"` // it resumed the control connection's TLS session; nil when plain
}

// attempts returns the data attempts of stage id.
func attempts(t *testing.T, rep reportJSON, id string) []attemptJSON {
	t.Helper()
	s, ok := stage(rep, id)
	if !ok {
		t.Fatalf("no stage %s", id)
	}
	var ev struct {
		Attempts []attemptJSON `json:"attempts"` // data attempts
	}
	if err := json.Unmarshal(s.Evidence, &ev); err != nil {
		t.Fatalf("stage %s evidence: %v", id, err)
	}
	return ev.Attempts
}

// primaryFix reports whether the primary cause has a fix containing text.
func primaryFix(rep reportJSON, text string) bool {
	return len(rep.Causes) > 0 && hasFix(rep.Causes[0], text)
}
