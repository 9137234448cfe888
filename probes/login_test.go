package probes

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// TestLoginReplay replays whole logins and checks what the client sent:
// USER, PASS only after a 331, FEAT and SYST sent together once logged in,
// no QUIT on a connection whose reply is still owed, and the password in
// the PASS line alone.
func TestLoginReplay(t *testing.T) {
	tests := []struct {
		name         string
		conversation string
		anonymous    bool
		timeout      time.Duration // the step timeout; zero for the default
		code         Code
		check        func(t *testing.T, r Result)
	}{
		{"ok", loggedIn + "C: QUIT\n", false, 0, LoginOK, func(t *testing.T, r Result) {
			want := []string{"USER alice", "PASS ****", "FEAT", "SYST"}
			if got := commands(r.Evidence.Replies); !slices.Equal(got, want) {
				t.Errorf("login exchanges %q, want %q", got, want)
			}
		}},
		{"anonymous_ok", greeted + `
C: USER anonymous
S: 331 Please specify the password.
C: PASS ftpdoctor@
S: 230 Login successful.
C: FEAT
C: SYST
S: 211-Features:
S: 211 End
S: 215 UNIX Type: L8
C: QUIT
`, true, 0, LoginAnonymousOK, func(t *testing.T, r Result) {
			if !r.Evidence.Anonymous {
				t.Error("evidence does not say the login was anonymous")
			}
		}},
		// RFC 2389 section 3.2: a server with no features may answer FEAT
		// with one line.
		{"feat_one_line", greeted + passwordAsked + `
S: 230 Login successful.
C: FEAT
C: SYST
S: 211 no-features
S: 215 UNIX Type: L8
C: QUIT
`, false, 0, LoginOK, nil},
		{"logged_in_at_user", greeted + `
C: USER alice
S: 230 Already logged in.
C: FEAT
C: SYST
S: 211-Features:
S: 211 End
S: 215 UNIX Type: L8
C: QUIT
`, false, 0, LoginOK, nil},
		{"530_at_pass", greeted + passwordAsked + `
S: 530 Login incorrect.
C: QUIT
`, false, 0, LoginRejected, func(t *testing.T, r Result) {
			n := len(r.Evidence.Replies)
			if n == 0 || r.Evidence.Replies[n-1].Code != 530 || r.Evidence.Replies[n-1].Text != "Login incorrect." {
				t.Errorf("the last reply is not PASS's 530: %+v", r.Evidence.Replies)
			}
			if r.Evidence.Error != "" {
				t.Errorf("evidence error %q: a reply came, its text is in the replies", r.Evidence.Error)
			}
		}},
		{"530_at_user", greeted + `
C: USER alice
S: 530 This FTP server is anonymous only.
C: QUIT
`, false, 0, LoginUserRejected, nil},
		{"anonymous_refused", greeted + `
C: USER anonymous
S: 331 Please specify the password.
C: PASS ftpdoctor@
S: 530 Login incorrect.
C: QUIT
`, true, 0, LoginAnonRefused, nil},
		{"421_connection_limit", greeted + `
C: USER alice
S: 421 There are too many connections from your internet address.
close
`, false, 0, LoginUnavailable, func(t *testing.T, r Result) {
			if r.Evidence.Reason != ReasonConnectionLimit {
				t.Errorf("reason %q, want %q", r.Evidence.Reason, ReasonConnectionLimit)
			}
		}},
		{"tls_required_at_user", greeted + `
C: USER alice
S: 530 Non-anonymous sessions must use encryption.
C: QUIT
`, false, 0, LoginTLSRequired, nil},
		{"500_oops_at_pass", greeted + passwordAsked + `
S: 500 OOPS: vsftpd: refusing to run with writable root inside chroot()
close
`, false, 0, LoginServerError, func(t *testing.T, r Result) {
			if r.Evidence.Reason != ReasonWritableChroot || !strings.Contains(r.Evidence.ServerError, "writable root") {
				t.Errorf("reason %q, server error %q", r.Evidence.Reason, r.Evidence.ServerError)
			}
		}},
		{"500_oops_after_login", greeted + passwordAsked + `
S: 230 Login successful.
C: FEAT
C: SYST
S: 500 OOPS: cannot change directory:/home/alice
close
`, false, 0, LoginServerError, func(t *testing.T, r Result) {
			if r.Evidence.Reason != ReasonHomeMissing {
				t.Errorf("reason %q, want %q", r.Evidence.Reason, ReasonHomeMissing)
			}
		}},
		{"332_account_asked", greeted + passwordAsked + `
S: 332 Need account for login.
C: QUIT
`, false, 0, LoginUnexpected, nil},
		// No reply to USER: the step's deadline ends the wait, and no QUIT
		// follows on a connection that still owes a reply.
		{"timeout_at_user", greeted + `
C: USER alice
`, false, 200 * time.Millisecond, LoginTimeout, nil},
		// Logged in, and then no reply to FEAT or SYST: the session hangs,
		// and the data stages must not run on it as if it were fine.
		{"no_reply_to_feat", greeted + passwordAsked + `
S: 230 Login successful.
C: FEAT
C: SYST
`, false, 200 * time.Millisecond, LoginTimeout, nil},
		{"closed_mid_reply", greeted + passwordAsked + `
S: 230-Welcome, alice.
close
`, false, 0, LoginClosed, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := newReplayPeer(t)
			got := p.run(tt.conversation, StageLogin, func(c *Config, _ *Env) {
				if tt.anonymous {
					c.Target.User, c.Anonymous, c.Password = "anonymous", true, ""
				}
				if tt.timeout > 0 {
					c.Timeout = tt.timeout
				}
			})
			p.expectSent(got, tt.conversation)
			r := expectCode(t, got, StageLogin, tt.code)
			expectNoPassword(t, got)
			if n := strings.Count(got.sent, replayPassword); n > 1 || n == 1 && !strings.Contains(got.sent, "\r\nPASS "+replayPassword+"\r\n") {
				t.Errorf("the password went out %d times, not once in PASS: %q", n, got.sent)
			}
			if tt.check != nil {
				tt.check(t, r)
			}
		})
	}
}

// TestLoginFilesServerFacts checks what FEAT and SYST taught the session.
func TestLoginFilesServerFacts(t *testing.T) {
	p := newReplayPeer(t)
	got := p.run(loggedIn+"C: QUIT\n", StageLogin, nil)
	info := got.session.Server.Info()
	if info.Software != "vsftpd" || info.Version != "3.0.5" || info.Syst != "UNIX Type: L8" {
		t.Errorf("server info %+v", info)
	}
	if want := []string{"EPRT", "EPSV", "PASV"}; !slices.Equal(info.Features, want) {
		t.Errorf("features %q, want %q", info.Features, want)
	}
	if !got.session.Account.LoggedIn {
		t.Error("the account is not marked logged in")
	}
}
