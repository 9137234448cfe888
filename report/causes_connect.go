package report

import (
	"fmt"
	"strings"

	"github.com/ftpdoctor/ftpdoctor/probes"
)

// dnsCauses explains the dns stage's codes.
var dnsCauses = causes(map[probes.Code]entry{
	probes.DNSNotFound: {
		Severity: alwaysCritical,
		Title:    "The host name does not exist in DNS",
		Explain: func(f finding) string {
			e := f.result.Evidence
			return sentence(fmt.Sprintf("Looking up %s returned no address after %s.", e.Host, fmtDur(f.result.Duration)), errorText(e.Error))
		},
		Fixes: func(f finding) []Fix {
			return []Fix{
				{SideClient, "Check the spelling of the host name, or use the server's IP address."},
				{SideServer, "Publish an A (IPv4) or AAAA (IPv6) record for " + f.result.Evidence.Host + " in the domain's DNS zone."},
				{SideNetwork, "If the name exists only in an internal DNS, connect through the network or VPN whose resolver knows it."},
			}
		},
	},
	probes.DNSResolverFailure: {
		Severity: alwaysCritical,
		Title:    "The DNS resolver failed to answer",
		Explain: func(f finding) string {
			e := f.result.Evidence
			return sentence(fmt.Sprintf("The resolver failed to look up %s after %s.", e.Host, fmtDur(f.result.Duration)), errorText(e.Error))
		},
		Fixes: func(f finding) []Fix {
			return []Fix{
				{SideClient, "Retry; if it persists, try another resolver (for example with dig @RESOLVER " + f.result.Evidence.Host + ")."},
				{SideServer, "A SERVFAIL for the name often means a broken zone or DNSSEC signature: check the domain's authoritative servers."},
				{SideNetwork, "Check the resolvers this machine uses (/etc/resolv.conf or the network settings)."},
			}
		},
	},
	probes.DNSTimeout: {
		Severity: alwaysCritical,
		Title:    "The DNS resolver did not answer in time",
		Explain: func(f finding) string {
			e := f.result.Evidence
			return sentence(fmt.Sprintf("No DNS answer for %s within %s.", e.Host, fmtDur(f.result.Duration)), errorText(e.Error))
		},
		Fixes: func(f finding) []Fix {
			return []Fix{
				{SideClient, "Retry with a longer --timeout, or use the server's IP address."},
				{SideNetwork, "Allow this machine's DNS queries out (UDP and TCP port 53 to its resolvers) and check that the resolvers are up."},
			}
		},
	},
})

// controlCauses explains the control stage's codes.
var controlCauses = causes(map[probes.Code]entry{
	probes.ControlRefused: {
		Severity: alwaysCritical,
		Title:    "Nothing accepts connections on the FTP port",
		Explain: func(f finding) string {
			e := f.result.Evidence
			why := ""
			if e.Error != "" && e.Error != "connection refused" {
				why = " (" + e.Error + ")"
			}
			return fmt.Sprintf("The connection to %s was refused%s after %s: the host is up, but no service listens on port %d, or a firewall rejects the connection.", e.Remote, why, fmtDur(f.result.Duration), f.outcome.Target.Port)
		},
		Fixes: func(f finding) []Fix {
			port := f.outcome.Target.Port
			return []Fix{
				{SideClient, fmt.Sprintf("Check the port: plain and explicit-TLS FTP use 21, implicit FTPS uses 990, SFTP (a different protocol) uses 22. You asked for %d.", port)},
				{SideServer, "Start the FTP server and check the address and port it listens on: vsftpd listen=YES and listen_port=; ProFTPD Port and DefaultAddress; Pure-FTPd -S ADDRESS,PORT."},
				{SideNetwork, fmt.Sprintf("If a firewall rejects the connection, allow inbound TCP %d to the server %s.", port, hostOf(f.result.Evidence.Remote))},
			}
		},
	},
	probes.ControlFiltered: {
		Severity: alwaysCritical,
		Title:    "The FTP port is filtered: the host is up, but connections to the port are dropped",
		Explain: func(f finding) string {
			e := f.result.Evidence
			return fmt.Sprintf("Connecting to %s %s (the stage took %s), while other ports of the same host answered: %s. A firewall drops the FTP port.", e.Remote, e.Error, fmtDur(f.result.Duration), portChecks(e.Liveness))
		},
		Fixes: func(f finding) []Fix {
			port := f.outcome.Target.Port
			return []Fix{
				{SideClient, "Check that this network lets FTP out: a drop in this machine's own firewall looks the same. Try from another network."},
				{SideNetwork, fmt.Sprintf("Allow inbound TCP %d to the server %s in every firewall on the way (host firewall, cloud security group, router).", port, hostOf(f.result.Evidence.Remote))},
				{SideNetwork, fmt.Sprintf("Allow this machine's outbound TCP %d if the local network filters it.", port)},
			}
		},
	},
	probes.ControlAddressFailed: {
		Severity: alwaysWarning,
		Title:    "The name has an address where no FTP server answers",
		Explain: func(f finding) string {
			e := f.result.Evidence
			var bad []string
			for _, d := range e.Tried {
				if d.Outcome != probes.PortOpen {
					bad = append(bad, fmt.Sprintf("%s %s (%s, after %s)", d.Address, d.Outcome, d.Error, fmtMS(d.ElapsedMS)))
				}
			}
			return fmt.Sprintf("%s resolves to several addresses. The check went on over %s, but %s. A client that picks the failing address (most try them in DNS order, some only the first) cannot connect: a stale DNS record, or one of the servers behind the name is down.", f.outcome.Target.Host, e.Remote, strings.Join(bad, "; "))
		},
		Fixes: func(f finding) []Fix {
			return []Fix{
				{SideServer, "Remove the stale A/AAAA record from the zone, or bring the FTP service up on that address (check every server behind the name)."},
				{SideClient, fmt.Sprintf("Until then, connect to the working address %s directly.", hostOf(f.result.Evidence.Remote))},
			}
		},
	},
	probes.ControlRejected: {
		Severity: alwaysCritical,
		Title:    "A firewall rejects the FTP port: the host is up",
		Explain: func(f finding) string {
			e := f.result.Evidence
			return fmt.Sprintf("Connecting to %s failed at once with %q (an ICMP unreachable) after %s, while other ports of the same host answered: %s. A firewall rule rejects the FTP port (firewalld and many routers reject with admin-prohibited).", e.Remote, e.Error, fmtDur(f.result.Duration), portChecks(e.Liveness))
		},
		Fixes: func(f finding) []Fix {
			port := f.outcome.Target.Port
			return []Fix{
				{SideServer, fmt.Sprintf("Open the port in the server's host firewall: firewalld: firewall-cmd --permanent --add-service=ftp (or --add-port=%d/tcp) and firewall-cmd --reload; nftables/iptables: accept inbound TCP %d.", port, port)},
				{SideNetwork, fmt.Sprintf("Allow inbound TCP %d to the server %s in every firewall on the way.", port, hostOf(f.result.Evidence.Remote))},
			}
		},
	},
	probes.ControlTimeout: {
		Severity: alwaysCritical,
		Title:    "The server does not answer at all",
		Explain: func(f finding) string {
			e := f.result.Evidence
			s := fmt.Sprintf("Connecting to %s %s (the stage took %s).", e.Remote, e.Error, fmtDur(f.result.Duration))
			if len(e.Liveness) > 0 {
				s += " No other port of the host answered either: " + portChecks(e.Liveness) + "."
			}
			return s + " The host is down, the address is wrong, or a firewall drops everything."
		},
		Fixes: func(f finding) []Fix {
			return []Fix{
				{SideClient, "Check the host name or address, and retry with a longer --timeout on slow links."},
				{SideServer, "Check that the server machine is running and has the address " + hostOf(f.result.Evidence.Remote) + "."},
				{SideNetwork, fmt.Sprintf("Check routing and firewalls between here and %s; allow inbound TCP %d to it.", hostOf(f.result.Evidence.Remote), f.outcome.Target.Port)},
			}
		},
	},
	probes.ControlUnreachable: {
		Severity: alwaysCritical,
		Title:    "The server's address is unreachable",
		Explain: func(f finding) string {
			e := f.result.Evidence
			return fmt.Sprintf("Connecting to %s failed after %s: %s. No route leads to the host, or a router or firewall answered that it is unreachable.", e.Remote, fmtDur(f.result.Duration), e.Error)
		},
		Fixes: func(f finding) []Fix {
			return []Fix{
				{SideClient, "Check that this machine is on the right network or VPN to reach " + hostOf(f.result.Evidence.Remote) + "."},
				{SideNetwork, "Check the route to " + hostOf(f.result.Evidence.Remote) + " (ip route get ADDRESS) and any firewall that rejects with an ICMP unreachable."},
			}
		},
	},
	probes.ControlBlockedLocally: {
		Severity: alwaysCritical,
		Title:    "This machine refused to send the connection",
		Explain: func(f finding) string {
			e := f.result.Evidence
			return fmt.Sprintf("The local system refused to connect to %s: %s. A firewall on this machine (nftables, iptables, security software) blocks outgoing TCP %d.", e.Remote, e.Error, f.outcome.Target.Port)
		},
		Fixes: func(f finding) []Fix {
			return []Fix{{SideNetwork, fmt.Sprintf("Allow outbound TCP %d to %s in this machine's firewall (nft list ruleset, iptables -S OUTPUT).", f.outcome.Target.Port, hostOf(f.result.Evidence.Remote))}}
		},
	},
	probes.ControlNoGreeting: {
		Severity: alwaysCritical,
		Title:    "The server accepted the connection but sent no greeting",
		Explain: func(f finding) string {
			e := f.result.Evidence
			return fmt.Sprintf("The TCP connection to %s opened, but no 220 greeting arrived%s (%s); a second connection that tried a TLS handshake found no other protocol either (the stage took %s in all). The service is hung or overloaded, waits for a slow reverse-DNS or ident lookup, or is not an FTP server.", e.Remote, greetingWait(f.result), e.Error, fmtDur(f.result.Duration))
		},
		Fixes: func(f finding) []Fix {
			return []Fix{
				{SideServer, "Check the server's log and load; turn off lookups that delay the greeting: ProFTPD UseReverseDNS off and IdentLookups off; Pure-FTPd -H (--dontresolve)."},
				{SideNetwork, "A proxy or load balancer in front of the server may accept connections without a backend: check its health checks."},
			}
		},
	},
	probes.ControlClosed: {
		Severity: alwaysCritical,
		Title:    "The server closed the connection before greeting",
		Explain: func(f finding) string {
			e := f.result.Evidence
			return fmt.Sprintf("%s accepted the TCP connection and closed it without a greeting after %s (%s). Typical reasons: access rules (tcp_wrappers /etc/hosts.deny), a per-address connection limit, an intrusion-prevention ban (fail2ban), or a crashed session process.", e.Remote, fmtDur(f.result.Duration), e.Error)
		},
		Fixes: func(f finding) []Fix {
			// Nothing was ever greeted: access rules turn a client away
			// before any greeting, while a session limit usually answers
			// with a 421 greeting first.
			return append([]Fix{{SideServer, "Check the access rules for this client's address first: tcp wrappers (/etc/hosts.allow and /etc/hosts.deny, which vsftpd reads with tcp_wrappers=YES and inetd-started servers through tcpd), the server's own allow and deny lists, and any fail2ban jail; the server's log names the rule."}},
				serverFixes(f.outcome.Server, sessionLimits)...)
		},
	},
	probes.ControlUnavailable: {
		Severity: alwaysCritical,
		Title:    "The server refused service (421)",
		Explain: func(f finding) string {
			ex, _ := greeting(f.result)
			return fmt.Sprintf("%s greeted with %s: the service is unavailable, usually because too many sessions are open or the server is shutting down.", f.result.Evidence.Remote, quoteReply(ex))
		},
		Fixes: func(f finding) []Fix {
			return append([]Fix{{SideClient, "Retry later, and open fewer parallel connections (FileZilla: Site Manager > Transfer Settings > Limit number of simultaneous connections)."}},
				serverFixes(f.outcome.Server, sessionLimits)...)
		},
	},
	probes.ControlSSH: {
		Severity: alwaysCritical,
		Title:    "This port runs SSH (SFTP), not FTP",
		Explain: func(f finding) string {
			e := f.result.Evidence
			return fmt.Sprintf("%s answered with the SSH banner %q. SFTP is a different protocol from FTP and FTPS.", e.Remote, e.OtherService)
		},
		Fixes: func(f finding) []Fix {
			return []Fix{
				{SideClient, "To use SFTP, pick the SFTP protocol in the client (FileZilla: sftp://HOST; WinSCP: File protocol SFTP; curl: sftp://HOST/; lftp: sftp://HOST)."},
				{SideClient, "To use FTP, connect to the FTP port (usually 21) instead."},
			}
		},
	},
	probes.ControlHTTP: {
		Severity: alwaysCritical,
		Title:    "This port runs a web server, not FTP",
		Explain: func(f finding) string {
			e := f.result.Evidence
			return fmt.Sprintf("%s answered like an HTTP server (%q).", e.Remote, e.OtherService)
		},
		Fixes: func(f finding) []Fix {
			return []Fix{
				{SideClient, "Connect to the FTP port (usually 21), not a web port."},
				{SideNetwork, "If port 21 itself answers HTTP, a proxy or captive portal intercepts the connection: try another network."},
			}
		},
	},
	probes.ControlImplicitTLS: {
		Severity: alwaysCritical,
		Title:    "This port expects implicit FTPS (TLS from the first byte)",
		Explain: func(f finding) string {
			return fmt.Sprintf("%s sent no plain FTP greeting%s but answered a TLS handshake: it is an implicit FTPS port (usually 990). ftpdoctor checks plain FTP.", f.result.Evidence.Remote, greetingWait(f.result))
		},
		Fixes: func(f finding) []Fix {
			return append([]Fix{
				{SideClient, fmt.Sprintf("Use implicit FTPS on this port: FileZilla Site Manager > Encryption: 'Require implicit FTP over TLS'; WinSCP Encryption: 'TLS/SSL Implicit encryption'; curl ftps://HOST:%d/; lftp ftps://HOST:%d.", f.outcome.Target.Port, f.outcome.Target.Port)},
				{SideClient, "Or connect to the server's plain or explicit-TLS port (usually 21)."},
			}, serverFixes(f.outcome.Server, implicitListener)...)
		},
	},
	probes.ControlNotFTP: {
		Severity: alwaysCritical,
		Title:    "Something that is not an FTP server answered",
		Explain: func(f finding) string {
			e := f.result.Evidence
			return fmt.Sprintf("%s sent %q, which is not an FTP greeting (RFC 959 expects \"220 text\").", e.Remote, e.OtherService)
		},
		Fixes: func(f finding) []Fix {
			return []Fix{
				{SideClient, "Check the host and port: another service listens there."},
				{SideNetwork, "A proxy or port forward may send this port to the wrong service: check the forwarding rule."},
			}
		},
	},
	probes.ControlUnexpected: {
		Severity: alwaysCritical,
		Title:    "The server greeted with an unexpected reply",
		Explain: func(f finding) string {
			ex, _ := greeting(f.result)
			return fmt.Sprintf("%s greeted with %s instead of 220 (RFC 959 section 5.4).", f.result.Evidence.Remote, quoteReply(ex))
		},
		Fixes: func(f finding) []Fix {
			return []Fix{{SideServer, "Check the server's log for why it refuses sessions; the reply text names the reason."}}
		},
	},
	probes.ControlDelayedGreeting: {
		Severity: alwaysWarning,
		Title:    "The server was not ready at once (120 before 220)",
		Explain: func(f finding) string {
			var replies []string
			for _, ex := range f.result.Evidence.Replies {
				if ex.Command == "" {
					replies = append(replies, quoteReply(ex))
				}
			}
			return fmt.Sprintf("%s answered %s: it asked the client to wait before the session started. Clients with short timeouts give up.", f.result.Evidence.Remote, strings.Join(replies, ", then "))
		},
		Fixes: func(f finding) []Fix {
			return []Fix{
				{SideClient, "Raise the client's connection timeout (FileZilla: Edit > Settings > Connection > Timeout)."},
				{SideServer, "Check the server's load and start-up: a 120 reply means it is not ready for new sessions."},
			}
		},
	},
})

// greetingWait is " within 1.0 s" for the wait that ended without a
// greeting, or nothing when the stage recorded no such wait.
func greetingWait(r probes.Result) string {
	for _, ex := range r.Evidence.Replies {
		if ex.Command == "" && ex.Code == 0 && ex.ElapsedMS > 0 {
			return " within " + fmtMS(ex.ElapsedMS)
		}
	}
	return ""
}

// errorText renders a low-level error as a sentence, or nothing.
func errorText(err string) string {
	if err == "" {
		return ""
	}
	return "Error: " + err + "."
}

// hostOf strips the port from "host:port".
func hostOf(addr string) string {
	if i := strings.LastIndexByte(addr, ':'); i > 0 {
		return strings.Trim(addr[:i], "[]")
	}
	return addr
}
