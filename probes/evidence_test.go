package probes_test

import (
	"strings"
	"testing"

	"github.com/ftpdoctor/ftpdoctor/fixtures"
	"github.com/ftpdoctor/ftpdoctor/probes"
)

// TestEvidenceFieldsHaveOneMeaning checks that each evidence field holds
// one kind of fact: the text of another service on the FTP port goes to
// OtherService, an FTP server's own error text to ServerError, and Error
// says why no reply came, never what a reply said (that is in Replies and
// Attempts).
func TestEvidenceFieldsHaveOneMeaning(t *testing.T) {
	tests := []struct {
		name         string
		script       fixtures.Script
		stage        probes.StageID
		code         probes.Code
		otherService string // prefix of evidence.other_service; empty: absent
		serverError  string // prefix of evidence.server_error; empty: absent
		err          string // prefix of evidence.error; empty: absent
	}{
		{"ssh_banner", fixtures.Script{Connect: fixtures.ConnectSSH}, probes.StageControl, probes.ControlSSH, "SSH-2.0-", "", "not an FTP reply"},
		{"http_answer", fixtures.Script{Connect: fixtures.ConnectHTTP}, probes.StageControl, probes.ControlHTTP, "HTTP/", "", "no greeting"},
		{"vsftpd_oops_at_pass", fixtures.Script{ChrootOOPS: true}, probes.StageLogin, probes.LoginServerError, "", "OOPS", ""},
		{"wrong_password", fixtures.Script{Users: map[string]string{"alice": "other"}}, probes.StageLogin, probes.LoginRejected, "", "", ""},
		{"greeting_timeout", fixtures.Script{Connect: fixtures.ConnectSilent}, probes.StageControl, probes.ControlNoGreeting, "", "", "timed out"},
		{"passive_refused", fixtures.Script{Replies: map[string]string{"PASV": "550 Permission denied.", "EPSV": "550 Permission denied."}}, probes.StagePassive, probes.PassiveRefused, "", "", ""},
		{"vsftpd_oops_after_login", fixtures.Script{Replies: map[string]string{"FEAT": "500 OOPS: priv_sock_get_cmd"}}, probes.StageLogin, probes.LoginServerError, "", "OOPS", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			o, _ := check(t, tt.script, "alice")
			r := result(o, tt.stage)
			if r.Code != tt.code {
				t.Fatalf("%s ended with %s (%s), want %s", tt.stage, r.Code, r.Summary, tt.code)
			}
			e := r.Evidence
			if !hasPrefixOrEmpty(e.OtherService, tt.otherService) {
				t.Errorf("other_service %q, want it to start with %q", e.OtherService, tt.otherService)
			}
			if !hasPrefixOrEmpty(e.ServerError, tt.serverError) {
				t.Errorf("server_error %q, want it to start with %q", e.ServerError, tt.serverError)
			}
			if !hasPrefixOrEmpty(e.Error, tt.err) {
				t.Errorf("error %q, want it to start with %q", e.Error, tt.err)
			}
		})
	}
}

// hasPrefixOrEmpty: got is empty when want is, and starts with want
// otherwise.
func hasPrefixOrEmpty(got, want string) bool {
	if want == "" {
		return got == ""
	}
	return strings.HasPrefix(got, want)
}

// TestAttemptErrorBesideItsReply checks that a failure after a reply came
// (here the TLS handshake after AUTH TLS's 234, on the tls stage's
// follow-up connection) is the attempt's error, not the reply's: the
// reply's error says only why no reply came.
func TestAttemptErrorBesideItsReply(t *testing.T) {
	o := checkTLS(t, fixtures.Script{TLS: &fixtures.TLSConfig{Certificates: good(), Hostile: fixtures.TLSGarbageAfter234}}, nil)
	r := result(o, probes.StageTLS)
	for _, a := range r.Evidence.Attempts {
		if a.Command != "AUTH TLS (TLS 1.0 to 1.2)" {
			continue
		}
		if a.Reply.Code != 234 || a.Reply.Error != "" || a.Error == "" || a.Negotiated != "" {
			t.Errorf("follow-up: reply %d error %q, attempt error %q, negotiated %q; want 234, none, the handshake's error, none",
				a.Reply.Code, a.Reply.Error, a.Error, a.Negotiated)
		}
		return
	}
	t.Fatalf("no TLS 1.2 follow-up among %+v (%s)", r.Evidence.Attempts, r.Summary)
}
