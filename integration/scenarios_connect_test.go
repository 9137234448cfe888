package integration

import (
	"fmt"
	"testing"
)

// connectScenarios fail before any data connection: name, control
// connection, greeting, login.
var connectScenarios = []scenario{
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
		name:  "wrong_password_vsftpd",
		table: true,
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
			p.Stop()
			return login(l.SrvAddr)
		},
		want: expectation{Verdict: "critical", Exit: 2, ClientMode: "unknown", Cause: "server_down", CauseCode: "control.refused",
			Stages: map[string]string{"control": "control.refused"}},
	},
	{
		name: "control_port_dropped_by_server_firewall",
		setup: func(l *lab) checkRun {
			l.vsftpd()
			l.NFT(l.srv, fmt.Sprintf(`table inet fditfw {
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
			l.NFT(l.cli, fmt.Sprintf(`table inet fditfw {
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
		name:  "tls_required_for_login_vsftpd",
		table: true,
		setup: func(l *lab) checkRun {
			cert, key := l.selfSigned()
			l.vsftpd("ssl_enable=YES", "rsa_cert_file="+cert, "rsa_private_key_file="+key, "force_local_logins_ssl=YES")
			r := login(l.SrvAddr)
			r.Extra = []string{"--tls", "off"} // what a plain FTP client sees
			return r
		},
		want: expectation{Verdict: "critical", Exit: 2, ClientMode: "unknown", Cause: "tls", CauseCode: "login.tls_required", Software: "vsftpd", Fix: "force_local_logins_ssl",
			Stages: map[string]string{"login": "login.tls_required"}},
	},
	{
		// Implicit FTPS on 990: the server speaks TLS first and never
		// sends a plain greeting. A plain FTP client (--tls off) cannot go
		// on: critical. (Auto mode goes on over TLS: see
		// vsftpd_implicit_auto_on_port_990.)
		name: "implicit_ftps_vsftpd",
		setup: func(l *lab) checkRun {
			cert, key := l.selfSigned()
			l.vsftpd("ssl_enable=YES", "implicit_ssl=YES", "listen_port=990", "rsa_cert_file="+cert, "rsa_private_key_file="+key)
			r := login(hostPort(l.SrvAddr, 990))
			r.Extra = []string{"--tls", "off"}
			return r
		},
		want: expectation{Verdict: "critical", Exit: 2, ClientMode: "unknown", Cause: "tls", CauseCode: "control.implicit_tls",
			Stages: map[string]string{"control": "control.implicit_tls"}},
	},
	{
		name:  "writable_chroot_refused_vsftpd",
		table: true,
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
	{
		name: "anonymous_refused_proftpd",
		setup: func(l *lab) checkRun {
			l.proftpd("")
			return checkRun{Target: l.SrvAddr, Timeout: quick}
		},
		want: expectation{Verdict: "critical", Exit: 2, ClientMode: "unknown", Cause: "credentials", CauseCode: "login.anonymous_refused",
			Software: "proftpd", Stages: map[string]string{"login": "login.anonymous_refused"}},
	},
	{
		// pure-ftpd -E refuses anonymous at USER, at once.
		name: "anonymous_refused_pureftpd",
		setup: func(l *lab) checkRun {
			l.pureftpd("")
			return checkRun{Target: l.SrvAddr, Timeout: quick}
		},
		want: expectation{Verdict: "critical", Exit: 2, ClientMode: "unknown", Cause: "credentials", CauseCode: "login.anonymous_refused",
			Software: "pure-ftpd", Stages: map[string]string{"login": "login.anonymous_refused"}},
	},
	{
		// The resolver the client uses drops every query.
		name: "dns_resolver_silent",
		setup: func(l *lab) checkRun {
			l.resolver(l.SrvAddr)
			l.NFT(l.srv, `table inet fditfw {
	chain input_chain {
		type filter hook input priority 0;
		udp dport 53 drop
		tcp dport 53 drop
	}
}`)
			return login("ftp.test.zone")
		},
		want: expectation{Verdict: "critical", Exit: 2, ClientMode: "unknown", Cause: "dns", CauseCode: "dns.timeout",
			Stages: map[string]string{"dns": "dns.timeout", "control": "skipped"}},
	},
	{
		// firewalld's default: reject with ICMP admin-prohibited, which
		// the kernel reports as EHOSTUNREACH, the same error as a host
		// that is down. The host is up (port 22 answers with a reset);
		// only port 21 is blocked, so the cause is the firewall.
		name: "control_port_rejected_admin_prohibited",
		setup: func(l *lab) checkRun {
			l.vsftpd()
			l.NFT(l.srv, fmt.Sprintf(`table inet fditfw {
	chain input_chain {
		type filter hook input priority 0;
		tcp dport %d reject with icmpx type admin-prohibited
	}
}`, ftpPort))
			return login(l.SrvAddr)
		},
		want: expectation{Verdict: "critical", Exit: 2, ClientMode: "unknown", Cause: "port_or_firewall", CauseCode: "control.rejected",
			Stages: map[string]string{"control": "control.rejected"}},
	},
	{
		// vsftpd max_per_ip=1 while another session from this client
		// is open: 421 instead of 220. The 421 text is vsftpd's own, so
		// the fixes name vsftpd's directive.
		name: "too_many_connections_421_vsftpd",
		setup: func(l *lab) checkRun {
			l.vsftpd("max_per_ip=1")
			l.holdConnection(hostPort(l.SrvAddr, ftpPort))
			return login(l.SrvAddr)
		},
		want: expectation{Verdict: "critical", Exit: 2, ClientMode: "unknown", Cause: "server_down", CauseCode: "control.unavailable",
			Software: "vsftpd", Fix: "max_per_ip", Stages: map[string]string{"control": "control.unavailable"}},
	},
	{
		// One connection per client address: the check's extra control
		// connections get 421, and the data checks take turns on the
		// login's own connection, with no false data-mode fault.
		name: "one_connection_per_client_vsftpd",
		setup: func(l *lab) checkRun {
			l.vsftpd("max_per_ip=1")
			return login(l.SrvAddr)
		},
		want: expectation{Verdict: "warning", Exit: 1, ClientMode: "either", Cause: "server_config", CauseCode: "login.connection_limit",
			Software: "vsftpd", Fix: "max_per_ip", Stages: map[string]string{"login": "login.connection_limit",
				"passive": "passive.ok", "active": "active.ok", "firewall": "firewall.open"}},
	},
	{
		// ProFTPD's MaxClientsPerHost 1 refuses the second session.
		name: "one_connection_per_client_proftpd",
		setup: func(l *lab) checkRun {
			l.proftpd("", "MaxClientsPerHost 1")
			return login(l.SrvAddr)
		},
		want: expectation{Verdict: "warning", Exit: 1, ClientMode: "either", Cause: "server_config", CauseCode: "login.connection_limit",
			Software: "proftpd", Fix: "MaxClientsPerHost", Stages: map[string]string{"login": "login.connection_limit",
				"passive": "passive.ok", "active": "active.ok", "firewall": "firewall.open"}},
	},
}
