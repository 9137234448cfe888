package integration

import (
	"fmt"
	"testing"
	"time"
)

// quick is the per-step timeout of scenarios that wait for a drop.
const quick = 2 * time.Second

// scenario is one network and server setup with the diagnosis it must get.
type scenario struct {
	name  string                                      // snake_case case name
	topo  topology                                    // how the router translates
	setup func(l *lab) checkRun                       // starts servers, firewalls; returns the invocation
	want  expectation                                 // what the report must say
	extra func(t *testing.T, l *lab, got checkResult) // further checks, may be nil
}

// login returns a run as the test user with the right password.
func login(target string) checkRun {
	return checkRun{Target: target, User: suite.user, Password: suite.password, Timeout: quick}
}

// hostPort joins an address and a port.
func hostPort(addr string, port int) string { return fmt.Sprintf("%s:%d", addr, port) }

// healthyStages are the stage codes of a run where everything works.
var healthyStages = map[string]string{"control": "control.ok", "login": "login.ok", "passive": "passive.ok", "active": "active.ok", "firewall": "firewall.open"}

// dropPassiveRange makes the server's firewall drop its passive range.
func dropPassiveRange(l *lab) {
	l.nft(l.srv, fmt.Sprintf(`table inet fditfw {
	chain input_chain {
		type filter hook input priority 0;
		tcp dport %d-%d drop
	}
}`, passiveLow, passiveHigh))
}

// dropConnectBack makes the client's firewall drop incoming connections
// (the server's active-mode connect-back), as a desktop firewall does.
func dropConnectBack(l *lab) {
	l.nft(l.cli, `table inet fditfw {
	chain input_chain {
		type filter hook input priority 0;
		iifname "lo" accept
		ct state established,related accept
		tcp flags & (syn | ack) == syn drop
	}
}`)
}

var scenarios = []scenario{
	{
		name: "healthy_vsftpd_by_name",
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
	{
		// The admin says the passive range is 40000-40099; the server
		// uses 30000-30099.
		name: "passive_ports_outside_declared_range",
		setup: func(l *lab) checkRun {
			l.proftpd("")
			r := login(l.SrvAddr)
			r.Extra = []string{"--passive-range", "40000-40099"}
			return r
		},
		want: expectation{Verdict: "warning", Exit: 1, CauseCode: "passive.port_out_of_range", Software: "proftpd", Fix: "PassivePorts",
			Stages: map[string]string{"passive": "passive.port_out_of_range", "active": "active.ok"}},
	},
	{
		name: "dns_name_not_found",
		setup: func(l *lab) checkRun {
			l.dnsmasq(map[string]string{"ftp.test.zone": l.SrvAddr})
			l.vsftpd()
			return login("missing.test.zone")
		},
		want: expectation{Verdict: "critical", Exit: 2, ClientMode: "unknown", Cause: "dns", CauseCode: "dns.not_found",
			Stages: map[string]string{"dns": "dns.not_found", "control": "skipped"}},
	},
	{
		name: "wrong_password_vsftpd",
		setup: func(l *lab) checkRun {
			l.vsftpd()
			r := login(l.SrvAddr)
			r.Password = "wrong-" + suite.password
			return r
		},
		want: expectation{Verdict: "critical", Exit: 2, ClientMode: "unknown", Cause: "credentials", CauseCode: "login.rejected", Software: "vsftpd",
			Stages: map[string]string{"control": "control.ok", "login": "login.rejected", "passive": "skipped"}},
	},
	{
		// Pure-FTPd waits before its 530 on purpose: measured here 3.5 to
		// 6.1 s, past the default 5 s step timeout. With the default
		// timeout, ftpdoctor must still name the wrong password.
		name: "wrong_password_pureftpd_slow_failure",
		setup: func(l *lab) checkRun {
			l.pureftpd("")
			return checkRun{Target: l.SrvAddr, User: suite.user, Password: "wrong-" + suite.password}
		},
		want: expectation{Verdict: "critical", Exit: 2, ClientMode: "unknown", Cause: "credentials", CauseCode: "login.rejected", Software: "pure-ftpd",
			Stages: map[string]string{"login": "login.rejected"}},
		extra: func(t *testing.T, l *lab, got checkResult) {
			if s, ok := stage(got.Report, "login"); ok && s.DurationMS < 2000 {
				t.Errorf("login stage took %.0f ms: the scenario lost Pure-FTPd's failure delay (3 to 5 s)", s.DurationMS)
			}
		},
	},
	{
		name: "wrong_password_proftpd",
		setup: func(l *lab) checkRun {
			l.proftpd("")
			r := login(l.SrvAddr)
			r.Password = "wrong-" + suite.password
			return r
		},
		want: expectation{Verdict: "critical", Exit: 2, ClientMode: "unknown", Cause: "credentials", CauseCode: "login.rejected", Software: "proftpd",
			Stages: map[string]string{"login": "login.rejected"}},
	},
	{
		name: "anonymous_refused_vsftpd",
		setup: func(l *lab) checkRun {
			l.vsftpd("anonymous_enable=NO")
			return checkRun{Target: l.SrvAddr, Timeout: quick}
		},
		want: expectation{Verdict: "critical", Exit: 2, ClientMode: "unknown", Cause: "credentials", CauseCode: "login.anonymous_refused", Software: "vsftpd", Fix: "anonymous_enable",
			Stages: map[string]string{"login": "login.anonymous_refused"}},
	},
	{
		name: "host_down",
		setup: func(l *lab) checkRun {
			return login(l.NoHostAddr())
		},
		want: expectation{Verdict: "critical", Exit: 2, ClientMode: "unknown", Cause: "server_down", CauseCode: "control.unreachable",
			Stages: map[string]string{"dns": "dns.literal", "control": "control.unreachable"}},
	},
	{
		name: "service_stopped",
		setup: func(l *lab) checkRun {
			p := l.vsftpd()
			p.stop(l)
			return login(l.SrvAddr)
		},
		want: expectation{Verdict: "critical", Exit: 2, ClientMode: "unknown", Cause: "server_down", CauseCode: "control.refused",
			Stages: map[string]string{"control": "control.refused"}},
	},
	{
		name: "control_port_dropped_by_server_firewall",
		setup: func(l *lab) checkRun {
			l.vsftpd()
			l.nft(l.srv, fmt.Sprintf(`table inet fditfw {
	chain input_chain {
		type filter hook input priority 0;
		tcp dport %d drop
	}
}`, ftpPort))
			return login(l.SrvAddr)
		},
		want: expectation{Verdict: "critical", Exit: 2, ClientMode: "unknown", Cause: "port_or_firewall", CauseCode: "control.filtered",
			Stages: map[string]string{"control": "control.filtered"}},
	},
	{
		name: "control_port_dropped_by_client_firewall",
		setup: func(l *lab) checkRun {
			l.vsftpd()
			l.nft(l.cli, fmt.Sprintf(`table inet fditfw {
	chain output_chain {
		type filter hook output priority 0;
		ip daddr %s tcp dport %d drop
	}
}`, l.SrvAddr, ftpPort))
			return login(l.SrvAddr)
		},
		want: expectation{Verdict: "critical", Exit: 2, ClientMode: "unknown", Cause: "port_or_firewall", CauseCode: "control.filtered",
			Stages: map[string]string{"control": "control.filtered"}},
	},
	{
		name: "ssh_server_on_given_port",
		setup: func(l *lab) checkRun {
			l.sshd()
			return login(hostPort(l.SrvAddr, sshPort))
		},
		want: expectation{Verdict: "critical", Exit: 2, ClientMode: "unknown", Cause: "port_or_firewall", CauseCode: "control.ssh", Fix: "sftp://",
			Stages: map[string]string{"control": "control.ssh"}},
	},
	{
		name: "passive_range_dropped_active_works",
		setup: func(l *lab) checkRun {
			l.vsftpd()
			dropPassiveRange(l)
			return login(l.SrvAddr)
		},
		want: expectation{Verdict: "warning", Exit: 1, Cause: "port_or_firewall", CauseCode: "passive.data_timeout", ClientMode: "active",
			Software: "vsftpd", Fix: "pasv_min_port", AlsoCodes: []string{"firewall.filtered"},
			Stages: map[string]string{"passive": "passive.data_timeout", "active": "active.ok", "firewall": "firewall.filtered"}},
	},
	{
		name: "server_nat_vsftpd_without_pasv_address",
		topo: serverNAT,
		setup: func(l *lab) checkRun {
			l.vsftpd()
			return login(l.RtrCli)
		},
		want: expectation{Verdict: "warning", Exit: 1, Cause: "transfer_mode", CauseCode: "passive.private_address", ClientMode: "active",
			Software: "vsftpd", Fix: "pasv_address", Stages: map[string]string{"passive": "passive.private_address"}},
	},
	{
		name: "server_nat_proftpd_without_masquerade_address",
		topo: serverNAT,
		setup: func(l *lab) checkRun {
			l.proftpd("")
			return login(l.RtrCli)
		},
		want: expectation{Verdict: "warning", Exit: 1, Cause: "transfer_mode", CauseCode: "passive.private_address", ClientMode: "active",
			Software: "proftpd", Fix: "MasqueradeAddress", Stages: map[string]string{"passive": "passive.private_address"}},
	},
	{
		name: "server_nat_pureftpd_without_forced_address",
		topo: serverNAT,
		setup: func(l *lab) checkRun {
			l.pureftpd("")
			return login(l.RtrCli)
		},
		want: expectation{Verdict: "warning", Exit: 1, Cause: "transfer_mode", CauseCode: "passive.private_address", ClientMode: "active",
			Software: "pure-ftpd", Fix: "-P", Stages: map[string]string{"passive": "passive.private_address"}},
	},
	{
		name: "client_nat_port_refused_vsftpd",
		topo: clientNAT,
		setup: func(l *lab) checkRun {
			l.vsftpd()
			return login(l.SrvAddr)
		},
		want: expectation{Verdict: "warning", Exit: 1, Cause: "transfer_mode", CauseCode: "active.command_refused", ClientMode: "passive",
			Software: "vsftpd", Fix: "port_promiscuous", Stages: map[string]string{"passive": "passive.ok", "active": "active.command_refused"}},
	},
	{
		name: "client_firewall_drops_connect_back",
		setup: func(l *lab) checkRun {
			l.vsftpd()
			dropConnectBack(l)
			return login(l.SrvAddr)
		},
		want: expectation{Verdict: "warning", Exit: 1, Cause: "port_or_firewall", CauseCode: "active.no_connect", ClientMode: "passive",
			Software: "vsftpd", Stages: map[string]string{"passive": "passive.ok", "active": "active.no_connect"}},
	},
	{
		name: "active_disabled_vsftpd_port_enable_no",
		setup: func(l *lab) checkRun {
			l.vsftpd("port_enable=NO")
			return login(l.SrvAddr)
		},
		want: expectation{Verdict: "warning", Exit: 1, Cause: "transfer_mode", CauseCode: "active.disabled", ClientMode: "passive",
			Software: "vsftpd", Fix: "port_enable=YES", Stages: map[string]string{"passive": "passive.ok", "active": "active.disabled"}},
	},
	{
		name: "both_data_modes_blocked",
		setup: func(l *lab) checkRun {
			l.vsftpd()
			dropPassiveRange(l)
			dropConnectBack(l)
			return login(l.SrvAddr)
		},
		want: expectation{Verdict: "critical", Exit: 2, Cause: "port_or_firewall", CauseCode: "passive.data_timeout", ClientMode: "none",
			Software: "vsftpd", AlsoCodes: []string{"active.no_connect", "firewall.filtered"},
			Stages: map[string]string{"passive": "passive.data_timeout", "active": "active.no_connect", "firewall": "firewall.filtered"}},
	},
	{
		name: "tls_required_for_login_vsftpd",
		setup: func(l *lab) checkRun {
			cert, key := l.selfSigned()
			l.vsftpd("ssl_enable=YES", "rsa_cert_file="+cert, "rsa_private_key_file="+key, "force_local_logins_ssl=YES")
			return login(l.SrvAddr)
		},
		want: expectation{Verdict: "critical", Exit: 2, ClientMode: "unknown", Cause: "tls", CauseCode: "login.tls_required", Software: "vsftpd", Fix: "force_local_logins_ssl",
			Stages: map[string]string{"login": "login.tls_required"}},
	},
	{
		// Implicit FTPS on 990: the server speaks TLS first and never
		// sends a plain greeting.
		name: "implicit_ftps_vsftpd",
		setup: func(l *lab) checkRun {
			cert, key := l.selfSigned()
			l.vsftpd("ssl_enable=YES", "implicit_ssl=YES", "listen_port=990", "rsa_cert_file="+cert, "rsa_private_key_file="+key)
			return login(hostPort(l.SrvAddr, 990))
		},
		want: expectation{Verdict: "critical", Exit: 2, ClientMode: "unknown", Cause: "tls", CauseCode: "control.implicit_tls",
			Stages: map[string]string{"control": "control.implicit_tls"}},
	},
	{
		name: "writable_chroot_refused_vsftpd",
		setup: func(l *lab) checkRun {
			l.vsftpd("chroot_local_user=YES")
			return login(l.SrvAddr)
		},
		want: expectation{Verdict: "critical", Exit: 2, ClientMode: "unknown", Cause: "server_config", CauseCode: "login.server_error", Software: "vsftpd",
			Fix: "allow_writeable_chroot", Stages: map[string]string{"login": "login.server_error"}},
	},
	{
		// A listener that accepts and never greets: the run must end on
		// its own deadlines; being killed at 4 times --timeout fails.
		name: "listener_never_greets",
		setup: func(l *lab) checkRun {
			l.silentListener()
			r := login(l.SrvAddr)
			r.Budget = 4 * r.Timeout
			return r
		},
		want: expectation{Verdict: "critical", Exit: 2, ClientMode: "unknown", Cause: "server_config", CauseCode: "control.no_greeting",
			Stages: map[string]string{"control": "control.no_greeting", "login": "skipped"}},
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
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			l := newLab(t, sc.topo)
			run := sc.setup(l)
			got := l.check(run)
			assertReport(t, got, sc.want)
			if sc.extra != nil {
				sc.extra(t, l, got)
			}
		})
	}
}
