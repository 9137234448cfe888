package integration

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// quick is the per-step timeout of scenarios that wait for a drop.
const quick = 2 * time.Second

// patient is the per-step timeout of scenarios that wait for no drop. A
// step that works never waits for it, so it costs nothing, and a real
// server slowed by a busy machine (a forked ProFTPD loading mod_tls took
// more than 2 s to greet while other suites ran) is not taken for a broken
// one: the scenario proves the tool, not the box's speed.
const patient = 15 * time.Second

// dropWords mark the codes whose diagnosis waits for a timeout: a dropped
// port, a silent server, an advertised address that may not answer.
var dropWords = []string{"timeout", "filtered", "no_connect", "no_greeting", "handshake_failed", "tls_failed",
	"private_address", "unroutable", "address_mismatch", "nat_helper", "unreachable"}

// stepTimeout is the --timeout a scenario runs with: the one its setup
// chose, unless that is quick or the default and nothing it expects waits
// for a drop.
func stepTimeout(run checkRun, want expectation) time.Duration {
	if run.Timeout != quick && run.Timeout != 0 {
		return run.Timeout
	}
	codes := append([]string{want.CauseCode}, want.AlsoCodes...)
	for _, code := range want.Stages {
		codes = append(codes, code)
	}
	for _, code := range codes {
		for _, w := range dropWords {
			if strings.Contains(code, w) {
				return run.Timeout
			}
		}
	}
	return patient
}

// scenario is one network and server setup with the diagnosis it must get.
type scenario struct {
	name  string                                      // snake_case case name
	topo  topology                                    // how the router translates
	setup func(l *lab) checkRun                       // starts servers, firewalls; returns the invocation
	want  expectation                                 // what the report must say
	extra func(t *testing.T, l *lab, got checkResult) // further checks, may be nil
	table bool                                        // also run the table output with the credentials in the URL
}

// login returns a run as the test user with the right password.
func login(target string) checkRun {
	return checkRun{Target: target, User: suite.user, Password: suite.password, Timeout: quick}
}

// hostPort joins an address and a port.
func hostPort(addr string, port int) string { return fmt.Sprintf("%s:%d", addr, port) }

// healthyStages are the stage codes of a run where everything works.
var healthyStages = map[string]string{"control": "control.ok", "login": "login.ok", "passive": "passive.ok", "active": "active.ok", "firewall": "firewall.open"}

// healthyScenarios are setups where everything works: no cause at all.
var healthyScenarios = []scenario{
	{
		// TLS offered (AUTH TLS) but not required, with a certificate
		// from a CA the client trusts: auto mode goes on over TLS and
		// every stage passes, data protected.
		name: "healthy_vsftpd_tls_optional",
		setup: func(l *lab) checkRun {
			is := l.issueCert()
			l.vsftpdTLS(is, "force_local_logins_ssl=NO", "force_local_data_ssl=NO")
			return loginTLS(l.SrvAddr, is)
		},
		want: expectation{Verdict: "ok", Exit: 0, ClientMode: "either", Software: "vsftpd",
			Stages: merge(healthyStages, map[string]string{"tls": "tls.ok"})},
		extra: checkTLS(tlsWant{Mode: "explicit", DataProtected: true, Verified: "true"}),
	},
	{
		// No user given: ftpdoctor logs in as anonymous, which works.
		name: "healthy_vsftpd_anonymous",
		setup: func(l *lab) checkRun {
			l.vsftpd("anonymous_enable=YES", "ftp_username="+anonUser, "no_anon_password=YES")
			return checkRun{Target: l.SrvAddr, Timeout: quick}
		},
		want: expectation{Verdict: "ok", Exit: 0, ClientMode: "either", Software: "vsftpd",
			Stages: merge(healthyStages, map[string]string{"login": "login.anonymous_ok"})},
	},
	{
		name:  "healthy_vsftpd_by_name",
		table: true,
		setup: func(l *lab) checkRun {
			l.dnsmasq(map[string]string{"ftp.test.zone": l.SrvAddr})
			l.vsftpd()
			return login("ftp.test.zone")
		},
		want: expectation{Verdict: "ok", Exit: 0, ClientMode: "either", Software: "vsftpd",
			Stages: merge(healthyStages, map[string]string{"dns": "dns.ok"})},
	},
	{
		name: "healthy_proftpd",
		setup: func(l *lab) checkRun {
			l.proftpd("")
			return login(l.SrvAddr)
		},
		want: expectation{Verdict: "ok", Exit: 0, ClientMode: "either", Software: "proftpd", Stages: healthyStages},
	},
	{
		name: "healthy_pureftpd",
		setup: func(l *lab) checkRun {
			l.pureftpd("")
			return login(l.SrvAddr)
		},
		want: expectation{Verdict: "ok", Exit: 0, ClientMode: "either", Software: "pure-ftpd", Stages: healthyStages},
	},
	{
		// NAT done right: the server advertises the router's address.
		name: "healthy_vsftpd_behind_nat_with_pasv_address",
		topo: serverNAT,
		setup: func(l *lab) checkRun {
			l.vsftpd("pasv_address=" + l.RtrCli)
			return login(l.RtrCli)
		},
		want: expectation{Verdict: "ok", Exit: 0, ClientMode: "either", Software: "vsftpd", Stages: healthyStages},
	},
}

// merge returns a copy of a with b's entries added.
func merge(a, b map[string]string) map[string]string {
	out := make(map[string]string, len(a)+len(b))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

// TestScenarios runs ftpdoctor against every scenario, in parallel.
func TestScenarios(t *testing.T) {
	requireSuite(t)
	t.Parallel()
	for _, sc := range slices.Concat(healthyScenarios, connectScenarios, dataScenarios, tlsScenarios, tlsMoreScenarios) {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			l := newLab(t, sc.topo)
			run := sc.setup(l)
			run.Timeout = stepTimeout(run, sc.want)
			got := l.check(run)
			assertReport(t, got, sc.want)
			if sc.extra != nil {
				sc.extra(t, l, got)
			}
			if sc.table {
				run.Table, run.InURL = true, true
				text := l.check(run) // fails the test if the password shows
				if text.ExitCode != got.ExitCode {
					t.Errorf("table output exits %d, JSON output %d\n%s\n%s", text.ExitCode, got.ExitCode, text.Raw, text.Stderr)
				}
				if !strings.Contains(text.Raw, run.User) {
					t.Errorf("the table does not name the user %s:\n%s", run.User, text.Raw)
				}
			}
		})
	}
}
