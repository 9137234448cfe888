package probes

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ftpdoctor/ftpdoctor/fixtures"
)

// TestFirewallReplay replays the passive listings of a login and checks
// which ports the firewall stage then connected to, and what it made of
// them: a refusal passes (the firewall let the SYN through), a drop fails.
// The stage speaks no FTP: the control connection carries passive's
// commands alone.
func TestFirewallReplay(t *testing.T) {
	// epsv and pasv advertise a named port; list follows when the
	// listing arrives there.
	epsv := func(port, list string) string {
		return "C: EPSV\nS: 229 Entering Extended Passive Mode (|||{" + port + "}|)\n" + list
	}
	pasv := func(port, list string) string {
		return "C: PASV\nS: 227 Entering Passive Mode (127,0,0,1,{" + port + ",}).\n" + list
	}
	tests := []struct {
		name         string
		conversation string
		timeout      time.Duration // the step timeout; zero for the default
		dropped      bool          // the dead port drops SYNs instead of refusing them
		declared     bool          // --passive-range from the dead port to port1
		code         Code
		ports        map[string]string // address -> state, placeholders expanded
	}{
		{"advertised_port_open", loggedIn + epsv("data", listed) + pasv("data", listed) + "C: QUIT\n",
			0, false, false, FirewallOpen, map[string]string{"127.0.0.1:{data}": PortOpen}},
		{"advertised_port_refused", loggedIn + epsv("dead", "") + pasv("dead", "") + "C: QUIT\n",
			0, false, false, FirewallOpen, map[string]string{"127.0.0.1:{dead}": PortClosed}},
		{"advertised_port_dropped", loggedIn + epsv("dead", "") + pasv("dead", "") + "C: QUIT\n",
			300 * time.Millisecond, true, false, FirewallFiltered, map[string]string{"127.0.0.1:{dead}": PortFiltered}},
		// The 227 names a private address: the firewall stage checks the
		// port at the control connection's peer, never that address.
		{"private_address_checked_at_peer", loggedIn + `
C: EPSV
S: 500 Unknown command.
C: PASV
S: 227 Entering Passive Mode (10,0,0,5,{data,}).
` + listed + "C: QUIT\n",
			300 * time.Millisecond, false, false, FirewallOpen, map[string]string{"127.0.0.1:{data}": PortOpen}},
		{"declared_range_ends_checked", loggedIn + epsv("data", listed) + pasv("data", listed) + "C: QUIT\n",
			0, false, true, FirewallOpen, map[string]string{"127.0.0.1:{data}": PortOpen, "127.0.0.1:{dead}": PortClosed, "127.0.0.1:{port1}": PortOpen}},
		{"no_port_advertised", loggedIn + `
C: EPSV
S: 500 Unknown command.
C: PASV
S: 500 Unknown command.
C: QUIT
`, 0, false, true, CodeSkipped, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := newReplayPeer(t)
			dialer := &fixtures.Dialer{}
			got := p.run(tt.conversation, StageFirewall, func(c *Config, e *Env) {
				if tt.timeout > 0 {
					c.Timeout = tt.timeout
				}
				if tt.dropped {
					dialer.BlackHole = []string{p.expand("127.0.0.1:{dead}")}
				}
				if tt.declared {
					low, high := p.ports["dead"], p.ports["port1"]
					c.PassiveRange = &PortRange{Low: min(low, high), High: max(low, high)}
				}
				e.Dialer = dialer
			})
			p.expectSent(got, tt.conversation)
			r := expectCode(t, got, StageFirewall, tt.code)
			expectCode(t, got, StageLogin, LoginOK)
			expectNoPassword(t, got)
			want := map[string]string{}
			for addr, state := range tt.ports {
				want[p.expand(addr)] = state
			}
			seen := map[string]string{}
			for _, pc := range r.Evidence.Ports {
				seen[pc.Address] = pc.State
				// A port a passive listing reached is that listing's proof:
				// the stage dials it no more (passive dialled it once per
				// command, EPSV and PASV), and says so.
				reached := pc.Address == p.expand("127.0.0.1:{data}") && strings.Contains(tt.conversation, listed)
				if byData := pc.Seen == SeenDataConnection; byData != reached {
					t.Errorf("%s seen %q, want data_connection only for the port a listing reached", pc.Address, pc.Seen)
				}
				dials := len(slices.DeleteFunc(dialer.Dials(), func(a string) bool { return a != pc.Address }))
				if wantDials := strings.Count(tt.conversation, "{data"); reached && dials != wantDials {
					t.Errorf("%d connects to %s, want %d: passive's alone", dials, pc.Address, wantDials)
				}
			}
			if !maps.Equal(seen, want) {
				t.Errorf("firewall checked %v, want %v", seen, want)
			}
			// The firewall stage alone adds its checks after passive's
			// dials: only passive's dial went to 10.0.0.5.
			if n := len(slices.DeleteFunc(dialer.Dials(), func(a string) bool { return a != p.expand("10.0.0.5:{data}") })); n > 1 {
				t.Errorf("%d dials to the advertised private address, want passive's one", n)
			}
		})
	}
}
