package probes

import (
	"context"
	"fmt"
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
// A port a passive data connection of the run already reached is not
// dialled again: that connection is the proof, and a second connect would
// cost a round trip to learn the same.
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
	r.Evidence.Ports = s.checkUnreached(ctx, addrs)
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
	seen := 0
	for _, p := range r.Evidence.Ports {
		if p.Seen == SeenDataConnection {
			seen++
		}
	}
	how := ""
	if seen > 0 {
		how = fmt.Sprintf("; %d of them reached by the passive data connections, not dialled again", seen)
	}
	return r.with(StatusPass, FirewallOpen, "%d passive %s reachable from here (open or refused, not dropped)%s", len(addrs), noun, how)
}

// checkUnreached returns a port check per address, in order: for a port a
// passive data connection reached, that connection; for the others, a bare
// connect, all side by side.
func (s *Session) checkUnreached(ctx context.Context, addrs []string) []PortCheck {
	out := make([]PortCheck, len(addrs))
	var dial []string
	for i, a := range addrs {
		if d, ok := s.Server.reachedBy(a); ok {
			out[i] = PortCheck{Address: a, State: PortOpen, Elapsed: d.Elapsed, ElapsedMS: ms(d.Elapsed), Seen: SeenDataConnection}
		} else {
			dial = append(dial, a)
		}
	}
	checked := CheckPorts(ctx, s.Dialer, dial, s.Timeout, s.Now)
	for i := range out {
		if out[i].Address == "" {
			out[i], checked = checked[0], checked[1:]
		}
	}
	return out
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
