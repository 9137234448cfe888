package probes

import (
	"context"
	"fmt"
	"net"
	"strconv"
)

// helperSuspect are the passive codes a NAT helper blind to TLS explains:
// the server advertises its private address, or its data ports are not
// forwarded, when the helper cannot read the PASV reply.
var helperSuspect = map[Code]bool{
	PassivePrivateAddress: true, PassiveUnroutable: true, PassiveDataTimeout: true, PassiveDataRefused: true,
}

// natHelper looks at a passive stage that failed under TLS for the mark of
// a NAT helper (Linux nf_conntrack_ftp, a router's FTP ALG, Windows
// Firewall's stateful FTP): such a helper forwards a data port only when it
// reads the 227 reply, which TLS hides from it. Once TLS worked, nothing
// of the run goes in clear text: from what TLS shows the helper is named as
// a hypothesis (passive.nat_helper_suspected). Only --compare-plain
// confirms it, by one more login in plain text (passive.nat_helper). A
// listing that arrived never gets here.
func (s *Session) natHelper(ctx context.Context, r Result) Result {
	if s.ComparePlain {
		a := s.plainPASV(ctx)
		switch a.Status {
		case StatusPass:
			r.Evidence.Attempts = append(r.Evidence.Attempts, a)
			return r.with(r.Status, PassiveNATHelper, "%s; in plain text (--compare-plain) PASV advertised %s and its data port answered: a NAT helper on the way rewrites plain FTP only, and TLS hides the PASV reply from it", r.Summary, a.Advertised)
		case StatusFail:
			r.Evidence.Attempts = append(r.Evidence.Attempts, a)
			return r.with(r.Status, r.Code, "%s; in plain text (--compare-plain) passive mode failed too: no NAT helper serves the server", r.Summary)
		}
	}
	if why, ok := helperHypothesis(r, s.Server.Peer); ok {
		return r.with(r.Status, PassiveNATHelperSuspected, "%s; %s: a NAT helper that forwards data ports by reading plain-text PASV replies, which TLS hides, is the likely cause (--compare-plain confirms it, sending the password in clear text once)", r.Summary, why)
	}
	return r
}

// helperHypothesis reads the mark of a NAT helper in the TLS attempts: the
// server is behind NAT, as PASV names a private address of its own that
// is not reached from here while the control connection reached the
// server at the peer's address (its control port is forwarded); and the
// data port at the peer's address, the same host the control connection
// reaches, did not answer.
func helperHypothesis(r Result, peer *net.TCPAddr) (string, bool) {
	if peer == nil {
		return "", false
	}
	for _, a := range r.Evidence.Attempts {
		if a.Command != "PASV" || len(a.Dials) < 2 {
			continue
		}
		adv, back := a.Dials[0], a.Dials[len(a.Dials)-1]
		host, _, err := net.SplitHostPort(adv.Address)
		ip := net.ParseIP(host)
		if err != nil || ip == nil || ip.Equal(peer.IP) || KindOf(ip) != AddrPrivate {
			continue
		}
		if adv.Outcome == PortOpen || adv.Outcome == PortClosed || back.Why != "control_peer" || back.Outcome == PortOpen {
			continue
		}
		return fmt.Sprintf("the server advertises its own private address %s while this connection reached it at %s (a forwarded control port), and the data port at %s was %s", host, peer, back.Address, back.Outcome), true
	}
	return "", false
}

// plainPASV asks PASV in plain text on a new control connection and
// connects to the data port it names: the one login in clear text, made
// only with --compare-plain. A NAT helper rewrites a plain 227 reply and
// opens its port; under TLS it cannot. The attempt passes when the plain
// data port answered, fails when it did not, and has no status when the
// comparison did not get as far as PASV.
func (s *Session) plainPASV(ctx context.Context) Attempt {
	a := Attempt{Command: "PASV (plain text)"}
	start := s.Now()
	c, _, err := s.dialControl(ctx, s.Server.Peer.String())
	if err != nil {
		return a
	}
	defer c.quit(ctx)
	if g, _, err := c.Read(ctx, s.Timeout, ""); err != nil || g.Code != ReplyReady {
		return a
	}
	reply, _, err := c.Cmd(ctx, s.Timeout, "USER %s", s.loginName())
	if err == nil && reply.Code == ReplyNeedPassword {
		reply, _, err = c.Cmd(ctx, s.passWait(), "PASS %s", s.loginPassword())
	}
	if err != nil || (reply.Code != ReplyLoggedIn && reply.Code != ReplyLoggedInAuth) {
		return a
	}
	reply, a.Reply, err = c.Cmd(ctx, s.Timeout, "PASV")
	if err != nil || reply.Code != ReplyPassive {
		return a
	}
	ip, port, err := ParsePASV(reply.Text())
	if err != nil {
		return a
	}
	a.Advertised = net.JoinHostPort(ip.String(), strconv.Itoa(port))
	dc, d := s.dialData(ctx, Dial{Address: a.Advertised, Why: "advertised"})
	a.Dials = []Dial{d}
	if dc == nil {
		code := PassiveDataTimeout
		if d.Outcome == PortClosed {
			code = PassiveDataRefused
		}
		a.finish(start, s.Now, StatusFail, code)
		return a
	}
	dc.Close()
	a.finish(start, s.Now, StatusPass, PassiveOK)
	return a
}
