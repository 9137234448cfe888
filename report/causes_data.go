package report

import (
	"fmt"
	"net"
	"sort"
	"strconv"
	"strings"

	"github.com/ftpdoctor/ftpdoctor/probes"
)

// serverHost is the address the control connection reached.
func serverHost(o probes.Outcome) string {
	if r := stageResult(o, probes.StageControl); r != nil && r.Evidence.Remote != "" {
		return hostOf(r.Evidence.Remote)
	}
	return o.Target.Host
}

// portOf returns the port of "host:port", or 0.
func portOf(addr string) int {
	_, p, err := net.SplitHostPort(addr)
	if err != nil {
		return 0
	}
	n, _ := strconv.Atoi(p)
	return n
}

// passivePorts names the ports to open for passive mode: the declared
// range, else the whole range with the advertised ports as examples.
func passivePorts(o probes.Outcome) string {
	if r := o.PassiveRange; r != nil {
		return fmt.Sprintf("ports %d-%d", r.Low, r.High)
	}
	seen := map[int]bool{}
	var ports []int
	if r := stageResult(o, probes.StagePassive); r != nil {
		for _, a := range r.Evidence.Attempts {
			if p := portOf(a.Advertised); p > 0 && !seen[p] {
				seen[p] = true
				ports = append(ports, p)
			}
		}
	}
	if len(ports) == 0 {
		return "the server's passive port range"
	}
	sort.Ints(ports)
	var s []string
	for _, p := range ports {
		s = append(s, strconv.Itoa(p))
	}
	return "the server's whole passive port range (ports seen here: " + strings.Join(s, ", ") + ")"
}

// rangeFixes suggests a fixed passive range on the server unless the user
// declared one (then the admin already has a range to open).
func rangeFixes(f finding) []Fix {
	if f.outcome.PassiveRange != nil {
		return nil
	}
	out := serverFixes(f.outcome.Server, pasvRange(0, 0))
	if len(out) == 1 {
		// the detected software's directive alone: say what LOW-HIGH is for
		out[0].Text += " LOW-HIGH is a range of your choice; open exactly that range in the firewall."
	}
	return out
}

// declaredRange returns the declared passive range, or zeros.
func declaredRange(o probes.Outcome) (int, int) {
	if r := o.PassiveRange; r != nil {
		return r.Low, r.High
	}
	return 0, 0
}

// attemptText quotes a data attempt: its command, reply, dials and listing.
func attemptText(a *probes.Attempt) string {
	if a == nil {
		return ""
	}
	parts := []string{quoteExchange(a.Reply) + "."}
	if a.Advertised != "" {
		parts = append(parts, "Advertised data address: "+a.Advertised+".")
	}
	if a.Sent != "" {
		parts = append(parts, "Address sent: "+a.Sent+".")
	}
	if len(a.Dials) > 0 {
		parts = append(parts, "Data connections: "+dials(a.Dials)+".")
	}
	if a.List != nil {
		parts = append(parts, "Listing: "+quoteFinal(*a.List)+fmt.Sprintf(", %d bytes.", a.Bytes))
	}
	if a.Error != "" {
		parts = append(parts, "Error: "+a.Error+".")
	}
	return strings.Join(parts, " ")
}

// dataExplain quotes the finding's attempt, or the stage summary.
func dataExplain(f finding, what string) string {
	if f.attempt == nil {
		return sentence(f.result.Summary+".", what)
	}
	return sentence(attemptText(f.attempt), what)
}

// controlClosedWhat explains passive.control_closed and
// active.control_closed.
const controlClosedWhat = "The control connection closed where a reply was due: the server's session ended (a crash, a sandbox that killed it, a limit), or a firewall between reset the connection."

// controlClosedFixes are the fixes of passive.control_closed and
// active.control_closed.
var controlClosedFixes = []Fix{
	{SideServer, "Check the server's log at the time of the check: it says why the session ended."},
	{SideNetwork, "Check the firewalls between for resets of the FTP control connection; an FTP inspection (ALG) that rejects a command can end the connection."},
}

// workedOther names which other mode works, as advice.
func workedOther(f finding, other probes.StageID) string {
	if worked(stageResult(f.outcome, other)) {
		return fmt.Sprintf(" %s mode works from here.", strings.ToUpper(string(other[:1]))+string(other[1:]))
	}
	return ""
}

// advertisedFixes are the fixes for a 227 reply naming the wrong address.
func advertisedFixes(f finding) []Fix {
	out := []Fix{
		{SideClient, "Clients that replace the advertised address with the server's address work: FileZilla (default), curl 7.74.0 and later (--ftp-skip-pasv-ip is the default), lftp (ftp:fix-pasv-address, on by default). Clients using EPSV (RFC 2428) get no address at all: curl and lftp try EPSV first."},
	}
	out = append(out, serverFixes(f.outcome.Server, pasvAddress(serverHost(f.outcome)))...)
	return append(out, Fix{SideNetwork, "A NAT router's FTP helper (ALG) can rewrite 227 replies on plain FTP; it cannot on FTPS. Fixing the server setting is the dependable way."})
}

// passiveCauses explains the passive stage's codes.
var passiveCauses = causes(map[probes.Code]entry{
	probes.PassivePrivateAddress: {
		Severity: alwaysWarning,
		Title:    "PASV advertises a private address",
		Explain: func(f finding) string {
			return dataExplain(f, fmt.Sprintf("The server advertises a private (RFC 1918) address while clients reach it at %s: it sits behind NAT and does not know the address clients use, or its passive-address setting names another host. Clients that use the advertised address try to connect to a host they may not reach.", serverHost(f.outcome)))
		},
		Fixes: advertisedFixes,
	},
	probes.PassiveUnroutable: {
		Severity: alwaysWarning,
		Title:    "PASV advertises an unusable address (0.0.0.0, loopback or link-local)",
		Explain: func(f finding) string {
			return dataExplain(f, fmt.Sprintf("The advertised address cannot be reached from any other machine, while clients reach the server at %s.", serverHost(f.outcome)))
		},
		Fixes: advertisedFixes,
	},
	probes.PassiveAddressMismatch: {
		Severity: alwaysWarning,
		Title:    "PASV advertises a different host than the one connected to",
		Explain: func(f finding) string {
			return dataExplain(f, fmt.Sprintf("The advertised address differs from %s, the address of the control connection, and is not a NAT leftover (it is public, or it answers from here): a multi-homed server, a load balancer, or a passive-address setting (vsftpd pasv_address, ProFTPD MasqueradeAddress) that names another host.", serverHost(f.outcome)))
		},
		Fixes: advertisedFixes,
	},
	probes.PassivePortOutOfRange: {
		Severity: alwaysWarning,
		Title:    "The passive port is outside the declared range",
		Explain: func(f finding) string {
			lo, hi := declaredRange(f.outcome)
			return dataExplain(f, fmt.Sprintf("The server advertised a port outside the declared passive range %d-%d: its range setting is missing or not applied (restart needed?), so a firewall opened for %d-%d will drop some transfers.", lo, hi, lo, hi))
		},
		Fixes: func(f finding) []Fix {
			return serverFixes(f.outcome.Server, pasvRange(declaredRange(f.outcome)))
		},
	},
	probes.PassiveDataTimeout: {
		Severity: dataRule,
		Title:    "The passive data connection timed out: the port is dropped",
		Explain: func(f finding) string {
			return dataExplain(f, "The control connection works but the data port does not answer: a firewall in front of the server (or a NAT without the port forwarded) drops the passive ports."+workedOther(f, probes.StageActive))
		},
		Fixes: func(f finding) []Fix {
			var out []Fix
			if worked(stageResult(f.outcome, probes.StageActive)) {
				out = append(out, clientActive()...)
			}
			out = append(out, rangeFixes(f)...)
			return append(out, openPassivePorts(f))
		},
	},
	probes.PassiveDataRefused: {
		Severity: dataRule,
		Title:    "The passive data connection was refused",
		Explain: func(f finding) string {
			return dataExplain(f, "Nothing listened on the advertised port: a firewall rejects it, a NAT forwards it to the wrong host, or the server advertises another machine's address."+workedOther(f, probes.StageActive))
		},
		Fixes: func(f finding) []Fix {
			var out []Fix
			if worked(stageResult(f.outcome, probes.StageActive)) {
				out = append(out, clientActive()...)
			}
			if advertisedElsewhere(&f.result) {
				out = append(out, serverFixes(f.outcome.Server, pasvAddress(serverHost(f.outcome)))...)
			} else {
				out = append(out, rangeFixes(f)...)
			}
			return append(out, Fix{SideNetwork, fmt.Sprintf("Allow inbound TCP to the server %s on %s, and check that a port forward sends them to the FTP server itself.", serverHost(f.outcome), passivePorts(f.outcome))})
		},
	},
	probes.PassiveRefused: {
		Severity: dataRule,
		Title:    "The server refuses passive mode",
		Explain: func(f finding) string {
			var parts []string
			for _, a := range f.result.Evidence.Attempts {
				parts = append(parts, quoteExchange(a.Reply))
			}
			return sentence(strings.Join(parts, "; ")+".", "The server turned passive mode off."+workedOther(f, probes.StageActive))
		},
		Fixes: func(f finding) []Fix {
			var out []Fix
			if worked(stageResult(f.outcome, probes.StageActive)) {
				out = append(out, clientActive()...)
			}
			return append(out, serverFixes(f.outcome.Server, pasvEnable)...)
		},
	},
	probes.PassiveEPSVRefused: {
		Severity: dataRule,
		Title:    "The server refuses EPSV",
		Explain: func(f finding) string {
			return dataExplain(f, "EPSV (RFC 2428) is refused; clients fall back to PASV, but IPv6 connections need EPSV.")
		},
		Fixes: func(f finding) []Fix {
			return []Fix{
				{SideClient, "curl: --disable-epsv; lftp: set ftp:prefer-epsv no. FileZilla falls back on its own."},
				{SideServer, "Enable EPSV in the server or in the firewall in front of it (some FTP-aware firewalls block it)."},
			}
		},
	},
	probes.PassivePASVRefused: {
		Severity: alwaysWarning,
		Title:    "The server refuses PASV (EPSV works)",
		Explain: func(f finding) string {
			return dataExplain(f, "Clients that only know PASV (Windows Explorer, many older libraries) cannot transfer in passive mode.")
		},
		Fixes: func(f finding) []Fix {
			return append([]Fix{{SideClient, "Use a client that sends EPSV: FileZilla, curl, lftp and WinSCP do."}}, serverFixes(f.outcome.Server, pasvEnable)...)
		},
	},
	probes.PassiveTransferFailed: {
		Severity: dataRule,
		Title:    "The passive transfer failed",
		Explain: func(f finding) string {
			return dataExplain(f, "The data connection opened, but the server reported a failed transfer (425/426) or the listing broke off: a firewall or FTP helper interfering, or the server failing to open the connection on its side.")
		},
		Fixes: func(f finding) []Fix {
			return []Fix{
				{SideServer, "The server's log says why the data connection failed."},
				{SideNetwork, "Disable FTP inspection/ALG on firewalls between client and server if it rewrites or resets data connections."},
			}
		},
	},
	probes.PassiveListTimeout: {
		Severity: dataRule,
		Title:    "The server did not answer in passive mode",
		Explain: func(f finding) string {
			return dataExplain(f, "A reply on the control connection did not arrive in time during the passive transfer: the server waits for a data connection it never saw, or a firewall's FTP helper holds the reply.")
		},
		Fixes: func(f finding) []Fix {
			return []Fix{
				{SideServer, "Check the server's log for the stalled transfer."},
				{SideNetwork, fmt.Sprintf("Allow inbound TCP to the server %s on %s; disable FTP inspection/ALG if it holds replies.", serverHost(f.outcome), passivePorts(f.outcome))},
			}
		},
	},
	probes.PassiveControlClosed: {
		Severity: dataRule,
		Title:    "The server closed the control connection in passive mode",
		Explain: func(f finding) string {
			return dataExplain(f, controlClosedWhat)
		},
		Fixes: func(f finding) []Fix { return controlClosedFixes },
	},
	probes.PassiveTLSRequired: tlsDataEntry,
	probes.PassiveListDenied:  listDeniedEntry,
	probes.PassiveBadReply: {
		Severity: dataRule,
		Title:    "The server's passive reply cannot be parsed",
		Explain: func(f finding) string {
			return dataExplain(f, "The 227/229 reply does not hold an address and port in the forms RFC 959 and RFC 2428 define.")
		},
		Fixes: func(f finding) []Fix {
			return []Fix{{SideServer, "Fix or update the server (or the firewall rewriting its replies) so that PASV answers \"227 Entering Passive Mode (h1,h2,h3,h4,p1,p2)\"."}}
		},
	},
})

// tlsDataEntry explains a data connection refused for want of TLS, in
// either mode.
var tlsDataEntry = entry{
	Severity: dataRule,
	Title:    "The server requires encrypted data connections",
	Explain: func(f finding) string {
		return dataExplain(f, "The server refuses plain data connections (RFC 4217: PROT P required).")
	},
	Fixes: tlsDataFixes,
}

// listDeniedEntry explains a listing refused with a 5xx, in either mode.
var listDeniedEntry = entry{
	Severity: dataRule,
	Title:    "The directory cannot be listed",
	Explain: func(f finding) string {
		return dataExplain(f, "The data path may work, but the server refused to list the directory, so the transfer could not be tested.")
	},
	Fixes: listDeniedFixes,
}

// tlsDataFixes are the fixes for data connections that must be encrypted.
func tlsDataFixes(f finding) []Fix {
	return append([]Fix{
		{SideClient, "Use explicit FTPS, which protects data connections too: FileZilla Site Manager > Encryption: 'Require explicit FTP over TLS'; curl --ssl-reqd; lftp set ftp:ssl-force true and set ftp:ssl-protect-data true."},
	}, serverFixes(f.outcome.Server, plainData)...)
}

// listDeniedFixes are the fixes for a refused listing.
func listDeniedFixes(f finding) []Fix {
	rules := map[string]string{
		probes.SoftwareVsftpd:  " (vsftpd: the chroot settings and dirlist_enable)",
		probes.SoftwareProFTPD: " (ProFTPD: <Limit LIST> and <Directory> blocks)",
		"":                     " (vsftpd: the chroot settings and dirlist_enable; ProFTPD: <Limit LIST>)",
	}[f.outcome.Server.Software]
	return []Fix{
		{SideClient, "Check the path in the ftp:// URL and that this user may read it."},
		{SideServer, "Check the directory's owner and permissions, and the server's access rules" + rules + "."},
	}
}

// advertisedElsewhere reports whether a passive attempt advertised an
// address other than the control connection's peer (the probe then also
// dialled the peer): only then is the server's address setting to blame.
func advertisedElsewhere(r *probes.Result) bool {
	for _, a := range r.Evidence.Attempts {
		for _, d := range a.Dials {
			if d.Why == "control_peer" {
				return true
			}
		}
	}
	return false
}

// openPassivePorts is the network fix for dropped passive ports; the
// data-timeout and firewall causes share it, so the report gives it once.
func openPassivePorts(f finding) Fix {
	return Fix{SideNetwork, fmt.Sprintf("Allow inbound TCP to the server %s on %s in every firewall on the way (host firewall, cloud security group, router port forward), and forward those ports to it if it is behind NAT.", serverHost(f.outcome), passivePorts(f.outcome))}
}
