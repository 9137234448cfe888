package probes

import (
	"context"
	"net"
	"regexp"
	"strconv"
	"time"
)

// codeCommandOK is the positive reply to PORT and EPRT (RFC 959, RFC 2428).
const codeCommandOK = 200

// activeDisabled matches refusals that mean the server turned active mode
// off (vsftpd port_enable=NO answers "550 Permission denied.").
var activeDisabled = regexp.MustCompile(`(?i)permission denied|disabled|not allowed|not permitted|not supported|not implemented`)

// Active lists the path in active mode: it listens on the control
// connection's local address (or --active-address), sends EPRT (RFC 2428)
// and PORT (RFC 959) each with its own listing, and waits for the server to
// connect back. When the server accepts the command but never connects,
// the control connection may still owe a late reply, so no further attempt
// is made on it.
func Active(ctx context.Context, s *Session) Result {
	r := Result{Stage: StageActive}
	s.Control.record = s.record(&r)
	for _, cmd := range []string{"EPRT", "PORT"} {
		a, clean := s.activeAttempt(ctx, cmd)
		r.Evidence.Attempts = append(r.Evidence.Attempts, a)
		if !clean {
			break
		}
	}
	return summarize(r, "active")
}

// activeAttempt runs one EPRT or PORT listing. clean is false when the
// control connection may still deliver a reply to this attempt.
func (s *Session) activeAttempt(ctx context.Context, cmd string) (a Attempt, clean bool) {
	a = Attempt{Command: cmd}
	start := s.Now()
	if err := s.Control.Broken(); err != nil {
		a.Reply.Error = "not sent: " + describe(err) + " earlier on the control connection"
		a.finish(start, s.Now, StatusSkip, CodeSkipped)
		return a, false
	}
	local := s.Control.LocalAddr().IP
	ln, err := s.Listen("tcp", net.JoinHostPort(local.String(), "0"))
	if err != nil {
		a.Reply.Error = describe(err)
		a.finish(start, s.Now, StatusFail, ActiveListenFailed)
		return a, true
	}
	defer ln.Close()
	send := local
	if s.ActiveAddress != nil {
		send = s.ActiveAddress
	}
	port := ln.Addr().(*net.TCPAddr).Port
	a.Sent = net.JoinHostPort(send.String(), strconv.Itoa(port))
	arg := FormatEPRT(send, port)
	if cmd == "PORT" {
		if arg, err = FormatPORT(send, port); err != nil {
			a.Reply.Error = err.Error()
			a.finish(start, s.Now, StatusSkip, CodeSkipped)
			return a, true
		}
	}
	reply, ex, err := s.Control.Cmd(ctx, s.Timeout, "%s %s", cmd, arg)
	a.Reply = ex
	switch {
	case err != nil:
		a.finish(start, s.Now, StatusFail, ActiveListTimeout)
		return a, false
	case reply.Code != codeCommandOK && cmd == "EPRT" && (reply.Code == 500 || reply.Code == 502 || reply.Code == 522):
		a.finish(start, s.Now, StatusFail, ActiveEPRTRefused)
		return a, true
	case reply.Code != codeCommandOK && activeDisabled.MatchString(reply.Text()):
		a.finish(start, s.Now, StatusFail, ActiveDisabled)
		return a, true
	case reply.Code != codeCommandOK:
		a.finish(start, s.Now, StatusFail, ActiveCommandRefused)
		return a, true
	}
	status, code, clean := s.activeList(ctx, &a, ln)
	a.finish(start, s.Now, status, code)
	return a, clean
}

// activeList sends the listing command and waits, within one timeout, for
// both the server's connection and its preliminary reply.
func (s *Session) activeList(ctx context.Context, a *Attempt, ln net.Listener) (Status, string, bool) {
	accepted := make(chan net.Conn, 1)
	go func() {
		if tl, ok := ln.(*net.TCPListener); ok {
			tl.SetDeadline(deadline(ctx, s.Now(), s.Timeout))
		}
		c, err := ln.Accept()
		if err != nil {
			c = nil
		}
		accepted <- c
	}()
	sent := s.Now()
	first, ex, err := s.Control.Cmd(ctx, s.Timeout, "%s", s.listCommand())
	a.List = &ex
	if err != nil {
		ln.Close()
		if dc := <-accepted; dc != nil {
			dc.Close()
		}
		// No reply at all: the server is most likely still trying to connect.
		return StatusFail, ActiveNoConnect, false
	}
	if first.Code != codeOpening && first.Code != codeAlreadyOpen {
		ln.Close()
		if dc := <-accepted; dc != nil {
			dc.Close()
		}
		if first.Code == codeCantOpenData {
			return StatusFail, ActiveNoConnect, true
		}
		return StatusFail, activeCodes.classifyListReply(first), true
	}
	var dc net.Conn
	select {
	case dc = <-accepted:
	case <-time.After(s.Timeout):
	case <-ctx.Done():
	}
	if dc == nil {
		ln.Close()
		return StatusFail, ActiveNoConnect, false
	}
	a.ConnectFrom = dc.RemoteAddr().String()
	status, code := s.finishListing(ctx, a, dc, activeCodes, sent)
	if status == StatusPass {
		code = ActiveOK
	}
	return status, code, status == StatusPass
}
