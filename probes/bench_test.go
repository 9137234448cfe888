package probes_test

import (
	"context"
	"crypto/tls"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
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
//
// It prices the round trips of the conversation, not what a real server
// and a real network charge besides, so the benchmarks on it measure the
// protocol work of probes.Check in-process, not ftpdoctor against a real
// server. Left out: process start-up (these run probes.Check in the test
// process; curl is started as a process); the server's fork, PAM and
// password hash on every login (the fixture answers 230 at once, and the
// check logs in on more connections than curl); a connect() that costs a
// round trip (the proxies' kernel accepts at once on loopback, and the
// greeting arrives 1.5 round trips after connect, not 2); the delayed ACKs
// behind vsftpd's Nagle stall before "226". For the figures to compare
// with curl, use integration's BenchmarkRealRTTHealthy (real vsftpd, every
// packet delayed) or ../shared/bench/run.
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

// BenchmarkHealthyCheck50msRTT times a full healthy plain-FTP check
// (--tls off: EPSV, PASV, EPRT and PORT listings, and the firewall stage)
// at 50 ms round-trip time against a fixture that logs in and accepts
// for free (see latencyServer), beside BenchmarkCurlPassiveList50msRTT:
// a change in the check's round trips shows here first, but the ratio of
// the two is lower than against a real server (0.88x here where the
// shared harness measured 1.10x), so it is no claim about curl.
func BenchmarkHealthyCheck50msRTT(b *testing.B) {
	benchHealthy(b, probes.TLSOff)
}

// BenchmarkHealthyCheckAutoTLS50msRTT is the same check in the default
// --tls auto, which asks AUTH TLS first as FileZilla does: compare it with
// BenchmarkCurlTryTLSList50msRTT (curl --ssl, which does the same).
func BenchmarkHealthyCheckAutoTLS50msRTT(b *testing.B) {
	benchHealthy(b, probes.TLSAuto)
}

func benchHealthy(b *testing.B, mode probes.TLSMode) {
	host, port := latencyServer(b)
	cfg := probes.Config{Target: probes.Target{Host: host, Port: port, User: "alice"}, Password: testPassword, Timeout: 5 * time.Second, TLS: mode}
	for b.Loop() {
		o := probes.Check(context.Background(), cfg, probes.DefaultEnv())
		for _, r := range o.Results {
			if r.Status != probes.StatusPass && !(r.Stage == probes.StageTLS && r.Status == probes.StatusSkip) {
				b.Fatalf("%s: %s %s", r.Stage, r.Code, r.Summary)
			}
		}
	}
}

// BenchmarkCurlPassiveList50msRTT times one passive listing by curl against
// the same server and latency.
func BenchmarkCurlPassiveList50msRTT(b *testing.B) {
	host, port := latencyServer(b)
	benchCurl(b, "ftp://"+host+":"+itoa(port)+"/")
}

// BenchmarkCurlTryTLSList50msRTT is curl --ssl: AUTH TLS first, plain FTP
// when the server refuses it.
func BenchmarkCurlTryTLSList50msRTT(b *testing.B) {
	host, port := latencyServer(b)
	benchCurl(b, "ftp://"+host+":"+itoa(port)+"/", "--ssl")
}

// benchCurl runs curl on url with the test user and extra flags.
func benchCurl(b *testing.B, url string, flags ...string) {
	curl, err := exec.LookPath("curl")
	if err != nil {
		b.Skip("curl is not installed")
	}
	args := append([]string{"-s", "-S", "--max-time", "10", "-u", "alice:" + testPassword}, flags...)
	for b.Loop() {
		cmd := exec.Command(curl, append(args, url)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("curl: %v: %s", err, out)
		}
	}
}

// latencyTLSServer is latencyServer with FTPS: explicit TLS, data
// connections that must be encrypted and must resume the control
// connection's session (vsftpd's require_ssl_reuse), a certificate of the
// test CA for 127.0.0.2, and the CA written as a PEM file for curl.
func latencyTLSServer(b *testing.B) (host string, port int, caFile string) {
	b.Helper()
	now := time.Now()
	leaf := testCA.Leaf([]string{"127.0.0.2"}, now.Add(-time.Hour), now.Add(365*24*time.Hour))
	srv := fixtures.StartT(b, fixtures.Script{
		Users:        map[string]string{"alice": testPassword},
		PassiveWrap:  fixtures.DelayPassive(benchRTT / 2),
		ActiveDialer: fixtures.DelayDialer(benchRTT/2, nil),
		TLS:          &fixtures.TLSConfig{Certificates: []tls.Certificate{leaf}, RequireData: true, RequireReuse: true},
	})
	proxy, err := fixtures.StartProxy(fixtures.ProxyConfig{Listen: "127.0.0.2:0", Upstream: srv.Addr(), Delay: benchRTT / 2})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { proxy.Close() })
	caFile = filepath.Join(b.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, testCA.PEM(), 0o600); err != nil {
		b.Fatal(err)
	}
	return "127.0.0.2", mustPort(b, proxy.Addr()), caFile
}

// BenchmarkHealthyFTPSCheck50msRTT times a full FTPS check (AUTH TLS and
// the handshake on every control connection, protected and resumed EPSV,
// PASV, EPRT and PORT listings, the firewall stage) at 50 ms round-trip
// time, beside BenchmarkCurlFTPSList50msRTT, on the same free fixture as
// BenchmarkHealthyCheck50msRTT and with the same limits (see
// latencyServer).
func BenchmarkHealthyFTPSCheck50msRTT(b *testing.B) {
	host, port, _ := latencyTLSServer(b)
	cfg := probes.Config{Target: probes.Target{Host: host, Port: port, User: "alice"}, Password: testPassword,
		Timeout: 5 * time.Second, TLS: probes.TLSRequire, Roots: testCA.Pool()}
	for b.Loop() {
		o := probes.Check(context.Background(), cfg, probes.DefaultEnv())
		for _, r := range o.Results {
			if r.Status != probes.StatusPass {
				b.Fatalf("%s: %s %s", r.Stage, r.Code, r.Summary)
			}
		}
		if o.TLS.SessionReuse == nil || !*o.TLS.SessionReuse {
			b.Fatalf("data connections did not resume: %+v", o.TLS)
		}
	}
}

// BenchmarkCurlFTPSList50msRTT times one passive listing by curl
// --ssl-reqd against the same server and latency.
func BenchmarkCurlFTPSList50msRTT(b *testing.B) {
	host, port, caFile := latencyTLSServer(b)
	benchCurl(b, "ftp://"+host+":"+itoa(port)+"/", "--ssl-reqd", "--cacert", caFile)
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
		if result(o, probes.StageControl).Code != probes.ControlNoGreeting {
			b.Fatalf("control: %s", result(o, probes.StageControl).Code)
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
		if result(o, probes.StageControl).Code != probes.ControlTimeout {
			b.Fatalf("control: %s", result(o, probes.StageControl).Code)
		}
		total += o.Duration
	}
	b.ReportMetric(float64(total)/float64(b.N)/float64(timeout), "timeouts/op")
}

// BenchmarkAccounts50 checks 50 accounts against one server behind the
// latency proxy at the default parallelism (2) and reports the run's time
// over (50 / 2) times one account's own login and listing (the median of
// the further accounts' durations) as x-ideal: the goal is at most 1.2.
func BenchmarkAccounts50(b *testing.B) {
	const n, parallel = 50, 2
	users := map[string]string{}
	var accounts []probes.Credential
	for i := range n {
		u := "user" + itoa(i)
		users[u] = "Pw-" + u
		accounts = append(accounts, probes.Credential{User: u, Password: probes.Secret("Pw-" + u)})
	}
	srv := fixtures.StartT(b, fixtures.Script{Users: users, PassiveWrap: fixtures.DelayPassive(benchRTT / 10)})
	proxy, err := fixtures.StartProxy(fixtures.ProxyConfig{Listen: "127.0.0.2:0", Upstream: srv.Addr(), Delay: benchRTT / 10})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { proxy.Close() })
	cfg := probes.Config{Target: probes.Target{Host: "127.0.0.2", Port: mustPort(b, proxy.Addr())}, Timeout: 5 * time.Second}
	var ratio float64
	for b.Loop() {
		o := probes.CheckAccounts(context.Background(), cfg, accounts, "", parallel, probes.DefaultEnv())
		var each []time.Duration
		for _, a := range o.Accounts {
			if a.Phase != probes.PhaseOK {
				b.Fatalf("%s: %s", a.User, a.Phase)
			}
			each = append(each, a.Duration)
		}
		slices.Sort(each[1:])
		one := each[1+len(each[1:])/2]
		ratio += float64(o.Duration) / (float64(n) / parallel * float64(one))
	}
	b.ReportMetric(ratio/float64(b.N), "x-ideal")
}
