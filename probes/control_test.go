package probes

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestControlReplay replays what a port says when the control connection
// opens and checks the code, the evidence and what the client sent: QUIT
// on a greeted connection it keeps, nothing on one it gives up.
func TestControlReplay(t *testing.T) {
	tests := []struct {
		name         string
		conversation string
		timeout      time.Duration // the step timeout; zero for the default
		code         Code
		banner       string // the banner the session learned, when greeted
		serverText   string // the non-FTP first line kept as evidence (other_service)
	}{
		{"greeting_220", `
S: 220 (vsFTPd 3.0.5)
C: QUIT
`, 0, ControlOK, "(vsFTPd 3.0.5)", ""},
		{"multi_line_greeting", `
S: 220-Welcome to the archive.
S: 220-Be nice.
S: 220 ProFTPD Server ready.
C: QUIT
`, 0, ControlOK, "Welcome to the archive.\nBe nice.\nProFTPD Server ready.", ""},
		{"120_then_220", `
S: 120 Service ready in 1 minute.
S: 220 Service ready.
C: QUIT
`, 0, ControlDelayedGreeting, "Service ready.", ""},
		{"421_at_greeting", `
S: 421 Too many users, try again later.
`, 0, ControlUnavailable, "", ""},
		{"530_at_greeting", `
S: 530 Logins are disabled: maintenance until 18:00.
`, 0, ControlLoginsDisabled, "", ""},
		{"554_at_greeting", `
S: 554 Go away.
`, 0, ControlUnexpected, "", ""},
		{"closed_before_greeting", `
close
`, 0, ControlClosed, "", ""},
		{"closed_mid_greeting", `
S: 220-Welcome.
close
`, 0, ControlClosed, "", ""},
		{"ssh_banner", `
S: SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13
`, 0, ControlSSH, "", "SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13"},
		{"http_reply", `
S: HTTP/1.1 400 Bad Request
`, 0, ControlHTTP, "", "HTTP/1.1 400 Bad Request"},
		{"imap_banner", `
S: * OK IMAP4rev1 Service Ready
`, 0, ControlNotFTP, "", "* OK IMAP4rev1 Service Ready"},
		// 120 and then nothing: the summary says so, and no TLS probe is
		// made on a port that spoke FTP.
		{"120_then_silent", `
S: 120 Service ready in 5 minutes.
`, 300 * time.Millisecond, ControlNoGreeting, "", ""},
		// The port accepts and says nothing: the greeting's deadline ends
		// the wait; the TLS probe on a second connection is the extra.
		{"silent_port", "", 300 * time.Millisecond, ControlNoGreeting, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := newReplayPeer(t)
			got := p.run(tt.conversation, StageControl, func(c *Config, _ *Env) {
				if tt.timeout > 0 {
					c.Timeout = tt.timeout
				}
			})
			p.expectSent(got, tt.conversation)
			r := expectCode(t, got, StageControl, tt.code)
			if want := "127.0.0.1:" + strconv.Itoa(p.ports["control"]); r.Evidence.Remote != want {
				t.Errorf("evidence remote %q, want %q", r.Evidence.Remote, want)
			}
			if b := got.session.Server.Info().Banner; tt.banner != "" && b != tt.banner {
				t.Errorf("banner %q, want %q", b, tt.banner)
			}
			if r.Evidence.OtherService != tt.serverText || r.Evidence.ServerError != "" {
				t.Errorf("other service %q, server error %q; want %q and none", r.Evidence.OtherService, r.Evidence.ServerError, tt.serverText)
			}
			greeted := got.session.hasControl()
			if greeted != (tt.banner != "") {
				t.Errorf("the session kept a control connection: %v", greeted)
			}
			if tt.name == "silent_port" && (len(got.extras) != 1 || got.extras[0] != "\x16\x03") {
				t.Errorf("further connections began with %q, want one TLS handshake", got.extras)
			}
			if tt.name == "120_then_silent" && (!strings.Contains(r.Summary, "120") || strings.Contains(r.Summary, "TLS")) {
				t.Errorf("summary %q, want the 120 and no TLS probe", r.Summary)
			}
		})
	}
}

// TestControlRefused dials a port nothing listens on: no bytes can go out,
// and the evidence names the address.
func TestControlRefused(t *testing.T) {
	p := newReplayPeer(t)
	dead := p.ports["dead"]
	got := p.run("", StageControl, func(c *Config, _ *Env) { c.Target.Port = dead })
	r := expectCode(t, got, StageControl, ControlRefused)
	if want := "127.0.0.1:" + strconv.Itoa(dead); r.Evidence.Remote != want || r.Evidence.Error != "connection refused" {
		t.Errorf("evidence remote %q error %q, want %q refused", r.Evidence.Remote, r.Evidence.Error, want)
	}
	if got.sent != "" {
		t.Errorf("the peer's control port got %q", got.sent)
	}
}
