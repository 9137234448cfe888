package probes

import (
	"context"
	"net"
	"strconv"
	"time"

	"github.com/ftpdoctor/ftpdoctor/internal/lazy"
)

// illegalPort matches vsftpd's refusal of a PORT or EPRT address that is
// not the control connection's, or of a port below 1024.
var illegalPort = lazy.Regexp(`(?i)illegal (e?port|eprt)`)

// activeDisabled matches refusals that mean the server turned active mode
// off (vsftpd port_enable=NO answers "550 Permission denied.").
var activeDisabled = lazy.Regexp(`(?i)permission denied|disabled|not allowed|not permitted|not supported|not implemented`)

// StageActive is the active stage's name.
const StageActive StageID = "active"

// activeStage lists the path in active mode.
var activeStage = Stage{
	ID:    StageActive,
	Needs: []Need{needLogin},
	Run:   Active,

	Data: ModeActive, Family: FamilyTransferMode, PerAccount: true, Phase: PhaseData,
}

// Active lists the path in active mode: it listens on the control
// connection's local address (or --active-address), sends EPRT (RFC 2428)
// and PORT (RFC 959) each with its own listing, and waits for the server to
// connect back. When the server accepts the command but never connects,
// the control connection may still owe a late reply, so no further attempt
// is made on that connection.
func Active(ctx context.Context, s *Session) Result {
	r := Result{Stage: StageActive}
	r.Evidence.Attempts = s.dataAttempts(ctx, []string{"EPRT", "PORT"}, s.Mode == ModeActive, s.activeAttempt)
	r = summarize(r, "active")
	s.proven.note("active", r)
	return r
}

// activeAttempt runs one EPRT or PORT listing on c. When the control
// connection may still deliver a reply to this attempt, c is left broken,
// and a later attempt on it is not sent.
func (s *Session) activeAttempt(ctx context.Context, c *Conn, cmd string) Attempt {
	a := Attempt{Command: cmd}
	start := s.Now()
	if err := c.Broken(); err != nil {
		a.Reply.Error = "not sent: " + describe(err) + " earlier on the control connection"
		a.finish(start, s.Now, StatusSkip, CodeSkipped)
		return a
	}
	local := c.LocalAddr().IP
	ln, err := s.Listen("tcp", net.JoinHostPort(local.String(), "0"))
	if err != nil {
		a.Reply.Error = describe(err)
		a.finish(start, s.Now, StatusFail, ActiveListenFailed)
		return a
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
			return a
		}
	}
	reply, ex, err := c.Cmd(ctx, s.Timeout, "%s %s", cmd, arg)
	a.Reply = ex
	switch {
	case err != nil && Classify(err) == KindTimeout:
		// Some servers (pyftpdlib) connect back before they answer PORT:
		// no reply in time is the evidence of a PORT accepted but never
		// connected back. The listing is never sent.
		a.finish(start, s.Now, StatusFail, ActiveNoConnect)
		return a
	case err != nil:
		a.finish(start, s.Now, StatusFail, activeCodes.noReply(err))
		return a
	case reply.Code != ReplyCommandOK && cmd == "EPRT" && (reply.Code == ReplySyntaxError || reply.Code == ReplyNotImplemented || reply.Code == ReplyProtocolUnsupported):
		a.finish(start, s.Now, StatusFail, ActiveEPRTRefused)
		return a
	case reply.Code != ReplyCommandOK && activeDisabled().MatchString(reply.Text()):
		a.finish(start, s.Now, StatusFail, ActiveDisabled)
		return a
	case reply.Code != ReplyCommandOK:
		if illegalPort().MatchString(reply.Text()) {
			a.Reason = ReasonForeignAddress
		}
		a.finish(start, s.Now, StatusFail, ActiveCommandRefused)
		return a
	}
	status, code := s.activeList(ctx, c, &a, ln)
	a.finish(start, s.Now, status, code)
	return a
}

// activeList sends the listing command and waits, within one timeout, for
// both the server's connection and its preliminary reply.
func (s *Session) activeList(ctx context.Context, c *Conn, a *Attempt, ln net.Listener) (Status, Code) {
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
	first, ex, err := c.Cmd(ctx, s.Timeout, "%s", s.listCommand())
	a.List = &ex
	if err != nil {
		ln.Close()
		if dc := <-accepted; dc != nil {
			dc.Close()
		}
		if Classify(err) == KindClosed {
			return StatusFail, ActiveControlClosed
		}
		// No reply at all: the server is most likely still trying to connect.
		return StatusFail, ActiveNoConnect
	}
	if first.Code != ReplyOpening && first.Code != ReplyAlreadyOpen {
		ln.Close()
		if dc := <-accepted; dc != nil {
			dc.Close()
		}
		if first.Code == ReplyCantOpenData {
			return StatusFail, ActiveNoConnect
		}
		return StatusFail, activeCodes.classifyListReply(first)
	}
	var dc net.Conn
	select {
	case dc = <-accepted:
	case <-time.After(s.Timeout):
	case <-ctx.Done():
	}
	if dc == nil {
		ln.Close()
		return StatusFail, ActiveNoConnect
	}
	a.ConnectFrom = dc.RemoteAddr().String()
	status, code := s.finishListing(ctx, c, a, dc, activeCodes, sent)
	if status == StatusPass {
		code = ActiveOK
	}
	return status, code
}
