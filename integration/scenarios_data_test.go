package integration

import "fmt"

// dropPassiveRange makes the server's firewall drop its passive range.
func dropPassiveRange(l *lab) {
	l.NFT(l.srv, fmt.Sprintf(`table inet fditfw {
	chain input_chain {
		type filter hook input priority 0;
		tcp dport %d-%d drop
	}
}`, passiveLow, passiveHigh))
}

// dropConnectBack makes the client's firewall drop incoming connections
// (the server's active-mode connect-back), as a desktop firewall does.
func dropConnectBack(l *lab) {
	l.NFT(l.cli, `table inet fditfw {
	chain input_chain {
		type filter hook input priority 0;
		iifname "lo" accept
		ct state established,related accept
		tcp flags & (syn | ack) == syn drop
	}
}`)
}

// dataScenarios log in and then find a data mode broken.
var dataScenarios = []scenario{
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
		name: "passive_range_dropped_active_works",
		setup: func(l *lab) checkRun {
			l.vsftpd()
			dropPassiveRange(l)
			return login(l.SrvAddr)
		},
		want: expectation{Verdict: "warning", Exit: 1, Cause: "transfer_mode", CauseCode: "passive.data_timeout", ClientMode: "active",
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
		want: expectation{Verdict: "warning", Exit: 1, Cause: "transfer_mode", CauseCode: "passive.private_address", ClientMode: "passive",
			Software: "vsftpd", Fix: "pasv_address", Stages: map[string]string{"passive": "passive.private_address"}},
	},
	{
		name: "server_nat_proftpd_without_masquerade_address",
		topo: serverNAT,
		setup: func(l *lab) checkRun {
			l.proftpd("")
			return login(l.RtrCli)
		},
		want: expectation{Verdict: "warning", Exit: 1, Cause: "transfer_mode", CauseCode: "passive.private_address", ClientMode: "passive",
			Software: "proftpd", Fix: "MasqueradeAddress", Stages: map[string]string{"passive": "passive.private_address"}},
	},
	{
		name: "server_nat_pureftpd_without_forced_address",
		topo: serverNAT,
		setup: func(l *lab) checkRun {
			l.pureftpd("")
			return login(l.RtrCli)
		},
		want: expectation{Verdict: "warning", Exit: 1, Cause: "transfer_mode", CauseCode: "passive.private_address", ClientMode: "passive",
			Software: "pure-ftpd", Fix: "-P", Stages: map[string]string{"passive": "passive.private_address"}},
	},
	{
		name:  "client_nat_port_refused_vsftpd",
		table: true,
		topo:  clientNAT,
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
		want: expectation{Verdict: "warning", Exit: 1, Cause: "transfer_mode", CauseCode: "active.no_connect", ClientMode: "passive",
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
		// The firewall rejects (TCP reset) instead of dropping: passive
		// fails at once, and the ports are not "filtered". The server
		// advertises its own address, so "set pasv_address" is no fix.
		name: "passive_range_rejected_active_works",
		setup: func(l *lab) checkRun {
			l.vsftpd()
			l.NFT(l.srv, fmt.Sprintf(`table inet fditfw {
	chain input_chain {
		type filter hook input priority 0;
		tcp dport %d-%d reject with tcp reset
	}
}`, passiveLow, passiveHigh))
			return login(l.SrvAddr)
		},
		want: expectation{Verdict: "warning", Exit: 1, Cause: "transfer_mode", CauseCode: "passive.data_refused", ClientMode: "active",
			Software: "vsftpd", NoFix: "pasv_address=", Stages: map[string]string{"passive": "passive.data_refused", "active": "active.ok", "firewall": "firewall.open"}},
	},
	{
		// pasv_address is right, but the router forwards only port 21:
		// the passive ports reach the router itself, which resets them.
		// The server already advertises the address it is reached at,
		// so "set pasv_address" is no fix here.
		name: "server_nat_passive_range_not_forwarded",
		topo: serverNATControlOnly,
		setup: func(l *lab) checkRun {
			l.vsftpd("pasv_address=" + l.RtrCli)
			return login(l.RtrCli)
		},
		want: expectation{Verdict: "warning", Exit: 1, Cause: "transfer_mode", CauseCode: "passive.data_refused", ClientMode: "active",
			Software: "vsftpd", NoFix: "pasv_address=", Stages: map[string]string{"passive": "passive.data_refused", "active": "active.ok"}},
	},
	{
		// ProFTPD refuses a PORT address other than the control peer
		// (AllowForeignAddress off), as vsftpd does.
		name: "client_nat_port_refused_proftpd",
		topo: clientNAT,
		setup: func(l *lab) checkRun {
			l.proftpd("")
			return login(l.SrvAddr)
		},
		want: expectation{Verdict: "warning", Exit: 1, Cause: "transfer_mode", CauseCode: "active.command_refused", ClientMode: "passive",
			Software: "proftpd", Fix: "AllowForeignAddress", Stages: map[string]string{"passive": "passive.ok", "active": "active.command_refused"}},
	},
	{
		name: "client_nat_port_refused_pureftpd",
		topo: clientNAT,
		setup: func(l *lab) checkRun {
			l.pureftpd("")
			return login(l.SrvAddr)
		},
		want: expectation{Verdict: "warning", Exit: 1, Cause: "transfer_mode", CauseCode: "active.command_refused", ClientMode: "passive",
			Software: "pure-ftpd", Stages: map[string]string{"passive": "passive.ok", "active": "active.command_refused"}},
	},
}
