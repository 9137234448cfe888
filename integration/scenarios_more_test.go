package integration

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// knownWrongEnv, when set, runs the scenarios marked knownWrong instead of
// skipping them: the way to check a fix of the product.
const knownWrongEnv = "FDIT_KNOWN_WRONG"

// moreScenario is a scenario with the diagnosis a seasoned FTP admin
// expects, which the product may not give yet.
type moreScenario struct {
	scenario
	knownWrong string // when set, the product's diagnosis is known to differ: one line why; the scenario is skipped
}

// moreScenarios cover situations the first scenario tables do not:
// passive off, a stale pasv_address, declared ranges, Pure-FTPd TLS, IPv6,
// a large listing, a name with a dead address, anonymous with anon_root.
var moreScenarios = []moreScenario{
	{scenario: scenario{
		// vsftpd answers "550 Permission denied." to EPSV and PASV.
		name: "vsftpd_pasv_disabled_active_works",
		setup: func(l *lab) checkRun {
			l.vsftpd("pasv_enable=NO")
			return login(l.SrvAddr)
		},
		want: expectation{Verdict: "warning", Exit: 1, Cause: "transfer_mode", CauseCode: "passive.refused", ClientMode: "active",
			Software: "vsftpd", Fix: "pasv_enable=YES", Stages: map[string]string{"passive": "passive.refused", "active": "active.ok"}},
	}},
	{scenario: scenario{
		// pasv_address names the router, another host of the client's
		// own (private) network, not a NAT's public side: the server is
		// reached at its own address, so this is a stale pasv_address,
		// not "behind NAT". EPSV works, so passive stays the advice.
		name: "vsftpd_pasv_address_names_another_host",
		setup: func(l *lab) checkRun {
			l.vsftpd("pasv_address=" + l.RtrCli)
			return login(l.SrvAddr)
		},
		want: expectation{Verdict: "warning", Exit: 1, Cause: "transfer_mode", CauseCode: "passive.address_mismatch", ClientMode: "passive",
			Software: "vsftpd", Stages: map[string]string{"passive": "passive.address_mismatch", "active": "active.ok"}},
		extra: func(t *testing.T, l *lab, got checkResult) {
			if !primaryFix(got.Report, "pasv_address="+l.SrvAddr) {
				t.Errorf("no fix sets pasv_address=%s, the address clients reach", l.SrvAddr)
			}
			if len(got.Report.Causes) > 0 && strings.Contains(got.Report.Causes[0].Explanation, "behind NAT") {
				t.Errorf("the explanation blames NAT while the client reaches the server's own address:\n%s", got.Report.Causes[0].Explanation)
			}
		},
	}},
	{scenario: scenario{
		// ProFTPD uses 30000-30099; the admin opened the next hundred.
		name: "proftpd_passive_ports_next_to_declared_range",
		setup: func(l *lab) checkRun {
			l.proftpd("")
			r := login(l.SrvAddr)
			r.Extra = []string{"--passive-range", "30100-30199"}
			return r
		},
		want: expectation{Verdict: "warning", Exit: 1, Cause: "port_or_firewall", CauseCode: "passive.port_out_of_range", ClientMode: "passive",
			Software: "proftpd", Fix: "PassivePorts 30100 30199",
			Stages: map[string]string{"passive": "passive.port_out_of_range", "active": "active.ok"}},
	}},
	{scenario: scenario{
		// The declared range is the server's: no finding.
		name: "proftpd_passive_ports_as_declared",
		setup: func(l *lab) checkRun {
			l.proftpd("")
			r := login(l.SrvAddr)
			r.Extra = []string{"--passive-range", "30000-30099"}
			return r
		},
		want: expectation{Verdict: "ok", Exit: 0, ClientMode: "either", Software: "proftpd", Stages: healthyStages},
	}},
	{scenario: scenario{
		// -Y 2: TLS required for the control connection, as a plain FTP
		// client (--tls off) sees it.
		name: "pureftpd_tls_required_for_login",
		setup: func(l *lab) checkRun {
			cert, key := l.selfSigned()
			l.pureftpdWith("-Y", "2", "-2", cert+","+key)
			r := login(l.SrvAddr)
			r.Extra = []string{"--tls", "off"}
			return r
		},
		want: expectation{Verdict: "critical", Exit: 2, Cause: "tls", CauseCode: "login.tls_required", ClientMode: "unknown",
			Software: "pure-ftpd", Fix: "-Y 1", Stages: map[string]string{"login": "login.tls_required", "passive": "skipped"}},
	}},
	{scenario: scenario{
		// Over IPv6 only EPSV and EPRT (RFC 2428) can carry the address.
		// vsftpd answers PASV with 227 (0,0,0,0,p1,p2) and PORT cannot be
		// sent: both are what IPv6 means, not findings. EPRT must work.
		name: "healthy_vsftpd_ipv6",
		setup: func(l *lab) checkRun {
			l.enableIPv6()
			l.vsftpd("listen=NO", "listen_ipv6=YES", "listen_address6="+l.SrvAddr6())
			return login(l.SrvAddr6())
		},
		want: expectation{Verdict: "ok", Exit: 0, ClientMode: "either", Software: "vsftpd",
			Stages: merge(healthyStages, map[string]string{"dns": "dns.literal"})},
		extra: func(t *testing.T, l *lab, got checkResult) {
			for _, a := range attempts(t, got.Report, "active") {
				if a.Command == "EPRT" && a.Code != "active.ok" {
					t.Errorf("EPRT over IPv6: %s (%d %s), want active.ok", a.Code, a.Reply.Code, a.Reply.Text)
				}
			}
		},
	}},
	{scenario: scenario{
		// 20,000 files: about 1.4 MB per listing, each mode.
		name: "vsftpd_listing_20000_files",
		setup: func(l *lab) checkRun {
			dir := l.publicDir(20000)
			l.vsftpd()
			r := login("ftp://" + l.SrvAddr + "/" + dir)
			return r
		},
		want: expectation{Verdict: "ok", Exit: 0, ClientMode: "either", Software: "vsftpd", Stages: healthyStages},
		extra: func(t *testing.T, l *lab, got checkResult) {
			for _, id := range []string{"passive", "active"} {
				for _, a := range attempts(t, got.Report, id) {
					if a.Status == "pass" && a.Bytes < 20000*40 {
						t.Errorf("%s %s listed %d bytes, want the whole 20,000-file listing", id, a.Command, a.Bytes)
					}
				}
			}
		},
	}},
	{scenario: scenario{
		// ftp.test.zone has two A records: a dead address first, then
		// the server. Clients that try only the first address fail,
		// others lose a connect timeout: worth a warning that names the
		// dead address, while every stage through the live one passes.
		name: "dns_two_addresses_one_dead",
		setup: func(l *lab) checkRun {
			l.dnsmasqRecords("ftp.test.zone,"+l.NoHostAddr(), "ftp.test.zone,"+l.SrvAddr)
			l.vsftpd()
			return login("ftp.test.zone")
		},
		want: expectation{Verdict: "warning", Exit: 1, Cause: "server_down", CauseCode: "control.address_failed", ClientMode: "either", Software: "vsftpd",
			Stages: map[string]string{"dns": "dns.ok", "control": "control.address_failed", "login": "login.ok", "passive": "passive.ok", "active": "active.ok"}},
		extra: func(t *testing.T, l *lab, got checkResult) {
			named := false
			for _, c := range got.Report.Causes {
				named = named || strings.Contains(c.Explanation, l.NoHostAddr())
			}
			if !named {
				t.Errorf("no cause names the dead address %s", l.NoHostAddr())
			}
		},
	}},
	{scenario: scenario{
		// The usual public anonymous setup: anon_root is an empty,
		// root-owned, read-only directory; vsftpd asks for a password
		// (331) and accepts any.
		name: "healthy_vsftpd_anonymous_empty_anon_root",
		setup: func(l *lab) checkRun {
			root := l.publicDir(0)
			l.vsftpd("anonymous_enable=YES", "ftp_username="+anonUser, "anon_root="+root)
			return checkRun{Target: l.SrvAddr, Timeout: quick}
		},
		want: expectation{Verdict: "ok", Exit: 0, ClientMode: "either", Software: "vsftpd",
			Stages: merge(healthyStages, map[string]string{"login": "login.anonymous_ok"})},
		extra: func(t *testing.T, l *lab, got checkResult) {
			for _, a := range attempts(t, got.Report, "passive") {
				if a.Bytes != 0 {
					t.Errorf("passive %s listed %d bytes of an empty anon_root", a.Command, a.Bytes)
				}
			}
		},
	}},
	{scenario: scenario{
		// A two-port passive range whose ports another process holds
		// (listeners in the server's namespace): vsftpd cannot bind a
		// passive port and answers "500 OOPS: vsf_sysutil_bind". Passive
		// mode is on: the cause is the busy range, not pasv_enable.
		name: "vsftpd_passive_ports_busy",
		setup: func(l *lab) checkRun {
			l.Silent(l.srv, l.SrvAddr, busyLow)
			l.Silent(l.srv, l.SrvAddr, busyLow+1)
			l.vsftpd(fmt.Sprintf("pasv_min_port=%d", busyLow), fmt.Sprintf("pasv_max_port=%d", busyLow+1))
			r := login(l.SrvAddr)
			r.Extra = []string{"--passive-range", fmt.Sprintf("%d-%d", busyLow, busyLow+1)}
			return r
		},
		want: expectation{Verdict: "warning", Exit: 1, Cause: "server_config", CauseCode: "passive.ports_busy", ClientMode: "active",
			Software: "vsftpd", Fix: "pasv_min_port-pasv_max_port", NoFix: "pasv_enable=YES",
			Stages: map[string]string{"passive": "passive.ports_busy", "active": "active.ok"}},
		extra: func(t *testing.T, l *lab, got checkResult) {
			c := got.Report.Causes[0]
			for _, want := range []string{"vsf_sysutil_bind", "declared passive range of 2 ports"} {
				if !strings.Contains(c.Explanation, want) {
					t.Errorf("passive.ports_busy does not say %q:\n%s", want, c.Explanation)
				}
			}
		},
	}},
}

// busyLow is the first of the two passive ports vsftpd_passive_ports_busy
// holds busy.
const busyLow = 30150

// TestScenariosMore runs moreScenarios in parallel, like TestScenarios.
func TestScenariosMore(t *testing.T) {
	requireSuite(t)
	t.Parallel()
	for _, sc := range moreScenarios {
		t.Run(sc.name, func(t *testing.T) {
			if sc.knownWrong != "" && os.Getenv(knownWrongEnv) == "" {
				t.Skip("KNOWN-WRONG: " + sc.knownWrong)
			}
			t.Parallel()
			l := newLab(t, sc.topo)
			run := sc.setup(l)
			run.Timeout = stepTimeout(run, sc.want)
			got := l.check(run)
			assertReport(t, got, sc.want)
			if sc.extra != nil {
				sc.extra(t, l, got)
			}
		})
	}
}
