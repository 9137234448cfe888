package report

import (
	"fmt"

	"github.com/ftpdoctor/ftpdoctor/probes"
)

// loginReply is the reply that ended the login: to PASS if sent, else to
// USER.
func loginReply(r probes.Result) probes.Exchange {
	if ex, ok := replyTo(r, "PASS"); ok {
		return ex
	}
	ex, _ := replyTo(r, "USER")
	return ex
}

// loginExplain quotes the exchange that ended the login.
func loginExplain(f finding, what string) string {
	ex := loginReply(f.result)
	return sentence(quoteExchange(ex)+".", what)
}

// loginCauses explains the login stage's codes.
var loginCauses = causes(map[probes.Code]entry{
	probes.LoginAccountsRefused: {
		Severity: alwaysCritical, // warning when the failing accounts' own verdicts are only warnings
		Title:    "Some accounts log in and some do not",
		Explain: func(f finding) string {
			return f.result.Summary + ". A refusal at PASS looks the same for a wrong password and for a denial by the system (an account listed in /etc/ftpusers, a shell missing from /etc/shells, a locked or expired account): servers answer the same 530 on purpose, so only the server's log tells them apart. Each account's own causes follow in its part of the report."
		},
		Fixes: func(f finding) []Fix {
			out := []Fix{{SideClient, "Check the failing accounts' user names and passwords (case, keyboard layout, a stale password saved in the client)."}}
			out = append(out, serverFixes(f.outcome.Server, accountAllowed)...)
			for _, a := range f.outcome.Accounts {
				if a.Phase == probes.PhaseUser {
					return append(out, serverFixes(f.outcome.Server, userDenyLists)...)
				}
			}
			return out
		},
	},
	probes.LoginAccountsLimited: {
		Severity: alwaysWarning,
		Title:    "The server refuses sessions of several accounts at once from this address",
		Explain: func(f finding) string {
			what := "Checking accounts side by side, a session was refused"
			if n := len(f.result.Evidence.Replies); n > 0 {
				what += ": " + quoteExchange(f.result.Evidence.Replies[n-1])
			}
			return what + ". That is the server's limit on sessions per client address (or in all), not an account failure: each account refused that way was checked again alone, and its result stands. Users behind one NAT address, such as an office, share that limit."
		},
		Fixes: func(f finding) []Fix {
			return append([]Fix{{SideClient, "Open fewer sessions at once (ftpdoctor --parallel 1; FileZilla: limit simultaneous connections)."}},
				serverFixes(f.outcome.Server, sessionLimits)...)
		},
	},
	probes.LoginConnectionLimit: {
		Severity: alwaysWarning,
		Title:    "The server refuses a second connection from this address",
		Explain: func(f finding) string {
			what := "A second control connection from this address was refused"
			if n := len(f.result.Evidence.Replies); n > 0 {
				what += ": " + quoteExchange(f.result.Evidence.Replies[n-1])
			}
			return what + ". ftpdoctor then ran its data checks one after another on the one connection, so their results stand. Clients that open parallel connections are refused: FileZilla opens one for browsing and up to two for transfers by default; WinSCP and lftp open more for parallel transfers."
		},
		Fixes: func(f finding) []Fix {
			return append([]Fix{{SideClient, "FileZilla: Site Manager > Transfer Settings: tick 'Limit number of simultaneous connections' and set it to 1. WinSCP: Preferences > Transfer > Background: 'Maximal number of transfers at the same time': 1. lftp: set net:connection-limit 1."}},
				serverFixes(f.outcome.Server, sessionLimits)...)
		},
	},
	probes.LoginRejected: {
		Severity: alwaysCritical,
		Title:    "The user name or password was rejected",
		Explain: func(f finding) string {
			ex := loginReply(f.result)
			s := fmt.Sprintf("The server accepted USER %s but rejected the password: %s.", f.outcome.Target.User, quoteExchange(ex))
			if ex.ElapsedMS >= 1000 {
				s += " The slow reply is the server's deliberate delay after a failed login, not a network problem."
			}
			return s
		},
		Fixes: func(f finding) []Fix {
			return append([]Fix{
				{SideClient, "Check the user name and password (case, keyboard layout, a stale saved password in the client's site manager)."},
			}, serverFixes(f.outcome.Server, accountAllowed)...)
		},
	},
	probes.LoginUserRejected: {
		Severity: alwaysCritical,
		Title:    "The user is not allowed to log in",
		Explain: func(f finding) string {
			ex, _ := replyTo(f.result, "USER")
			return fmt.Sprintf("The server refused the user before asking for a password: %s.", quoteExchange(ex))
		},
		Fixes: func(f finding) []Fix {
			return append([]Fix{{SideClient, "Check the user name; if it is right, the server denies this user by name (a deny list or user list) before any password: only its administrator can allow it (server side)."}}, serverFixes(f.outcome.Server, userDenyLists)...)
		},
	},
	probes.LoginAnonRefused: {
		Severity: alwaysCritical,
		Title:    "Anonymous login is refused",
		Explain: func(f finding) string {
			return loginExplain(f, "The server does not accept anonymous logins.")
		},
		Fixes: func(f finding) []Fix {
			return append([]Fix{{SideClient, "Log in with a user name and password (--user, with the password from --password-stdin, the FTP_PASSWORD variable or ~/.netrc)."}},
				serverFixes(f.outcome.Server, anonymousEnable)...)
		},
	},
	probes.LoginTLSRequired: {
		Severity: alwaysCritical,
		Title:    "The server requires TLS (FTPS) before login",
		Explain: func(f finding) string {
			return loginExplain(f, "The server only accepts logins over an encrypted control connection (AUTH TLS, RFC 4217).")
		},
		Fixes: func(f finding) []Fix {
			return append([]Fix{
				{SideClient, "Use explicit FTPS: FileZilla Site Manager > General > Encryption: 'Require explicit FTP over TLS'; WinSCP Encryption: 'TLS/SSL Explicit encryption'; curl --ssl-reqd ftp://HOST/; lftp set ftp:ssl-force true."},
			}, serverFixes(f.outcome.Server, plainLogin)...)
		},
	},
	probes.LoginUnavailable: {
		Severity: alwaysCritical,
		Title:    "The server refused service during login (421)",
		Explain: func(f finding) string {
			return loginExplain(f, "The server closed the session, usually because a per-user or per-address session limit was reached.")
		},
		Fixes: func(f finding) []Fix {
			return append([]Fix{{SideClient, "Close other sessions of this user and retry; open fewer parallel connections."}},
				serverFixes(f.outcome.Server, sessionLimits)...)
		},
	},
	probes.LoginServerError: {
		Severity: alwaysCritical,
		Title:    "The server failed with a configuration error after login",
		Explain: func(f finding) string {
			if ex := loginReply(f.result); ex.Code != 0 {
				return fmt.Sprintf("%s got an internal error instead of a completed login: %s after %s. The credentials may be right; the server cannot start the session.", redactCommand(ex.Command), quoteReply(ex), fmtMS(ex.ElapsedMS))
			}
			return fmt.Sprintf("During the login the server reported an internal error: %q. The credentials may be right; the server cannot start the session.", firstLine(f.result.Evidence.ServerError))
		},
		Fixes: func(f finding) []Fix {
			switch f.result.Evidence.Reason {
			case probes.ReasonWritableChroot:
				return []Fix{
					{SideServer, "vsftpd: the chroot directory (the user's home) is writable. Either remove write permission from it (chmod a-w HOME, with a writable subdirectory for uploads) or set allow_writeable_chroot=YES in vsftpd.conf."},
				}
			case probes.ReasonHomeMissing:
				return []Fix{{SideServer, "The user's home directory is missing or not accessible: create it, or fix its owner and permissions."}}
			}
			return []Fix{{SideServer, "Read the full error text and the server's log; a vsftpd \"500 OOPS\" names the failing setting or system call."}}
		},
	},
	probes.LoginTimeout: {
		Severity: alwaysCritical,
		Title:    "The server did not answer the login in time",
		Explain: func(f finding) string {
			return loginExplain(f, "Slow authentication back ends (LDAP, RADIUS, DNS lookups in PAM) or an overloaded server delay the reply.")
		},
		Fixes: func(f finding) []Fix {
			return []Fix{
				{SideClient, "Retry with a longer --timeout."},
				{SideServer, "Check the authentication back end's response time and the server's log."},
			}
		},
	},
	probes.LoginUnexpected: {
		Severity: alwaysCritical,
		Title:    "The server answered the login unexpectedly",
		Explain: func(f finding) string {
			return sentence(loginExplain(f, ""), f.result.Summary+".")
		},
		Fixes: func(f finding) []Fix {
			return []Fix{{SideServer, "Check the server's log and its authentication setup; the reply text names the reason."}}
		},
	},
	probes.LoginClosed: {
		Severity: alwaysCritical,
		Title:    "The server closed the connection during login",
		Explain: func(f finding) string {
			return loginExplain(f, "The server dropped the session instead of answering: a crashed session process, an intrusion-prevention ban after failed logins, or a session limit.")
		},
		Fixes: func(f finding) []Fix {
			log := "Check the server's log."
			switch f.outcome.Server.Software {
			case probes.SoftwareVsftpd:
				log = "vsftpd: check its log; with seccomp_sandbox=YES vsftpd can kill sessions on some kernels (set seccomp_sandbox=NO to test)."
			case "":
				log = "Check the server's log; if it is vsftpd, seccomp_sandbox=YES can kill sessions on some kernels (set seccomp_sandbox=NO to test)."
			}
			return []Fix{
				{SideServer, log},
				{SideServer, "Check fail2ban or similar for a ban on this client's address."},
			}
		},
	},
})
