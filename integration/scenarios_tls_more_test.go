package integration

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// tlsMoreScenarios check FTPS against ProFTPD's mod_tls and Pure-FTPd,
// and a NAT router that relies on the kernel's FTP helper.
var tlsMoreScenarios = []scenario{
	{
		// TLSRequired on, and mod_tls's default: data connections must
		// resume the control connection's session. Go's does, in TLS 1.3
		// and (next) 1.2; see tlsScenarios for what was measured.
		name: "proftpd_ftpes_required_reuse",
		setup: func(l *lab) checkRun {
			is := l.issueCert()
			l.proftpdTLS(is, "on", "", "")
			return loginTLS("ftpes://"+l.SrvAddr, is)
		},
		want:  expectation{Verdict: "ok", Exit: 0, ClientMode: "either", Software: "proftpd", Stages: tlsStages},
		extra: checkTLS(tlsWant{Mode: "explicit", Version: "TLS 1.3", DataProtected: true, SessionReuse: "true", Verified: "true"}),
	},
	{
		name: "proftpd_ftpes_required_reuse_tls12",
		setup: func(l *lab) checkRun {
			is := l.issueCert()
			l.proftpdTLS(is, "on", "", "")
			return loginTLS("ftpes://"+l.SrvAddr, is, "--tls-max", "1.2")
		},
		want:  expectation{Verdict: "ok", Exit: 0, ClientMode: "either", Software: "proftpd", Stages: tlsStages},
		extra: checkTLS(tlsWant{Mode: "explicit", Version: "TLS 1.2", DataProtected: true, SessionReuse: "true", Verified: "true"}),
	},
	{
		// A plain FTP client: ProFTPD answers USER with "550 SSL/TLS
		// required on the control channel", which names TLS.
		name: "proftpd_tls_required_plain_client",
		setup: func(l *lab) checkRun {
			is := l.issueCert()
			l.proftpdTLS(is, "on", "", "")
			r := login(l.SrvAddr)
			r.Extra = []string{"--tls", "off"}
			return r
		},
		want: expectation{Verdict: "critical", Exit: 2, Cause: "tls", CauseCode: "login.tls_required", ClientMode: "unknown", Software: "proftpd",
			Stages: map[string]string{"login": "login.tls_required", "passive": "skipped"}},
	},
	{
		// -Y 1: TLS offered; auto takes it. Pure-FTPd does not resume
		// TLS 1.3 sessions, nor require it: session_reuse false, data ok.
		name: "pureftpd_tls_optional_auto",
		setup: func(l *lab) checkRun {
			is := l.issueCert()
			l.pureftpdWith("-Y", "1", "-2", is.Cert+","+is.Key)
			return loginTLS(l.SrvAddr, is)
		},
		want:  expectation{Verdict: "ok", Exit: 0, ClientMode: "either", Software: "pure-ftpd", Stages: tlsStages},
		extra: checkTLS(tlsWant{Mode: "explicit", Version: "TLS 1.3", DataProtected: true, SessionReuse: "false", Verified: "true"}),
	},
	{
		// -Y 2: TLS required; auto takes it.
		name: "pureftpd_tls_required_auto",
		setup: func(l *lab) checkRun {
			is := l.issueCert()
			l.pureftpdWith("-Y", "2", "-2", is.Cert+","+is.Key)
			return loginTLS(l.SrvAddr, is)
		},
		want:  expectation{Verdict: "ok", Exit: 0, ClientMode: "either", Software: "pure-ftpd", Stages: tlsStages},
		extra: checkTLS(tlsWant{Mode: "explicit", Version: "TLS 1.3", DataProtected: true, SessionReuse: "false", Verified: "true"}),
	},
	{
		// The router forwards only port 21 and leaves passive mode to
		// the kernel's FTP helper; the server advertises its private
		// address. In plain text the helper rewrites 227 and forwards
		// the data port: passive works.
		name: "server_nat_ftp_helper_plain",
		topo: serverNATHelper,
		setup: func(l *lab) checkRun {
			r := natHelperServer(l)
			r.Extra = append(r.Extra, "--tls", "off")
			return r
		},
		want: expectation{Verdict: "ok", Exit: 0, ClientMode: "either", Software: "vsftpd", Stages: healthyStages},
	},
	{
		// The same router under TLS (auto): the helper cannot read the
		// encrypted 227, so the client gets the server's private address
		// and no data port is forwarded; active mode still works. Both
		// passive attempts fail (measured: data_refused, EPSV on the
		// router's address and PASV's private address replaced by it).
		// Once TLS worked nothing goes in clear text: the helper is named
		// as the likely cause, and vsftpd's log shows no login without
		// TLS.
		name:  "server_nat_ftp_helper_tls",
		topo:  serverNATHelper,
		setup: natHelperServer,
		want: expectation{Verdict: "warning", Exit: 1, Cause: "transfer_mode", ClientMode: "active", Software: "vsftpd",
			Stages: map[string]string{"tls": "tls.ok", "login": "login.ok", "passive": natHelperSuspectedCode, "active": "active.ok"}},
		extra: both(checkTLS(tlsWant{Mode: "explicit", DataProtected: true, Verified: "true"}), natHelperDiagnosis(natHelperSuspectedCode), clearLogins(0)),
	},
	{
		// The same with --compare-plain: one more login in plain text,
		// whose 227 the helper rewrites and whose data port it forwards,
		// confirms the helper (passive.nat_helper); vsftpd's log shows
		// exactly that one login without TLS.
		name: "server_nat_ftp_helper_tls_compare_plain",
		topo: serverNATHelper,
		setup: func(l *lab) checkRun {
			r := natHelperServer(l)
			r.Extra = append(r.Extra, "--compare-plain")
			return r
		},
		want: expectation{Verdict: "warning", Exit: 1, Cause: "transfer_mode", ClientMode: "active", Software: "vsftpd",
			Stages: map[string]string{"tls": "tls.ok", "login": "login.ok", "passive": natHelperCode, "active": "active.ok"}},
		extra: both(natHelperDiagnosis(natHelperCode), clearLogins(1)),
	},
}

// natHelperServer starts the server of the NAT-helper scenarios: vsftpd
// with TLS offered but not forced (vsftpd forces TLS logins and data by
// default once ssl_enable=YES), as a server that plain FTP clients use
// through the helper; no pasv_address. It returns a run that trusts its CA.
func natHelperServer(l *lab) checkRun {
	is := l.issueCert()
	l.vsftpdTLS(is, "force_local_logins_ssl=NO", "force_local_data_ssl=NO")
	return loginTLS(l.RtrCli, is)
}

// The passive stage's codes for a NAT helper that TLS blinds: confirmed
// by --compare-plain, and suspected from what TLS shows.
const (
	natHelperCode          = "passive.nat_helper"
	natHelperSuspectedCode = "passive.nat_helper_suspected"
)

// natHelperDiagnosis checks a NAT-helper scenario's passive stage: EPSV
// and PASV over TLS fail, PASV naming the server's private address; and
// the stage and primary cause are code.
func natHelperDiagnosis(code string) func(t *testing.T, l *lab, got checkResult) {
	return func(t *testing.T, l *lab, got checkResult) {
		t.Helper()
		for _, a := range attempts(t, got.Report, "passive") {
			if a.Command != "EPSV" && a.Command != "PASV" {
				continue // e.g. the plain-text PASV of --compare-plain
			}
			switch a.Code {
			case "passive.data_refused", "passive.data_timeout", "passive.private_address":
			default:
				t.Errorf("passive %s over TLS: %s, want a failed data connection", a.Command, a.Code)
			}
			if a.Command == "PASV" && !strings.HasPrefix(a.Advertised, l.SrvAddr+":") {
				t.Errorf("PASV over TLS advertised %q, want the server's private %s (no helper rewrite)", a.Advertised, l.SrvAddr)
			}
		}
		s, _ := stage(got.Report, "passive")
		primary := ""
		if len(got.Report.Causes) > 0 {
			primary = got.Report.Causes[0].Code
		}
		if s.Code != code || primary != code {
			t.Errorf("passive stage %s (%s), primary cause %s; want %s for both\n%s", s.Code, s.Summary, primary, code, got.Raw)
		}
	}
}

// vsftpdCommand is a line of vsftpd's protocol log (log_ftp_protocol):
// the session's process, then the command as received.
var vsftpdCommand = regexp.MustCompile(`\[pid (\d+)\] FTP command: Client "[^"]*", "([A-Za-z]+)`)

// clearLogins returns an extra check that counts, from vsftpd's own log,
// the sessions that sent USER or PASS without AUTH TLS before it: the
// server's side of "no password in clear text once TLS worked".
func clearLogins(want int) func(t *testing.T, l *lab, got checkResult) {
	return func(t *testing.T, l *lab, got checkResult) {
		t.Helper()
		log, err := os.ReadFile(filepath.Join(l.Dir, "vsftpd.log"))
		if err != nil {
			t.Fatalf("vsftpd's log: %v", err)
		}
		secure := map[string]bool{}
		clear, users := map[string]bool{}, 0
		for _, m := range vsftpdCommand.FindAllStringSubmatch(string(log), -1) {
			switch pid, verb := m[1], strings.ToUpper(m[2]); {
			case verb == "AUTH":
				secure[pid] = true
			case verb == "USER" || verb == "PASS":
				users++
				if !secure[pid] {
					clear[pid] = true
				}
			}
		}
		if users == 0 {
			t.Fatalf("vsftpd's log holds no USER or PASS: is log_ftp_protocol on?\n%s", log)
		}
		if len(clear) != want {
			t.Errorf("vsftpd received USER or PASS without TLS in %d sessions, want %d", len(clear), want)
		}
	}
}
