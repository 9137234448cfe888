package probes

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"strconv"
	"strings"
	"time"
)

// Reply codes of the greeting (RFC 959 section 4.2).
const (
	codeReadySoon   = 120
	codeReady       = 220
	codeUnavailable = 421
)

// livenessPorts are tried when the control connect fails, to tell "host
// down" from "port blocked": a connection or a refusal on any of them
// proves the host is up.
var livenessPorts = []int{21, 22, 80, 443}

// Control opens the control connection, reads the greeting and asks FEAT.
// On success s.Control holds the connection.
func Control(ctx context.Context, s *Session) Result {
	r := Result{Stage: StageControl}
	first, others := s.dialAny(ctx)
	r.Evidence.Remote, r.Evidence.Liveness = first.dial.Address, first.liveness
	if first.err != nil {
		return judgeOtherAddresses(s.connectFailure(r, first.err), others())
	}
	r = s.greet(ctx, r, first.conn)
	return judgeOtherAddresses(r, others())
}

// greet reads the greeting on a new control connection and asks FEAT.
func (s *Session) greet(ctx context.Context, r Result, nc net.Conn) Result {
	r.Evidence.Local = nc.LocalAddr().String()
	c := NewConn(nc, s.Now, s.record(&r))
	c.secret = s.Password.Reveal()
	greeting, _, err := c.Read(ctx, s.Timeout, "")
	if err == nil && greeting.Code == codeReadySoon {
		greeting, _, err = c.Read(ctx, s.Timeout, "")
		if err == nil && greeting.Code == codeReady {
			s.Server.Banner = greeting.Text()
			s.Server.Detect(s.Server.Banner)
			s.Control = c
			s.feat(ctx, &r)
			return r.with(StatusWarn, ControlDelayedGreeting, "%s answered 120 (not ready) before 220: %s", r.Evidence.Remote, firstLine(greeting))
		}
	}
	if err != nil {
		c.Close()
		return s.greetingFailure(ctx, r, err)
	}
	s.Server.Banner = greeting.Text()
	s.Server.Detect(s.Server.Banner)
	switch greeting.Code {
	case codeReady:
		s.Control = c
		s.feat(ctx, &r)
		return r.with(StatusPass, ControlOK, "connected to %s and got %d %s", r.Evidence.Remote, greeting.Code, firstLine(greeting))
	case codeUnavailable:
		c.Close()
		return r.with(StatusFail, ControlUnavailable, "%s refused service: %d %s", r.Evidence.Remote, greeting.Code, firstLine(greeting))
	}
	c.Close()
	return r.with(StatusFail, ControlUnexpected, "%s greeted with %d %s instead of 220", r.Evidence.Remote, greeting.Code, firstLine(greeting))
}

// feat asks for the feature list (RFC 2389); a refusal is not an error.
func (s *Session) feat(ctx context.Context, r *Result) {
	if s.extra {
		return
	}
	reply, _, err := s.Control.Cmd(ctx, s.Timeout, "FEAT")
	if err != nil || reply.Code != 211 {
		return
	}
	for _, l := range reply.Lines[1 : len(reply.Lines)-1] {
		if f := strings.TrimSpace(l); f != "" {
			s.Server.Features = append(s.Server.Features, f)
		}
	}
}

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

func (s *Session) connectFailure(r Result, err error) Result {
	r.Evidence.Error = describe(err)
	switch Classify(err) {
	case KindRefused:
		return r.with(StatusFail, ControlRefused, "connection to %s refused: nothing listens on port %d", r.Evidence.Remote, s.Target.Port)
	case KindUnreachable:
		if seen, up := hostAnswered(r.Evidence.Liveness); up {
			return r.with(StatusFail, ControlRejected, "connect to %s was rejected (%s), but the host is up (%s): a firewall rejects port %d", r.Evidence.Remote, r.Evidence.Error, seen, s.Target.Port)
		}
		return r.with(StatusFail, ControlUnreachable, "%s is unreachable: %s", r.Evidence.Remote, r.Evidence.Error)
	case KindLocal:
		return r.with(StatusFail, ControlBlockedLocally, "this machine refused to connect to %s: %s", r.Evidence.Remote, r.Evidence.Error)
	case KindTimeout:
		if seen, up := hostAnswered(r.Evidence.Liveness); up {
			return r.with(StatusFail, ControlFiltered, "connect to %s timed out after %s, but the host is up (%s): port %d is filtered", r.Evidence.Remote, human(s.Timeout), seen, s.Target.Port)
		}
		return r.with(StatusFail, ControlTimeout, "connect to %s timed out after %s and no other port of the host answered", r.Evidence.Remote, human(s.Timeout))
	}
	return r.with(StatusFail, ControlUnreachable, "cannot connect to %s: %s", r.Evidence.Remote, r.Evidence.Error)
}

func (s *Session) greetingFailure(ctx context.Context, r Result, err error) Result {
	r.Evidence.Error = describe(err)
	var nf *NotFTPError
	if errors.As(err, &nf) {
		return s.notFTP(r, nf.Line)
	}
	if errors.Is(err, ErrReplyTooLong) {
		return r.with(StatusFail, ControlUnexpected, "%s sent a greeting of more than %d lines", r.Evidence.Remote, MaxReplyLines)
	}
	switch Classify(err) {
	case KindClosed:
		return r.with(StatusFail, ControlClosed, "%s accepted the connection and closed it without a complete greeting", r.Evidence.Remote)
	case KindTimeout:
		if kind, line := s.probeSilent(ctx, r.Evidence.Remote); kind != "" {
			return s.notFTP(r, line)
		}
		return r.with(StatusFail, ControlNoGreeting, "%s accepted the connection but sent no complete greeting within %s; a TLS handshake on a second connection got no answer either", r.Evidence.Remote, human(s.Timeout))
	}
	return r.with(StatusFail, ControlClosed, "reading the greeting from %s failed: %s", r.Evidence.Remote, r.Evidence.Error)
}

// notFTP names the protocol behind a first line that is not an FTP reply.
func (s *Session) notFTP(r Result, line string) Result {
	switch {
	case strings.HasPrefix(line, "SSH-"):
		r.Evidence.ServerError = line
		return r.with(StatusFail, ControlSSH, "%s is an SSH server (%q): SFTP, not FTP", r.Evidence.Remote, line)
	case strings.HasPrefix(line, "HTTP/"), strings.HasPrefix(strings.ToLower(line), "<!doctype"), strings.HasPrefix(line, "<html"):
		r.Evidence.ServerError = line
		return r.with(StatusFail, ControlHTTP, "%s is a web server (%q), not FTP", r.Evidence.Remote, line)
	case line == tlsMarker || (len(line) > 1 && (line[0] == 0x15 || line[0] == 0x16) && line[1] == 0x03):
		return r.with(StatusFail, ControlImplicitTLS, "%s speaks TLS from the first byte: an implicit FTPS port", r.Evidence.Remote)
	}
	r.Evidence.ServerError = line
	return r.with(StatusFail, ControlNotFTP, "%s sent %q, which is not an FTP greeting", r.Evidence.Remote, line)
}

const tlsMarker = "\x16\x03 (TLS handshake)"

// probeSilent opens a second connection to a silent port and starts a TLS
// handshake: an implicit-FTPS server answers it, an HTTP server answers with
// an HTTP error, a hung service stays silent.
func (s *Session) probeSilent(ctx context.Context, addr string) (kind, line string) {
	ctx, cancel := context.WithTimeout(ctx, s.Timeout)
	defer cancel()
	nc, err := s.Dialer.DialContext(ctx, "tcp", addr)
	if err != nil {
		return "", ""
	}
	defer nc.Close()
	deadline, _ := ctx.Deadline()
	nc.SetDeadline(deadline)
	tc := tls.Client(nc, &tls.Config{InsecureSkipVerify: true, ServerName: "ftpdoctor"}) // #nosec: only probing whether TLS is spoken
	err = tc.HandshakeContext(ctx)
	var rh tls.RecordHeaderError
	var alert tls.AlertError
	switch {
	case err == nil, errors.As(err, &alert), strings.Contains(errString(err), "remote error"):
		return "tls", tlsMarker
	case errors.As(err, &rh) && looksLikeReply(string(rh.RecordHeader[:])):
		return "", "" // an FTP server after all, only slow or broken
	case errors.As(err, &rh):
		if strings.HasPrefix(string(rh.RecordHeader[:]), "HTTP/") {
			return "http", "HTTP/ (answer to a TLS hello)"
		}
		return "other", string(rh.RecordHeader[:])
	}
	return "", ""
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func firstLine(r Reply) string {
	if len(r.Lines) == 0 {
		return ""
	}
	return r.Lines[0]
}
