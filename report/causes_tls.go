package report

import (
	"fmt"

	"github.com/ftpdoctor/ftpdoctor/probes"
)

// clientRequireTLS is how each client is set to explicit FTPS.
const clientRequireTLS = "Use explicit FTPS: FileZilla Site Manager > General > Encryption: 'Require explicit FTP over TLS'; WinSCP Encryption: 'TLS/SSL Explicit encryption'; curl --ssl-reqd ftp://HOST/; lftp set ftp:ssl-force true."

// clientCertificate is what a client can do about a certificate it does
// not trust.
const clientCertificate = "Do not accept the certificate blindly: compare its fingerprint with the one the administrator publishes. FileZilla shows the certificate and asks whether to trust it; curl --cacert FILE, lftp set ssl:ca-file FILE and ftpdoctor --ca-file FILE trust a private CA; ftpdoctor --insecure goes on past a bad certificate and still reports it."

// tlsExplain opens with the stage's summary and adds what it means.
func tlsExplain(f finding, what ...string) string {
	return sentence(append([]string{f.result.Summary + "."}, what...)...)
}

// certFixes are the fixes for a certificate problem.
func certFixes(f finding, server setting) []Fix {
	return append([]Fix{{SideClient, clientCertificate}}, serverFixes(f.outcome.Server, server)...)
}

// tlsCauses explains the tls stage's codes and the data connections' TLS
// failures.
var tlsCauses = causes(map[probes.Code]entry{
	probes.TLSNotOffered: {
		Severity: alwaysCritical,
		Title:    "The server offers no TLS, and TLS is required",
		Explain: func(f finding) string {
			return tlsExplain(f, "Without TLS the password and the files cross the network in plain text; ftpes:// and --tls require insist on TLS, as curl --ssl-reqd does.")
		},
		Fixes: func(f finding) []Fix {
			return append([]Fix{{SideClient, "Check the host and port: the server may offer TLS elsewhere (implicit FTPS on port 990: ftps://). To check plain FTP, use --tls auto."}},
				serverFixes(f.outcome.Server, tlsEnable)...)
		},
	},
	probes.TLSHandshakeFailed: {
		Severity: alwaysCritical,
		Title:    "The TLS handshake failed",
		Explain: func(f finding) string {
			return tlsExplain(f, "The server accepted AUTH TLS but the encrypted session never started: no common TLS version or cipher, a server that stalls or sends something that is not TLS, or a certificate chain too large to accept. The server's log names the reason.", handshakeFactsText(f))
		},
		Fixes: handshakeFixes,
	},
	probes.TLSCertExpired: {
		Severity: alwaysCritical,
		Title:    "The server's certificate has expired",
		Explain: func(f finding) string {
			return tlsExplain(f, "Clients refuse an expired certificate, or ask the user to accept it every time.")
		},
		Fixes: func(f finding) []Fix { return certFixes(f, certRenew) },
	},
	probes.TLSCertExpiring: {
		Severity: alwaysWarning,
		Title:    "The server's certificate expires within 30 days",
		Explain: func(f finding) string {
			return tlsExplain(f, "It works today; once it expires, clients refuse it.")
		},
		Fixes: func(f finding) []Fix { return serverFixes(f.outcome.Server, certRenew) },
	},
	probes.TLSCertNameMismatch: {
		Severity: alwaysCritical,
		Title:    "The server's certificate is for another name",
		Explain: func(f finding) string {
			return tlsExplain(f, fmt.Sprintf("Clients check that the certificate names the host they connected to (%s); an attacker in the middle would fail the same check.", f.outcome.Target.Host))
		},
		Fixes: func(f finding) []Fix {
			return append([]Fix{{SideClient, "Connect with a name the certificate lists (see the certificate's names in the report)."}}, serverFixes(f.outcome.Server, certRenew)...)
		},
	},
	probes.TLSCertSelfSigned: {
		Severity: alwaysCritical,
		Title:    "The server's certificate is self-signed",
		Explain: func(f finding) string {
			return tlsExplain(f, "No client can verify it: each user must accept it by hand, and cannot tell it from an attacker's.")
		},
		Fixes: func(f finding) []Fix { return certFixes(f, certRenew) },
	},
	probes.TLSCertUntrusted: {
		Severity: alwaysCritical,
		Title:    "The server's certificate does not lead to a trusted root",
		Explain: func(f finding) string {
			return tlsExplain(f, "The issuer is unknown to this machine's trust store (a private CA), or the server does not send its intermediate certificates (an incomplete chain), which browsers sometimes hide but FTP clients do not.")
		},
		Fixes: func(f finding) []Fix { return certFixes(f, certChain) },
	},
	probes.TLSChainTooLarge: {
		Severity: alwaysWarning,
		Title:    "The server's certificate chain is larger than many clients accept",
		Explain: func(f finding) string {
			return tlsExplain(f, "OpenSSL, under curl, lftp and many servers' own tools, refuses a certificate list over 100 KiB by default; the handshake then fails on those clients while it works here.")
		},
		Fixes: func(f finding) []Fix { return serverFixes(f.outcome.Server, certChain) },
	},
	probes.ControlTLSFailed: {
		Severity: alwaysCritical,
		Title:    "The implicit TLS handshake failed",
		Explain: func(f finding) string {
			return sentence(f.result.Summary+".", "ftps:// (--tls implicit) starts TLS before the greeting, on port 990 by default; a plain or explicit-TLS port does not answer that.")
		},
		Fixes: func(f finding) []Fix {
			return append([]Fix{{SideClient, "If the server offers explicit FTPS on port 21, use ftpes:// (FileZilla: 'Require explicit FTP over TLS')."}},
				serverFixes(f.outcome.Server, tlsProtocols)...)
		},
	},
	probes.PassiveNATHelper: {
		Severity: dataRule,
		Title:    "Passive mode works in plain text only: a NAT helper serves the server, and TLS blinds it",
		Explain: func(f finding) string {
			return dataExplain(f, "Over TLS the passive data connection fails, while the same PASV in plain text names a data port that answers. A NAT helper between here and the server (Linux nf_conntrack_ftp, a router's FTP ALG, Windows Firewall's stateful FTP) rewrites plain 227 replies and opens their ports; it cannot read an encrypted control connection, so FTPS clients get the server's own, private address and a port nobody forwards."+workedOther(f, probes.StageActive))
		},
		Fixes: natHelperFixes,
	},
	probes.PassiveNATHelperSuspected: {
		Severity: dataRule,
		Title:    "Passive mode fails under TLS as behind a NAT helper that TLS blinds (likely; --compare-plain confirms)",
		Explain: func(f finding) string {
			return dataExplain(f, "The server is behind NAT: it names its own private address in PASV, and the control connection reaches it through a forwarded port, while the data port at the same address is not forwarded. A NAT helper (Linux nf_conntrack_ftp, a router's FTP ALG, Windows Firewall's stateful FTP) forwards data ports by reading plain-text 227 replies; it cannot read an encrypted control connection, so FTPS clients fail in passive mode while plain FTP clients may work. ftpdoctor did not log in in plain text to confirm it: once TLS worked, nothing of the run goes in clear text. Run again with --compare-plain to confirm it (that sends the password in clear text once)."+workedOther(f, probes.StageActive))
		},
		Fixes: natHelperFixes,
	},
	probes.TLSCertChanged: {
		Severity: alwaysCritical,
		Title:    "A later connection presented another certificate than the first",
		Explain: func(f finding) string {
			return tlsExplain(f, "Every connection of one session (the extra control connections, each data connection) must present a certificate the client trusts as it trusted the first: one that verifies against the same roots for the same name, or, when the first was accepted unverified (--insecure), that very certificate. This one did not, so it was refused before any command, USER and PASS included, was sent on it. Something between here and the server may be intercepting some connections, or the servers behind one address hold different certificates.")
		},
		Fixes: func(f finding) []Fix {
			return append([]Fix{{SideClient, "Do not send credentials until the certificates are explained: compare the fingerprints in the report (tls.certificate_changes in --json) with the one the administrator publishes."}},
				Fix{SideNetwork, "Look for a TLS-intercepting proxy or firewall on the way, or for servers behind one address (a load balancer) that hold different certificates: give every node the same certificate, or one that verifies for the name."})
		},
	},
	probes.PassiveTLSReuse: tlsReuseEntry,
	probes.ActiveTLSReuse:  tlsReuseEntry,
	probes.PassiveTLSFailed: {
		Severity: dataRule,
		Title:    "The TLS handshake on the passive data connection failed",
		Explain: func(f finding) string {
			return dataExplain(f, "The data connection opened, but TLS on it did not start.")
		},
		Fixes: func(f finding) []Fix { return serverFixes(f.outcome.Server, tlsProtocols) },
	},
	probes.ActiveTLSFailed: {
		Severity: dataRule,
		Title:    "The TLS handshake on the active data connection failed",
		Explain: func(f finding) string {
			return dataExplain(f, "The server connected back, but TLS on the data connection did not start.")
		},
		Fixes: func(f finding) []Fix { return serverFixes(f.outcome.Server, tlsProtocols) },
	},
})

// tlsReuseEntry explains a data connection refused because its TLS
// session did not resume the control connection's.
var tlsReuseEntry = entry{
	Severity: dataRule,
	Title:    "The server requires data connections to resume the control connection's TLS session",
	Explain: func(f finding) string {
		what := "The server insists that each data connection resumes the TLS session of the control connection (a defence against data-connection theft), and this one did not. Clients that do not resume fail; under TLS 1.3, resumption is where curl and vsftpd 3.0.3 have broken."
		if resumedUnderTLS12(f) {
			what += " Under TLS 1.2 the same server accepted a resumed data connection: its TLS 1.3 resumption is what breaks, and clients capped at TLS 1.2 work."
		}
		return dataExplain(f, what)
	},
	Fixes: func(f finding) []Fix {
		client := "FileZilla resumes sessions; with curl try --tls-max 1.2; with lftp set ftp:ssl-protect-data true and a current version."
		if resumedUnderTLS12(f) {
			client = "Cap the client at TLS 1.2, which this server resumes: curl --tls-max 1.2; FileZilla and lftp follow the server's choice, so the server's fix is needed for them."
		}
		return append([]Fix{{SideClient, client}}, serverFixes(f.outcome.Server, sessionReuse)...)
	},
}

// resumedUnderTLS12 reports whether the passive stage's TLS 1.2 comparison
// resumed and listed, after a refusal under TLS 1.3.
func resumedUnderTLS12(f finding) bool {
	if p := stageResult(f.outcome, probes.StagePassive); p != nil {
		for _, a := range p.Evidence.Attempts {
			if a.Command == "EPSV (TLS 1.2)" && a.Status == probes.StatusPass {
				return true
			}
		}
	}
	return false
}

// natHelperFixes are the fixes of a NAT helper that TLS blinds, confirmed
// or suspected: active mode where it worked, the server's own passive
// address, and a forwarded passive range instead of the helper.
func natHelperFixes(f finding) []Fix {
	var out []Fix
	if worked(stageResult(f.outcome, probes.StageActive)) {
		out = append(out, clientActive()...)
	}
	out = append(out, serverFixes(f.outcome.Server, pasvAddress(serverHost(f.outcome)))...)
	out = append(out, rangeFixes(f)...)
	return append(out, Fix{SideNetwork, fmt.Sprintf("Forward %s to the server on the NAT router, and stop relying on an FTP helper: it cannot help FTPS.", passivePorts(f.outcome))})
}
