package probes

import (
	"context"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Port states of a bare TCP connect.
const (
	PortOpen        = "open"        // something accepted the connection
	PortClosed      = "closed"      // refused: the host (and any firewall) let the SYN through
	PortFiltered    = "filtered"    // no answer before the deadline: dropped on the way
	PortUnreachable = "unreachable" // no route or an ICMP unreachable
	PortError       = "error"       // any other failure
)

// CheckPort makes one TCP connect to addr and closes it at once.
func CheckPort(ctx context.Context, d Dialer, addr string, timeout time.Duration, now func() time.Time) PortCheck {
	c, pc := connect(ctx, d, addr, timeout, now)
	if c != nil {
		c.Close()
	}
	return pc
}

// connect dials addr within timeout and describes the outcome; the
// connection is nil unless the port is open.
func connect(ctx context.Context, d Dialer, addr string, timeout time.Duration, now func() time.Time) (net.Conn, PortCheck) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	start := now()
	c, err := d.DialContext(ctx, "tcp", addr)
	pc := PortCheck{Address: addr, State: PortOpen, Elapsed: now().Sub(start)}
	pc.ElapsedMS = ms(pc.Elapsed)
	if err != nil {
		pc.State, pc.Error = portState(err), describe(err)
	}
	return c, pc
}

// portState names the state of a port from a failed connect.
func portState(err error) string {
	switch Classify(err) {
	case KindRefused, KindClosed:
		// A reset during the handshake is an answer too: the port is
		// reachable, as with a refusal.
		return PortClosed
	case KindTimeout, KindCanceled:
		return PortFiltered
	case KindUnreachable:
		return PortUnreachable
	}
	return PortError
}

// CheckPorts checks every address in parallel and returns the checks in the
// order of addrs.
func CheckPorts(ctx context.Context, d Dialer, addrs []string, timeout time.Duration, now func() time.Time) []PortCheck {
	out := make([]PortCheck, len(addrs))
	var wg sync.WaitGroup
	for i, a := range addrs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = CheckPort(ctx, d, a, timeout, now)
		}()
	}
	wg.Wait()
	return out
}

// Firewall checks, with bare TCP connects independent of any transfer, the
// passive ports the server advertised and the ends of the declared passive
// range. A refusal means the firewall lets the port through (nothing
// listens there any more); a timeout means it is dropped.
func Firewall(ctx context.Context, s *Session) Result {
	r := Result{Stage: StageFirewall}
	addrs := s.firewallTargets()
	if len(addrs) == 0 {
		return Skipped(StageFirewall, "no passive port was advertised")
	}
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
	if s.Control != nil {
		peer = s.Control.RemoteAddr().IP.String()
	}
	for _, a := range s.Advertised {
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
