package report

import (
	"fmt"

	"github.com/ftpdoctor/ftpdoctor/probes"
)

// clientHost is this machine's address on the control connection.
func clientHost(o probes.Outcome) string {
	if r := stageResult(o, probes.StageControl); r != nil && r.Evidence.Local != "" {
		return hostOf(r.Evidence.Local)
	}
	return "this client"
}

// sentHost is the address the finding's attempt sent in PORT/EPRT.
func sentHost(f finding) string {
	if f.attempt != nil && f.attempt.Sent != "" {
		return f.attempt.Sent
	}
	return clientHost(f.outcome)
}

// preferPassive are the client fixes when passive works and active does not.
func preferPassive(f finding) []Fix {
	if worked(stageResult(f.outcome, probes.StagePassive)) {
		return clientPassive()
	}
	return nil
}

// sourcePort20 says where the server's active-mode connections come from,
// for the firewall rule, when the detected software makes it exact.
func sourcePort20(si probes.ServerInfo) string {
	if si.Software == probes.SoftwareVsftpd {
		return " (with connect_from_port_20=YES vsftpd connects from port 20; with NO, from any port)"
	}
	return ""
}

// activeCauses explains the active stage's codes.
var activeCauses = causes(map[probes.Code]entry{
	probes.ActiveCommandRefused: {
		Severity: dataRule,
		Title:    "The server refuses the PORT/EPRT address",
		Explain: func(f finding) string {
			what := "The server refused the address this client sent."
			if f.attempt != nil && f.attempt.Reason == probes.ReasonForeignAddress {
				what = "vsftpd answers \"Illegal PORT command\" when the address in PORT or EPRT differs from the address it sees the control connection come from, or the port is below 1024: this client is behind NAT, or --active-address names another host."
			}
			return dataExplain(f, what+workedOther(f, probes.StagePassive))
		},
		Fixes: func(f finding) []Fix {
			return append(preferPassive(f), serverFixes(f.outcome.Server, portForeign)...)
		},
	},
	probes.ActiveDisabled: {
		Severity: dataRule,
		Title:    "The server has active mode turned off",
		Explain: func(f finding) string {
			return dataExplain(f, "The server refuses PORT and EPRT."+workedOther(f, probes.StagePassive))
		},
		Fixes: func(f finding) []Fix {
			return append(preferPassive(f), serverFixes(f.outcome.Server, portEnable)...)
		},
	},
	probes.ActiveNoConnect: {
		Severity: dataRule,
		Title:    "The server never connected back in active mode",
		Explain: func(f finding) string {
			what := fmt.Sprintf("The server accepted the address %s but never connected to it", sentHost(f))
			if a := f.attempt; a != nil && a.Reply.Code == 0 && a.List == nil {
				what = fmt.Sprintf("The server never answered %s within the timeout, so the listing was never sent: some servers (pyftpdlib) connect to the address %s before they answer, and a connection that cannot get through leaves the command unanswered. The server cannot reach this client", a.Command, sentHost(f))
			}
			return dataExplain(f, what+": a firewall or NAT in front of this client drops inbound connections, or the server's outbound connections are blocked."+workedOther(f, probes.StagePassive))
		},
		Fixes: func(f finding) []Fix {
			return append(preferPassive(f),
				Fix{SideNetwork, fmt.Sprintf("Allow inbound TCP from the server %s to this client's data ports (%s); behind NAT this needs a port forward, so passive mode is the usual answer.", serverHost(f.outcome), sentHost(f))},
				Fix{SideNetwork, fmt.Sprintf("Allow the server %s to open outbound TCP connections to clients%s.", serverHost(f.outcome), sourcePort20(f.outcome.Server))},
			)
		},
	},
	probes.ActiveTransferFailed: {
		Severity: dataRule,
		Title:    "The active transfer failed",
		Explain: func(f finding) string {
			return dataExplain(f, "The server connected back, but the transfer failed (425/426) or broke off.")
		},
		Fixes: func(f finding) []Fix {
			return append(preferPassive(f),
				Fix{SideServer, "The server's log says why the data connection failed."},
				Fix{SideNetwork, "Disable FTP inspection/ALG on firewalls between client and server if it resets data connections."})
		},
	},
	probes.ActiveListTimeout: {
		Severity: dataRule,
		Title:    "The server did not answer in active mode",
		Explain: func(f finding) string {
			return dataExplain(f, "A reply on the control connection did not arrive in time during the active transfer.")
		},
		Fixes: func(f finding) []Fix {
			return append(preferPassive(f), Fix{SideServer, "Check the server's log for the stalled transfer."})
		},
	},
	probes.ActiveControlClosed: {
		Severity: dataRule,
		Title:    "The server closed the control connection in active mode",
		Explain: func(f finding) string {
			return dataExplain(f, controlClosedWhat)
		},
		Fixes: func(f finding) []Fix { return append(preferPassive(f), controlClosedFixes...) },
	},
	probes.ActiveListenFailed: {
		Severity: dataRule,
		Title:    "This machine could not open a port for active mode",
		Explain: func(f finding) string {
			e := ""
			if f.attempt != nil {
				e = f.attempt.Reply.Error
			}
			return sentence(fmt.Sprintf("Listening on %s for the server's data connection failed.", clientHost(f.outcome)), errorText(e))
		},
		Fixes: func(f finding) []Fix {
			return append(preferPassive(f), Fix{SideClient, "Check local limits on listening sockets (ulimit -n, security policy) or use passive mode."})
		},
	},
	probes.ActiveTLSRequired: tlsDataEntry,
	probes.ActiveListDenied:  listDeniedEntry,
	probes.ActiveEPRTRefused: {
		Severity: dataRule,
		Title:    "The server refuses EPRT",
		Explain: func(f finding) string {
			return dataExplain(f, "EPRT (RFC 2428) is refused; clients fall back to PORT, but IPv6 connections need EPRT.")
		},
		Fixes: func(f finding) []Fix {
			return []Fix{{SideClient, "curl: --disable-eprt. FileZilla and lftp fall back on their own."}}
		},
	},
})

// firewallCauses explains the firewall stage's codes.
var firewallCauses = causes(map[probes.Code]entry{
	probes.FirewallFiltered: {
		Severity: dataRule,
		Title:    "Passive data ports are dropped by a firewall",
		Explain: func(f finding) string {
			return fmt.Sprintf("Plain TCP connections to the passive ports: %s. A timeout (filtered) means a firewall drops the port; a refusal (closed) means the firewall lets it through.", portChecks(f.result.Evidence.Ports))
		},
		Fixes: func(f finding) []Fix {
			return append(rangeFixes(f), openPassivePorts(f))
		},
	},
	probes.FirewallError: {
		Severity: alwaysWarning,
		Title:    "Some passive ports could not be checked",
		Explain: func(f finding) string {
			return fmt.Sprintf("Plain TCP connections to the passive ports: %s.", portChecks(f.result.Evidence.Ports))
		},
		Fixes: func(f finding) []Fix {
			return []Fix{{SideNetwork, fmt.Sprintf("Check routing and firewall rules for TCP to the server %s on %s.", serverHost(f.outcome), passivePorts(f.outcome))}}
		},
	},
})
