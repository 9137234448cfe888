package probes_test

import (
	"context"
	"net"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/ftpdoctor/ftpdoctor/fixtures"
	"github.com/ftpdoctor/ftpdoctor/probes"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests if any goroutine outlives them: a
// check must leave nothing running behind it.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// openFDs counts this process's open file descriptors.
func openFDs(t *testing.T) int {
	t.Helper()
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("no /proc/self/fd on this system: %v", err)
	}
	return len(entries)
}

func TestCheckLeavesNoDescriptors(t *testing.T) {
	scripts := map[string]fixtures.Script{
		"healthy":             {},
		"never_connects_back": {Active: fixtures.ActiveNeverConnect, NoConnectDelay: 2 * time.Second},
		"never_greets":        {Connect: fixtures.ConnectSilent},
		"passive_silent":      {Hostile: fixtures.HostilePassiveSilent},
	}
	for name, script := range scripts {
		t.Run(name, func(t *testing.T) {
			before := openFDs(t)
			script.Users = map[string]string{"alice": "x"}
			srv, err := fixtures.Start(script)
			if err != nil {
				t.Fatal(err)
			}
			cfg := probes.Config{Target: probes.Target{Host: srv.Host(), Port: srv.Port(), User: "alice"}, Password: "x", Timeout: 300 * time.Millisecond}
			o := probes.Check(context.Background(), cfg, probes.DefaultEnv())
			srv.Close()
			if name != "never_greets" && !(result(o, probes.StageLogin).Status == probes.StatusPass) {
				t.Fatalf("login did not pass: %s", result(o, probes.StageLogin).Summary)
			}
			if after := openFDs(t); after > before {
				t.Fatalf("%d file descriptors open after the check, %d before", after, before)
			}
		})
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func mustPort(tb testing.TB, addr string) int {
	tb.Helper()
	_, p, err := net.SplitHostPort(addr)
	if err != nil {
		tb.Fatal(err)
	}
	n, err := strconv.Atoi(p)
	if err != nil {
		tb.Fatal(err)
	}
	return n
}
