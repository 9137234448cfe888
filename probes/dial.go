package probes

import (
	"context"
	"errors"
	"net"
	"strconv"
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

// livenessPorts are tried when the control connect fails, to tell "host
// down" from "port blocked": a connection or a refusal on any of them
// proves the host is up.
var livenessPorts = []int{21, 22, 80, 443}

// dialWithLiveness dials addr; if the connect is still pending after half
// the timeout (at most one second), it checks the liveness ports of the same
// host in parallel, all within the connect's own deadline. A connect that
// fails fast as unreachable gets the same checks afterwards.
func (s *Session) dialWithLiveness(ctx context.Context, ip net.IP, addr string) (net.Conn, []PortCheck, error) {
	ctx, cancel := context.WithTimeout(ctx, s.Timeout)
	defer cancel()
	type dialed struct {
		c   net.Conn
		err error
	}
	done := make(chan dialed, 1)
	go func() {
		c, err := s.Dialer.DialContext(ctx, "tcp", addr)
		done <- dialed{c, err}
	}()
	wait := min(s.Timeout/2, time.Second)
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case d := <-done:
		switch Classify(d.err) {
		case KindTimeout, KindUnreachable:
			// An ICMP unreachable may come from a firewall's reject rule
			// (firewalld's default) as well as from a dead host.
			return d.c, s.liveness(ctx, ip), d.err
		}
		return d.c, nil, d.err
	case <-timer.C:
	}
	live := make(chan []PortCheck, 1)
	go func() { live <- s.liveness(ctx, ip) }()
	d := <-done
	checks := <-live
	if d.err == nil {
		return d.c, nil, nil
	}
	return nil, checks, d.err
}

// liveness checks the other common ports of the host until ctx ends.
func (s *Session) liveness(ctx context.Context, ip net.IP) []PortCheck {
	var addrs []string
	for _, p := range livenessPorts {
		if p != s.Target.Port {
			addrs = append(addrs, net.JoinHostPort(ip.String(), strconv.Itoa(p)))
		}
	}
	deadline, _ := ctx.Deadline()
	return CheckPorts(ctx, s.Dialer, addrs, time.Until(deadline), s.Now)
}

// hostAnswered reports whether any liveness check got an answer.
func hostAnswered(checks []PortCheck) (string, bool) {
	for _, c := range checks {
		if c.State == PortOpen || c.State == PortClosed {
			return c.Address + " " + c.State, true
		}
	}
	return "", false
}

// newControl wraps a connected socket as a control connection of the
// session: its exchanges go to the session's transcript, and the password
// is masked should the server echo it.
func (s *Session) newControl(nc net.Conn) *Conn {
	c := NewConn(nc, s.Now, s.transcript.add)
	c.secret = s.Account.Password.Reveal()
	return c
}

// dialControl opens one more control connection to addr within the
// timeout.
func (s *Session) dialControl(ctx context.Context, addr string) (*Conn, PortCheck, error) {
	nc, pc := connect(ctx, s.Dialer, addr, s.Timeout, s.Now)
	if nc == nil {
		return nil, pc, errNoConnection
	}
	return s.newControl(nc), pc, nil
}

// errNoConnection stands for a failed connect whose outcome is in its
// PortCheck.
var errNoConnection = errors.New("no connection")
