package probes

import (
	"fmt"
	"net"
	"strings"
)

// DialNotAllowed is the outcome of a data connection that was not
// attempted: its address is outside what the run may connect to
// (Env.AllowData, serve's --allow).
const DialNotAllowed = "not_allowed"

// dataAllowed reports whether a data connection to addr may be attempted:
// always to the control connection's peer (the run reached it already),
// elsewhere only where Env.AllowData permits. A 227 reply names any
// address it likes; without this an allowed server could make the check
// connect to any host.
func (s *Session) dataAllowed(addr string) bool {
	if s.AllowData == nil {
		return true
	}
	host, _, err := net.SplitHostPort(addr)
	ip := net.ParseIP(host)
	if err != nil || ip == nil {
		return false
	}
	if s.Server.Peer != nil && ip.Equal(s.Server.Peer.IP) {
		return true
	}
	return s.AllowData(ip)
}

// notAllowedNote says which advertised addresses were not connected to,
// for the stage's summary; empty when every one was.
func notAllowedNote(attempts []Attempt) string {
	var out []string
	for _, a := range attempts {
		for _, d := range a.Dials {
			if d.Outcome == DialNotAllowed {
				out = append(out, fmt.Sprintf("%s advertised %s", a.Command, d.Address))
			}
		}
	}
	if len(out) == 0 {
		return ""
	}
	return "; " + strings.Join(out, ", ") + ", which --allow does not cover: not connected to"
}
