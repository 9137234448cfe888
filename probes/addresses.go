package probes

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"syscall"
)

// dialed is the outcome of the control connect to one resolved address.
type dialed struct {
	index    int         // position in s.Server.Addrs
	conn     net.Conn    // the connection, nil on failure
	err      error       // why the connect failed
	dial     Dial        // the evidence of this connect
	liveness []PortCheck // other ports of that host, tried when the connect failed
}

// dialAny connects to every resolved address at once and returns the first
// that accepts; the caller then finishes the stage and calls wait, which
// collects the other addresses' outcomes (each bounded by the timeout) and
// closes their connections. When every address fails, first is the
// failure of the preferred address and wait returns the others.
func (s *Session) dialAny(ctx context.Context) (first dialed, wait func() []dialed) {
	results := make(chan dialed, len(s.Server.Addrs))
	for i, ip := range s.Server.Addrs {
		go func() {
			addr := net.JoinHostPort(ip.String(), strconv.Itoa(s.Target.Port))
			start := s.Now()
			c, live, err := s.dialWithLiveness(ctx, ip, addr)
			d := Dial{Address: addr, Why: "resolved", Outcome: PortOpen, Elapsed: s.Now().Sub(start)}
			d.ElapsedMS = ms(d.Elapsed)
			if err != nil {
				d.Outcome, d.Error = portState(err), describe(err)
			}
			results <- dialed{index: i, conn: c, err: err, dial: d, liveness: live}
		}()
	}
	var failed []dialed
	for range s.Server.Addrs {
		d := <-results
		if d.err == nil {
			remaining := len(s.Server.Addrs) - len(failed) - 1
			return d, func() []dialed { return collect(results, remaining, failed) }
		}
		failed = append(failed, d)
	}
	preferred := 0
	for i, d := range failed {
		if d.index < failed[preferred].index {
			preferred = i
		}
	}
	first = failed[preferred]
	others := append(failed[:preferred:preferred], failed[preferred+1:]...)
	return first, func() []dialed { return others }
}

// collect waits for n more outcomes and closes any connection among them.
func collect(results chan dialed, n int, failed []dialed) []dialed {
	out := append([]dialed(nil), failed...)
	for ; n > 0; n-- {
		d := <-results
		if d.conn != nil {
			d.conn.Close()
		}
		out = append(out, d)
	}
	return out
}

// judgeOtherAddresses records the other resolved addresses in r and warns
// when one of them has no working FTP port: users whose client picks that
// address fail. An address of a family this machine has no route for
// (ENETUNREACH, typically IPv6 on an IPv4-only network) says nothing about
// the server and is only recorded.
func judgeOtherAddresses(r Result, others []dialed) Result {
	var bad []string
	for _, d := range others {
		r.Evidence.Tried = append(r.Evidence.Tried, d.dial)
		if d.err != nil && !errors.Is(d.err, syscall.ENETUNREACH) {
			bad = append(bad, fmt.Sprintf("%s %s", d.dial.Address, d.dial.Outcome))
		}
	}
	if len(bad) == 0 || r.Status != StatusPass {
		return r
	}
	r.Status, r.Code = StatusWarn, ControlAddressFailed
	r.Summary += fmt.Sprintf("; but the name's other address %s: clients that pick it fail", strings.Join(bad, ", "))
	return r
}
