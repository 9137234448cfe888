package probes_test

import (
	"context"
	"os/exec"
	"testing"
	"time"

	"github.com/ftpdoctor/ftpdoctor/fixtures"
	"github.com/ftpdoctor/ftpdoctor/probes"
)

// benchRTT is the round-trip time the latency benchmark adds to every
// connection: control, passive data and active connect-back.
const benchRTT = 50 * time.Millisecond

// latencyServer starts a healthy fixture behind latency proxies. The
// control proxy listens on 127.0.0.2, as do the passive-data proxies, so
// the 227 address matches the control peer as on a healthy server.
func latencyServer(b *testing.B) (host string, port int) {
	b.Helper()
	srv := fixtures.StartT(b, fixtures.Script{
		Users:        map[string]string{"alice": testPassword},
		PassiveWrap:  fixtures.DelayPassive(benchRTT / 2),
		ActiveDialer: fixtures.DelayDialer(benchRTT/2, nil),
	})
	proxy, err := fixtures.StartProxy(fixtures.ProxyConfig{Listen: "127.0.0.2:0", Upstream: srv.Addr(), Delay: benchRTT / 2})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { proxy.Close() })
	addr := proxy.Addr()
	return "127.0.0.2", mustPort(b, addr)
}

// BenchmarkHealthyCheck50msRTT times a full healthy check (EPSV, PASV, EPRT
// and PORT listings, and the firewall stage) at 50 ms round-trip time.
// Compare it with BenchmarkCurlPassiveList50msRTT from the same run: the
// goal is at most curl's time for one passive listing.
func BenchmarkHealthyCheck50msRTT(b *testing.B) {
	host, port := latencyServer(b)
	cfg := probes.Config{Target: probes.Target{Host: host, Port: port, User: "alice"}, Password: testPassword, Timeout: 5 * time.Second}
	for b.Loop() {
		o := probes.Check(context.Background(), cfg, probes.DefaultEnv())
		for _, r := range o.Results {
			if r.Status != probes.StatusPass {
				b.Fatalf("%s: %s %s", r.Stage, r.Code, r.Summary)
			}
		}
	}
}

// BenchmarkCurlPassiveList50msRTT times one passive listing by curl against
// the same server and latency.
func BenchmarkCurlPassiveList50msRTT(b *testing.B) {
	curl, err := exec.LookPath("curl")
	if err != nil {
		b.Skip("curl is not installed")
	}
	host, port := latencyServer(b)
	url := "ftp://" + host + ":" + itoa(port) + "/"
	for b.Loop() {
		cmd := exec.Command(curl, "-s", "-S", "--max-time", "10", "-u", "alice:"+testPassword, url)
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("curl: %v: %s", err, out)
		}
	}
}

// BenchmarkSilentListener times a check against a port that accepts but
// never greets; the goal is a verdict within 1.2 step timeouts (the TLS
// probe runs beside the wait for the greeting). The metric "timeouts/op"
// is the run's wall time divided by --timeout.
func BenchmarkSilentListener(b *testing.B) {
	const timeout = 500 * time.Millisecond
	srv := fixtures.StartT(b, fixtures.Script{Connect: fixtures.ConnectSilent})
	cfg := probes.Config{Target: probes.Target{Host: srv.Host(), Port: srv.Port(), User: "alice"}, Timeout: timeout}
	var total time.Duration
	for b.Loop() {
		o := probes.Check(context.Background(), cfg, probes.DefaultEnv())
		if o.Results[1].Code != probes.ControlNoGreeting {
			b.Fatalf("control: %s", o.Results[1].Code)
		}
		total += o.Duration
	}
	b.ReportMetric(float64(total)/float64(b.N)/float64(timeout), "timeouts/op")
}

// BenchmarkDropEverything times a check against a host that drops every
// packet; the goal is a verdict within about one step timeout. The metric
// "timeouts/op" is the run's wall time divided by --timeout.
func BenchmarkDropEverything(b *testing.B) {
	const timeout = 200 * time.Millisecond
	env := probes.DefaultEnv()
	env.Dialer = &fixtures.Dialer{Rule: func(string) fixtures.Action { return fixtures.BlackHole }}
	cfg := probes.Config{Target: probes.Target{Host: "127.0.0.1", Port: 21, User: "alice"}, Timeout: timeout}
	var total time.Duration
	for b.Loop() {
		o := probes.Check(context.Background(), cfg, env)
		if o.Results[1].Code != probes.ControlTimeout {
			b.Fatalf("control: %s", o.Results[1].Code)
		}
		total += o.Duration
	}
	b.ReportMetric(float64(total)/float64(b.N)/float64(timeout), "timeouts/op")
}
