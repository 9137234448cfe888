package probes

import (
	"errors"
	"net"
	"strings"
	"testing"
	"time"
)

// connected is a LIST that the server answers by connecting back to the
// address of the client's last PORT or EPRT.
const connected = `
C: LIST
connect
S: 150 Here comes the directory listing.
data: ` + listing + `
S: 226 Directory send OK.
`

// TestActiveReplay replays EPRT and PORT after a login and checks the
// code, the evidence of each attempt and what the client sent: the
// address of the listener it opened, LIST only after a 200, nothing after
// a reply that never came.
func TestActiveReplay(t *testing.T) {
	tests := []struct {
		name         string
		conversation string
		timeout      time.Duration // the step timeout; zero for the default
		noListen     bool          // the session cannot open a listener
		code         Code
		check        func(t *testing.T, r Result, p *replayPeer)
	}{
		{"eprt_and_port_ok", loggedIn + `
C: EPRT |1|127.0.0.1|{port1}|
S: 200 EPRT command successful. Consider using EPSV.
` + connected + `
C: PORT 127,0,0,1,{port2,}
S: 200 PORT command successful. Consider using PASV.
` + connected + `
C: QUIT
`, 0, false, ActiveOK, func(t *testing.T, r Result, p *replayPeer) {
			for cmd, port := range map[string]string{"EPRT": "{port1}", "PORT": "{port2}"} {
				a := attempt(t, r, cmd)
				from, _, _ := net.SplitHostPort(a.ConnectFrom)
				if a.Code != ActiveOK || a.Sent != p.expand("127.0.0.1:"+port) || from != "127.0.0.1" || a.Bytes != int64(len(listing)+2) {
					t.Errorf("%s: %s sent %s, connected from %q, %d bytes", cmd, a.Code, a.Sent, a.ConnectFrom, a.Bytes)
				}
			}
		}},
		// Each attempt opens its own listener: PORT names the second.
		{"eprt_refused_then_port", loggedIn + `
C: EPRT |1|127.0.0.1|{port1}|
S: 500 Unknown command.
C: PORT 127,0,0,1,{port2,}
S: 200 PORT command successful. Consider using PASV.
` + connected + `
C: QUIT
`, 0, false, ActiveOK, func(t *testing.T, r Result, _ *replayPeer) {
			if a := attempt(t, r, "EPRT"); a.Code != ActiveEPRTRefused {
				t.Errorf("EPRT: %s, want %s", a.Code, ActiveEPRTRefused)
			}
		}},
		{"port_illegal", loggedIn + `
C: EPRT |1|127.0.0.1|{port1}|
S: 500 Illegal EPRT command.
C: PORT 127,0,0,1,{port2,}
S: 500 Illegal PORT command.
C: QUIT
`, 0, false, ActiveCommandRefused, func(t *testing.T, r Result, _ *replayPeer) {
			if a := attempt(t, r, "PORT"); a.Reason != ReasonForeignAddress {
				t.Errorf("PORT reason %q, want %q", a.Reason, ReasonForeignAddress)
			}
		}},
		{"502_not_implemented", loggedIn + `
C: EPRT |1|127.0.0.1|{port1}|
S: 502 Command not implemented.
C: PORT 127,0,0,1,{port2,}
S: 502 Command not implemented.
C: QUIT
`, 0, false, ActiveDisabled, nil},
		{"550_permission_denied", loggedIn + `
C: EPRT |1|127.0.0.1|{port1}|
S: 550 Permission denied.
C: PORT 127,0,0,1,{port2,}
S: 550 Permission denied.
C: QUIT
`, 0, false, ActiveDisabled, nil},
		// The server accepts EPRT and never connects nor answers LIST: the
		// reply may still come, so neither PORT nor QUIT goes out.
		{"server_never_connects", loggedIn + `
C: EPRT |1|127.0.0.1|{port1}|
S: 200 EPRT command successful. Consider using EPSV.
C: LIST
`, 300 * time.Millisecond, false, ActiveNoConnect, func(t *testing.T, r Result, _ *replayPeer) {
			if a := attempt(t, r, "PORT"); a.Status != StatusSkip || !strings.HasPrefix(a.Reply.Error, "not sent") {
				t.Errorf("PORT after a reply still owed: %s %s %q", a.Status, a.Code, a.Reply.Error)
			}
		}},
		// The control connection closes where a reply is due: not a
		// timeout, nor a server still trying to connect.
		{"closed_at_eprt", loggedIn + `
C: EPRT |1|127.0.0.1|{port1}|
close
`, 0, false, ActiveControlClosed, nil},
		{"closed_at_list", loggedIn + `
C: EPRT |1|127.0.0.1|{port1}|
S: 200 EPRT command successful. Consider using EPSV.
C: LIST
close
`, 0, false, ActiveControlClosed, nil},
		{"425_cannot_connect", loggedIn + `
C: EPRT |1|127.0.0.1|{port1}|
S: 200 EPRT command successful. Consider using EPSV.
C: LIST
S: 425 Failed to establish connection.
C: PORT 127,0,0,1,{port2,}
S: 200 PORT command successful. Consider using PASV.
C: LIST
S: 425 Failed to establish connection.
C: QUIT
`, 0, false, ActiveNoConnect, nil},
		{"list_denied", loggedIn + `
C: EPRT |1|127.0.0.1|{port1}|
S: 200 EPRT command successful. Consider using EPSV.
C: LIST
S: 550 Failed to open directory.
C: PORT 127,0,0,1,{port2,}
S: 200 PORT command successful. Consider using PASV.
C: LIST
S: 550 Failed to open directory.
C: QUIT
`, 0, false, ActiveListDenied, nil},
		// Without a listener there is nothing to name: no command goes out.
		{"listen_failed", loggedIn + `
C: QUIT
`, 0, true, ActiveListenFailed, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := newReplayPeer(t)
			got := p.run(tt.conversation, StageActive, func(c *Config, e *Env) {
				if tt.timeout > 0 {
					c.Timeout = tt.timeout
				}
				if tt.noListen {
					e.Listen = func(string, string) (net.Listener, error) { return nil, errors.New("address already in use") }
				}
			})
			p.expectSent(got, tt.conversation)
			r := expectCode(t, got, StageActive, tt.code)
			expectCode(t, got, StageLogin, LoginOK)
			expectNoPassword(t, got)
			if tt.check != nil {
				tt.check(t, r, p)
			}
		})
	}
}
