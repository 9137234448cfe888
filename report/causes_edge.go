package report

import (
	"fmt"
	"strings"

	"github.com/ftpdoctor/ftpdoctor/probes"
)

// edgeCauses explains codes whose evidence used to be read the wrong way:
// a server that refuses every login in its greeting, and passive ports
// that cannot be bound.
var edgeCauses = causes(map[probes.Code]entry{
	probes.ControlLoginsDisabled: {
		Severity: alwaysCritical,
		Title:    "The server refuses every login for now",
		Explain: func(f finding) string {
			ex, _ := greeting(f.result)
			return fmt.Sprintf("%s greeted with %s: a 530 before any command means the service turns everyone away, whoever logs in. Its text says why: a Unix server does this while /etc/nologin exists (during maintenance or a shutdown), others when logins are switched off or the host is in maintenance mode. No setting of the client or the account changes it.", f.result.Evidence.Remote, quoteReply(ex))
		},
		Fixes: func(f finding) []Fix {
			return []Fix{
				{SideClient, "Wait for the maintenance the greeting names to end, or ask the server's administrator when logins open again; the accounts are not the problem."},
				{SideServer, "When the maintenance is over, allow logins again: remove /etc/nologin (or the product's own switch that closed logins) and check the greeting with ftpdoctor."},
			}
		},
	},
	probes.PassivePortsBusy: {
		Severity: dataRule,
		Title:    "The server has no free passive port: its range is exhausted or taken",
		Explain: func(f finding) string {
			var parts []string
			for _, a := range f.result.Evidence.Attempts {
				if a.Code == probes.PassivePortsBusy {
					parts = append(parts, quoteExchange(a.Reply))
				}
			}
			return sentence(strings.Join(parts, "; ")+".", "The server could not bind a port for the passive data connection: every port of its passive range is in use, by its own transfers (each holds one until it ends, and a little longer in TIME_WAIT) or by another process listening there. Passive mode is on; the range is too small for the load, or shared.", rangeAgainstSessions(f.outcome)+workedOther(f, probes.StageActive))
		},
		Fixes: func(f finding) []Fix {
			var out []Fix
			if worked(stageResult(f.outcome, probes.StageActive)) {
				out = append(out, clientActive()...)
			}
			out = append(out, Fix{SideClient, "Retry later, and open fewer parallel transfers (FileZilla: Site Manager > Transfer Settings > Limit number of simultaneous connections)."})
			out = append(out, serverFixes(f.outcome.Server, pasvRangeWiden)...)
			return append(out, Fix{SideServer, "Check that no other process listens on the passive ports: ss -ltnp shows the owner of each listening port; move that service or the range."})
		},
	},
})

// pasvRangeWiden makes a passive range large enough for the sessions.
var pasvRangeWiden = setting{
	generic: "Widen the passive port range to at least one port per transfer that can run at once (sessions times parallel transfers, with room for ports in TIME_WAIT), open the wider range in the firewall, and restart the server.",
	by: map[string]string{
		probes.SoftwareVsftpd:    "widen pasv_min_port-pasv_max_port in vsftpd.conf to at least one port per transfer that can run at once (max_clients), open the wider range in the firewall, and restart vsftpd.",
		probes.SoftwarePureFTPd:  "widen -p LOW:HIGH (--passiveportrange) to at least one port per transfer that can run at once (-c), and open the wider range in the firewall.",
		probes.SoftwareProFTPD:   "widen PassivePorts in proftpd.conf (ProFTPD then stops falling back to ports outside it) and open the wider range in the firewall.",
		probes.SoftwarePyftpdlib: "widen handler.passive_ports on the FTPHandler class to at least server.max_cons ports.",
	},
}

// rangeAgainstSessions sets the passive range's size against the sessions
// this check held on the server, when the range is known.
func rangeAgainstSessions(o probes.Outcome) string {
	sessions := map[string]bool{}
	for _, r := range o.Results {
		for _, ex := range r.Evidence.Replies {
			sessions[ex.Conn] = true
		}
		for _, a := range r.Evidence.Attempts {
			sessions[a.Reply.Conn] = true
		}
	}
	delete(sessions, "")
	held := fmt.Sprintf("This check held up to %d sessions on the server at once (%d control connections in all)", min(len(sessions), probes.MaxControlConnections), len(sessions))
	if o.PassiveRange == nil {
		return held + "; the range's size is unknown here: give --passive-range LOW-HIGH to compare it."
	}
	n := o.PassiveRange.High - o.PassiveRange.Low + 1
	return fmt.Sprintf("%s against a declared passive range of %d ports (%d-%d): every session that lists needs one, so %d ports serve at most %d transfers at once, other users' included.",
		held, n, o.PassiveRange.Low, o.PassiveRange.High, n, n)
}

// handshakeFact returns the tls stage's follow-up attempt of a failed
// handshake with the given command (see probes/tlsfallback.go).
func handshakeFact(f finding, command string) (probes.Attempt, bool) {
	for _, a := range f.result.Evidence.Attempts {
		if a.Command == command {
			return a, true
		}
	}
	return probes.Attempt{}, false
}

// The follow-ups' commands, as the tls stage records them.
const (
	factTLS12     = "AUTH TLS (TLS 1.0 to 1.2)"
	factPlainUser = "USER (plain, no TLS)"
)

// handshakeFactsText says what the follow-ups of a failed handshake
// showed: whether TLS 1.2 works, and whether plain FTP goes on to the
// password. Only what was seen is said.
func handshakeFactsText(f finding) string {
	var parts []string
	if a, ok := handshakeFact(f, factTLS12); ok && a.Status == probes.StatusPass {
		parts = append(parts, "Offering at most TLS 1.2, the handshake worked ("+a.Negotiated+"): the server's TLS 1.3 is what fails.")
	} else if ok {
		parts = append(parts, "Offering at most TLS 1.2, it failed too: no TLS version this client offers works, so capping the version is no way around.")
	}
	if a, ok := handshakeFact(f, factPlainUser); ok && a.Status == probes.StatusPass {
		parts = append(parts, "Without TLS, the server takes the user name: "+quoteExchange(a.Reply)+". Plain FTP would go on to the password, which then crosses the network readable; ftpdoctor did not send it.")
	} else if ok {
		parts = append(parts, "Without TLS, the server refuses the user name too: "+quoteExchange(a.Reply)+". Plain FTP is no way around.")
	}
	return strings.Join(parts, " ")
}

// handshakeFixes are the fixes for a failed handshake, from what the
// follow-ups showed: --tls-max 1.2 only when TLS 1.2 worked.
func handshakeFixes(f finding) []Fix {
	var out []Fix
	if a, ok := handshakeFact(f, factTLS12); ok && a.Status == probes.StatusPass {
		out = append(out, Fix{SideClient, "Offer at most TLS 1.2 until the server is fixed: ftpdoctor --tls-max 1.2, curl --tls-max 1.2 (FileZilla and lftp negotiate on their own)."})
	}
	if a, ok := handshakeFact(f, factPlainUser); ok && a.Status == probes.StatusPass {
		out = append(out, Fix{SideClient, "Only on a network you trust, and until the server's TLS is fixed: plain FTP logs in (ftpdoctor --tls off; FileZilla: Encryption 'Only use plain FTP (insecure)'), with the password in clear."})
	}
	return append(out, serverFixes(f.outcome.Server, tlsProtocols)...)
}
