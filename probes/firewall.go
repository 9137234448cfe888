package probes

import (
	"context"
	"net"
	"slices"
	"strconv"
	"strings"
)

// StageFirewall is the firewall stage's name.
const StageFirewall StageID = "firewall"

// firewallStage checks, with bare TCP connects independent of any
// transfer, the passive ports the server advertised and the ends of the
// declared passive range. A refusal means the firewall lets the port
// through (nothing listens there any more); a timeout means it is dropped.
var firewallStage = Stage{
	ID: StageFirewall,
	Needs: []Need{needLogin, {After: StagePassive,
		Met: func(s *Session) bool { return len(s.firewallTargets()) > 0 }, Why: "no passive port was advertised"}},
	Run: Firewall,

	Family: FamilyPortOrFirewall,
}

// Firewall runs the firewall stage.
func Firewall(ctx context.Context, s *Session) Result {
	r := Result{Stage: StageFirewall}
	addrs := s.firewallTargets()
	r.Evidence.Ports = CheckPorts(ctx, s.Dialer, addrs, s.Timeout, s.Now)
	var filtered, other []string
	for _, p := range r.Evidence.Ports {
		switch p.State {
		case PortFiltered:
			filtered = append(filtered, p.Address)
		case PortUnreachable, PortError:
			other = append(other, p.Address+" "+p.State)
		}
	}
	switch {
	case len(filtered) > 0:
		return r.with(StatusFail, FirewallFiltered, "%s dropped: no answer within %s", strings.Join(filtered, ", "), human(s.Timeout))
	case len(other) > 0:
		return r.with(StatusWarn, FirewallError, "%s", strings.Join(other, ", "))
	}
	noun := "port"
	if len(addrs) > 1 {
		noun = "ports"
	}
	return r.with(StatusPass, FirewallOpen, "%d passive %s reachable from here (open or refused, not dropped)", len(addrs), noun)
}

// firewallTargets lists the distinct advertised passive ports at the
// control peer's address (an advertised address that differs is the passive
// stage's finding), plus the declared range's ends.
func (s *Session) firewallTargets() []string {
	seen := map[string]bool{}
	var out []string
	add := func(a string) {
		if a != "" && !seen[a] {
			seen[a] = true
			out = append(out, a)
		}
	}
	peer := ""
	if s.Server.Peer != nil {
		peer = s.Server.Peer.IP.String()
	}
	advertised := s.Server.Advertised()
	slices.Sort(advertised) // the attempts ran side by side: keep the report's order stable
	for _, a := range advertised {
		if _, port, err := net.SplitHostPort(a); err == nil && peer != "" {
			add(net.JoinHostPort(peer, port))
		}
	}
	if s.PassiveRange != nil && peer != "" && len(out) > 0 {
		add(net.JoinHostPort(peer, strconv.Itoa(s.PassiveRange.Low)))
		add(net.JoinHostPort(peer, strconv.Itoa(s.PassiveRange.High)))
	}
	return out
}
