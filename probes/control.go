package probes

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"strings"
	"time"
)

// StageControl is the control stage's name.
const StageControl StageID = "control"

// controlStage opens the control connection and reads the greeting.
var controlStage = Stage{ID: StageControl, Needs: []Need{needAddresses}, Run: Control,
	Critical: true, Family: FamilyServerDown, PerAccount: true, Phase: PhaseConnect}

// Control runs the control stage. On success the session holds the
// connection (see Session.ControlConn) and s.Server what the greeting
// revealed.
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

// greet reads the greeting on a new control connection; FEAT is asked
// after login, by serverFacts.
func (s *Session) greet(ctx context.Context, r Result, nc net.Conn) Result {
	r.Evidence.Local = nc.LocalAddr().String()
	c := s.newControl(nc)
	if s.tls.implicit {
		if _, err := s.secure(ctx, c); err != nil {
			c.Close()
			r.Evidence.Error = tlsError(err)
			return r.with(StatusFail, ControlTLSFailed, "the implicit TLS handshake with %s failed: %s", r.Evidence.Remote, r.Evidence.Error)
		}
	}
	greeting, other, err := s.readGreeting(ctx, c, r.Evidence.Remote)
	if other.service != serviceFTP {
		c.Close()
		r.Evidence.Error = "no greeting; a TLS handshake on a second connection was answered"
		if other.service == serviceTLS && s.TLS == TLSAuto {
			if implicit, ok := s.goImplicit(ctx, r); ok {
				return implicit
			}
		}
		return s.notFTP(r, other)
	}
	if err == nil && greeting.Code == ReplyReadySoon {
		notReady := firstLine(greeting)
		greeting, _, err = c.Read(ctx, s.Timeout, "")
		if err == nil && greeting.Code == ReplyReady {
			s.connected(ctx, c, greeting)
			return r.with(StatusWarn, ControlDelayedGreeting, "%s answered %d (not ready) before %d: %s", r.Evidence.Remote, ReplyReadySoon, ReplyReady, firstLine(greeting))
		}
		if Classify(err) == KindTimeout {
			// The port spoke FTP: no TLS probe was made, and the summary
			// of a silent port would say one was.
			c.Close()
			r.Evidence.Error = describe(err)
			return r.with(StatusFail, ControlNoGreeting, "%s answered %d (not ready: %s) but sent no %d within %s", r.Evidence.Remote, ReplyReadySoon, notReady, ReplyReady, human(s.Timeout))
		}
	}
	if err != nil {
		c.Close()
		return s.greetingFailure(r, err)
	}
	s.greeted(greeting)
	switch greeting.Code {
	case ReplyReady:
		s.connected(ctx, c, greeting)
		return r.with(StatusPass, ControlOK, "connected to %s and got %d %s", r.Evidence.Remote, greeting.Code, firstLine(greeting))
	case ReplyUnavailable:
		c.Close()
		return r.with(StatusFail, ControlUnavailable, "%s refused service: %d %s", r.Evidence.Remote, greeting.Code, firstLine(greeting))
	case ReplyNotLoggedIn:
		// A 530 greeting (RFC 959 does not list it): the service turns
		// every login away, as with /etc/nologin; its text says why.
		c.Close()
		return r.with(StatusFail, ControlLoginsDisabled, "%s greeted with %d: it refuses every login for now: %s", r.Evidence.Remote, greeting.Code, strings.Join(greeting.Lines, " / "))
	}
	c.Close()
	return r.with(StatusFail, ControlUnexpected, "%s greeted with %d %s instead of %d", r.Evidence.Remote, greeting.Code, firstLine(greeting), ReplyReady)
}

// connected keeps a greeted control connection and opens the extra
// connections beside it.
func (s *Session) connected(ctx context.Context, c *Conn, greeting Reply) {
	s.greeted(greeting)
	s.Server.Peer, s.Server.Local = c.RemoteAddr(), c.LocalAddr()
	s.Account.conn.Store(c)
	s.startPool(ctx)
}

// greeted files the greeting's text and what it says of the software.
func (s *Session) greeted(greeting Reply) {
	s.Server.learn(func(i *ServerInfo) {
		i.Banner = greeting.Text()
		i.Detect(i.Banner)
	})
}

// silentAfter is how long a greeting may take before a TLS handshake on a
// second connection asks whether the port speaks TLS; both end at the
// greeting's deadline, so a silent port costs one timeout, not two.
func silentAfter(timeout time.Duration) time.Duration {
	return min(timeout/4, 500*time.Millisecond)
}

// goImplicit reconnects to a port that answered a TLS handshake instead of
// greeting, with implicit TLS, and goes on there when it greets: the check
// then runs over TLS and the report suggests ftps://.
func (s *Session) goImplicit(ctx context.Context, r Result) (Result, bool) {
	nc, _ := connect(ctx, s.Dialer, r.Evidence.Remote, s.Timeout, s.Now)
	if nc == nil {
		return r, false
	}
	c := s.newControl(nc)
	s.tls.implicit = true
	if _, err := s.secure(ctx, c); err == nil {
		if greeting, _, err := c.Read(ctx, s.Timeout, ""); err == nil && greeting.Code == ReplyReady {
			s.connected(ctx, c, greeting)
			r.Evidence.Local = nc.LocalAddr().String()
			return r.with(StatusWarn, ControlImplicitTLS, "%s speaks TLS from the first byte (implicit FTPS) and greeted over TLS: %d %s; the check goes on over TLS (use ftps://)", r.Evidence.Remote, greeting.Code, firstLine(greeting)), true
		}
	}
	s.tls.implicit = false
	c.Close()
	return r, false
}

// readGreeting reads the greeting. When it is slow, a TLS handshake on a
// second connection runs beside it, within the greeting's own deadline: an
// implicit-FTPS port answers that at once, an HTTP server with an error,
// and a hung service not at all. other is what answered the handshake;
// its service is serviceFTP when nothing did.
func (s *Session) readGreeting(ctx context.Context, c *Conn, addr string) (greeting Reply, other portAnswer, err error) {
	type read struct {
		reply Reply
		err   error
	}
	start := s.Now()
	got := make(chan read, 1)
	go func() {
		reply, _, err := c.Read(ctx, s.Timeout, "")
		got <- read{reply, err}
	}()
	timer := time.NewTimer(silentAfter(s.Timeout))
	defer timer.Stop()
	select {
	case g := <-got:
		return g.reply, portAnswer{}, g.err
	case <-timer.C:
	}
	probeCtx, cancel := context.WithDeadline(ctx, deadline(ctx, start, s.Timeout))
	defer cancel()
	answer := make(chan portAnswer, 1)
	go func() { answer <- s.probeSilent(probeCtx, addr) }()
	select {
	case g := <-got:
		if Classify(g.err) != KindTimeout {
			cancel()
			<-answer
			return g.reply, portAnswer{}, g.err
		}
		return g.reply, <-answer, g.err
	case a := <-answer:
		if a.service == serviceFTP {
			g := <-got
			return g.reply, a, g.err
		}
		c.Close()
		g := <-got
		return Reply{}, a, g.err
	}
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

func (s *Session) greetingFailure(r Result, err error) Result {
	r.Evidence.Error = describe(err)
	var nf *NotFTPError
	if errors.As(err, &nf) {
		return s.notFTP(r, answerOf(nf.Line))
	}
	if errors.Is(err, ErrReplyTooLong) {
		return r.with(StatusFail, ControlUnexpected, "%s sent a greeting of more than %d lines", r.Evidence.Remote, MaxReplyLines)
	}
	switch Classify(err) {
	case KindClosed:
		return r.with(StatusFail, ControlClosed, "%s accepted the connection and closed it without a complete greeting", r.Evidence.Remote)
	case KindTimeout:
		return r.with(StatusFail, ControlNoGreeting, "%s accepted the connection but sent no complete greeting within %s; a TLS handshake on a second connection got no answer either", r.Evidence.Remote, human(s.Timeout))
	}
	return r.with(StatusFail, ControlClosed, "reading the greeting from %s failed: %s", r.Evidence.Remote, r.Evidence.Error)
}

// notFTP reports what spoke on the FTP port instead of FTP.
func (s *Session) notFTP(r Result, a portAnswer) Result {
	switch a.service {
	case serviceTLS:
		return r.with(StatusFail, ControlImplicitTLS, "%s speaks TLS from the first byte: an implicit FTPS port", r.Evidence.Remote)
	case serviceSSH:
		r.Evidence.OtherService = a.line
		return r.with(StatusFail, ControlSSH, "%s is an SSH server (%q): SFTP, not FTP", r.Evidence.Remote, a.line)
	case serviceHTTP:
		r.Evidence.OtherService = a.line
		return r.with(StatusFail, ControlHTTP, "%s is a web server (%q), not FTP", r.Evidence.Remote, a.line)
	}
	r.Evidence.OtherService = a.line
	return r.with(StatusFail, ControlNotFTP, "%s sent %q, which is not an FTP greeting", r.Evidence.Remote, a.line)
}

// probeSilent opens a second connection to a silent port and starts a TLS
// handshake: an implicit-FTPS server answers it, an HTTP server answers with
// an HTTP error, a hung service stays silent. Silence, a failed connect and
// a reply that looks like FTP all give serviceFTP: nothing else was found.
func (s *Session) probeSilent(ctx context.Context, addr string) portAnswer {
	nc, err := s.Dialer.DialContext(ctx, "tcp", addr)
	if err != nil {
		return portAnswer{}
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
		return portAnswer{service: serviceTLS}
	case errors.As(err, &rh) && looksLikeReply(string(rh.RecordHeader[:])):
		return portAnswer{} // an FTP server after all, only slow or broken
	case errors.As(err, &rh):
		a := answerOf(string(rh.RecordHeader[:]))
		if a.service == serviceHTTP {
			a.line = "HTTP/ (answer to a TLS hello)"
		}
		return a
	}
	return portAnswer{}
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
