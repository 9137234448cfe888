package probes

import (
	"testing"
	"time"

	"github.com/ftpdoctor/ftpdoctor/fixtures"
)

// listing is the one-line listing the replayed servers send.
const listing = "-rw-r--r--    1 ftp      ftp             3 Jan 01 00:00 a.txt"

// listed is a LIST that the server answers over the data connection.
const listed = `
C: LIST
S: 150 Here comes the directory listing.
data: ` + listing + `
S: 226 Directory send OK.
`

// TestPassiveReplay replays EPSV and PASV after a login and checks the
// code, the evidence of each attempt and what the client sent: LIST only
// once a data connection is open, nothing after a reply that never came.
func TestPassiveReplay(t *testing.T) {
	tests := []struct {
		name         string
		conversation string
		timeout      time.Duration // the step timeout; zero for the default
		dropped      bool          // the dead port drops SYNs instead of refusing them
		code         Code
		check        func(t *testing.T, r Result, p *replayPeer)
	}{
		{"epsv_and_pasv_ok", loggedIn + `
C: EPSV
S: 229 Entering Extended Passive Mode (|||{data}|)
` + listed + `
C: PASV
S: 227 Entering Passive Mode (127,0,0,1,{data,}).
` + listed + `
C: QUIT
`, 0, false, PassiveOK, func(t *testing.T, r Result, p *replayPeer) {
			for _, cmd := range []string{"EPSV", "PASV"} {
				a := attempt(t, r, cmd)
				want := p.expand("127.0.0.1:{data}")
				if a.Code != PassiveOK || a.Status != StatusPass || a.Advertised != want || a.Bytes != int64(len(listing)+2) || a.List.Code != 226 {
					t.Errorf("%s: %s %q advertised %s, %d bytes, final %d; want %s and the listing", cmd, a.Status, a.Code, a.Advertised, a.Bytes, a.List.Code, want)
				}
			}
		}},
		// NAT: the 227 names a private address, which is dropped here;
		// the control connection's peer at the same port answers.
		{"pasv_private_address", loggedIn + `
C: EPSV
S: 229 Entering Extended Passive Mode (|||{data}|)
` + listed + `
C: PASV
S: 227 Entering Passive Mode (10,0,0,5,{data,}).
` + listed + `
C: QUIT
`, 300 * time.Millisecond, false, PassivePrivateAddress, func(t *testing.T, r Result, p *replayPeer) {
			a := attempt(t, r, "PASV")
			want := []Dial{{Address: p.expand("10.0.0.5:{data}"), Why: "advertised", Outcome: PortFiltered},
				{Address: p.expand("127.0.0.1:{data}"), Why: "control_peer", Outcome: PortOpen}}
			if a.Code != PassivePrivateAddress || len(a.Dials) != 2 || !sameDial(a.Dials[0], want[0]) || !sameDial(a.Dials[1], want[1]) {
				t.Errorf("PASV %s dials %+v, want %+v", a.Code, a.Dials, want)
			}
		}},
		{"epsv_refused_then_pasv", loggedIn + `
C: EPSV
S: 500 Unknown command.
C: PASV
S: 227 Entering Passive Mode (127,0,0,1,{data,}).
` + listed + `
C: QUIT
`, 0, false, PassiveOK, func(t *testing.T, r Result, _ *replayPeer) {
			if a := attempt(t, r, "EPSV"); a.Code != PassiveEPSVRefused || a.Reply.Code != 500 {
				t.Errorf("EPSV %s, reply %d", a.Code, a.Reply.Code)
			}
		}},
		{"epsv_and_pasv_refused", loggedIn + `
C: EPSV
S: 500 Unknown command.
C: PASV
S: 502 PASV not implemented.
C: QUIT
`, 0, false, PassiveRefused, nil},
		{"ports_busy", loggedIn + `
C: EPSV
S: 425 All reserved TCP ports are busy now, try again later.
C: PASV
S: 425 All reserved TCP ports are busy now, try again later.
C: QUIT
`, 0, false, PassivePortsBusy, nil},
		{"bad_227", loggedIn + `
C: EPSV
S: 500 Unknown command.
C: PASV
S: 227 Entering Passive Mode (somewhere).
C: QUIT
`, 0, false, PassiveBadReply, nil},
		// The advertised port refuses: LIST is never sent.
		{"data_port_refused", loggedIn + `
C: EPSV
S: 229 Entering Extended Passive Mode (|||{dead}|)
C: PASV
S: 227 Entering Passive Mode (127,0,0,1,{dead,}).
C: QUIT
`, 0, false, PassiveDataRefused, func(t *testing.T, r Result, p *replayPeer) {
			if d := attempt(t, r, "EPSV").Dials; len(d) != 1 || d[0].Address != p.expand("127.0.0.1:{dead}") || d[0].Outcome != PortClosed {
				t.Errorf("EPSV dials %+v, want one refused", d)
			}
		}},
		{"data_port_dropped", loggedIn + `
C: EPSV
S: 229 Entering Extended Passive Mode (|||{dead}|)
C: PASV
S: 227 Entering Passive Mode (127,0,0,1,{dead,}).
C: QUIT
`, 300 * time.Millisecond, true, PassiveDataTimeout, func(t *testing.T, r Result, _ *replayPeer) {
			if d := attempt(t, r, "PASV").Dials; len(d) != 1 || d[0].Outcome != PortFiltered {
				t.Errorf("PASV dials %+v, want one filtered", d)
			}
		}},
		{"list_425", loggedIn + `
C: EPSV
S: 229 Entering Extended Passive Mode (|||{data}|)
C: LIST
S: 425 Failed to establish connection.
C: PASV
S: 227 Entering Passive Mode (127,0,0,1,{data,}).
C: LIST
S: 425 Failed to establish connection.
C: QUIT
`, 0, false, PassiveTransferFailed, nil},
		// The control connection closes where a reply is due: not a
		// timeout, and nothing more is sent on it.
		{"closed_at_epsv", loggedIn + `
C: EPSV
close
`, 0, false, PassiveControlClosed, nil},
		{"closed_before_226", loggedIn + `
C: EPSV
S: 229 Entering Extended Passive Mode (|||{data}|)
C: LIST
S: 150 Here comes the directory listing.
data: ` + listing + `
close
`, 0, false, PassiveControlClosed, func(t *testing.T, r Result, _ *replayPeer) {
			if a := attempt(t, r, "EPSV"); a.Bytes != int64(len(listing)+2) || a.List.Error != "connection closed by the server" {
				t.Errorf("EPSV: %d bytes, final reply error %q", a.Bytes, a.List.Error)
			}
		}},
		// No reply to LIST within the step's deadline: the reply may still
		// come, so neither PASV nor QUIT goes out on that connection.
		{"no_reply_to_list", loggedIn + `
C: EPSV
S: 229 Entering Extended Passive Mode (|||{data}|)
C: LIST
`, 300 * time.Millisecond, false, PassiveListTimeout, func(t *testing.T, r Result, _ *replayPeer) {
			if a := attempt(t, r, "PASV"); a.Status != StatusSkip {
				t.Errorf("PASV after a reply still owed: %s %s", a.Status, a.Code)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := newReplayPeer(t)
			got := p.run(tt.conversation, StagePassive, func(c *Config, e *Env) {
				if tt.timeout > 0 {
					c.Timeout = tt.timeout
				}
				if tt.dropped {
					e.Dialer = &fixtures.Dialer{BlackHole: []string{p.expand("127.0.0.1:{dead}")}}
				}
			})
			p.expectSent(got, tt.conversation)
			r := expectCode(t, got, StagePassive, tt.code)
			expectCode(t, got, StageLogin, LoginOK)
			expectNoPassword(t, got)
			if tt.check != nil {
				tt.check(t, r, p)
			}
		})
	}
}

// sameDial compares the address, role and outcome of two dials.
func sameDial(a, b Dial) bool {
	return a.Address == b.Address && a.Why == b.Why && a.Outcome == b.Outcome
}
