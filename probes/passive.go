package probes

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"
)

// Passive-mode reply codes (RFC 959, RFC 2428).
const (
	codePassive         = 227
	codeExtendedPassive = 229
)

// Passive lists the path over EPSV (RFC 2428) and over PASV (RFC 959), each
// on its own data connection. It reads the raw 227 reply and, when the
// advertised address differs from the control connection's peer, dials
// both: the advertised address (what older clients use) and the control
// peer at the advertised port (what FileZilla, curl and lftp fall back to).
func Passive(ctx context.Context, s *Session) Result {
	r := Result{Stage: StagePassive}
	s.Control.record = s.record(&r)
	for _, cmd := range []string{"EPSV", "PASV"} {
		r.Evidence.Attempts = append(r.Evidence.Attempts, s.passiveAttempt(ctx, cmd))
	}
	r = summarize(r, "passive")
	if r.Status == StatusFail && r.Code == PassivePASVRefused {
		r.Code = PassiveRefused
		r.Summary = "the server refused both EPSV and PASV: " + r.Evidence.Error
	}
	return r
}

func (s *Session) passiveAttempt(ctx context.Context, cmd string) Attempt {
	a := Attempt{Command: cmd}
	start := s.Now()
	if err := s.Control.Broken(); err != nil {
		a.Reply.Error = "not sent: " + describe(err) + " earlier on the control connection"
		a.finish(start, s.Now, StatusSkip, CodeSkipped)
		return a
	}
	if cmd == "PASV" && s.Control.RemoteAddr().IP.To4() == nil {
		// A 227 reply carries only an IPv4 address: over IPv6, clients use
		// EPSV alone (RFC 2428 section 1).
		a.Reply.Error = "not sent: PASV cannot carry an IPv6 address (RFC 2428)"
		a.finish(start, s.Now, StatusSkip, CodeSkipped)
		return a
	}
	reply, ex, err := s.Control.Cmd(ctx, s.Timeout, "%s", cmd)
	a.Reply = ex
	if err != nil {
		a.finish(start, s.Now, StatusFail, PassiveListTimeout)
		return a
	}
	peer := s.Control.RemoteAddr().IP
	var ip net.IP
	var port int
	switch {
	case cmd == "EPSV" && reply.Code == codeExtendedPassive:
		ip = peer
		port, err = ParseEPSV(reply.Text())
	case cmd == "PASV" && reply.Code == codePassive:
		ip, port, err = ParsePASV(reply.Text())
	case cmd == "EPSV":
		a.finish(start, s.Now, StatusFail, PassiveEPSVRefused)
		return a
	default:
		a.finish(start, s.Now, StatusFail, PassivePASVRefused)
		return a
	}
	if err != nil {
		a.finish(start, s.Now, StatusFail, PassiveBadReply)
		return a
	}
	a.Advertised = net.JoinHostPort(ip.String(), strconv.Itoa(port))
	s.Advertised = append(s.Advertised, a.Advertised)
	targets := []Dial{{Address: a.Advertised, Why: "advertised"}}
	if !ip.Equal(peer) {
		targets = append(targets, Dial{Address: net.JoinHostPort(peer.String(), strconv.Itoa(port)), Why: "control_peer"})
	}
	var dc net.Conn
	for _, t := range targets {
		var d Dial
		dc, d = s.dialData(ctx, t)
		a.Dials = append(a.Dials, d)
		if dc != nil {
			break
		}
	}
	if dc == nil {
		code := PassiveDataTimeout
		if last := a.Dials[len(a.Dials)-1]; last.Outcome == PortClosed {
			code = PassiveDataRefused
		}
		a.finish(start, s.Now, StatusFail, code)
		return a
	}
	status, code := s.list(ctx, &a, dc, passiveCodes)
	if status == StatusPass {
		status, code = s.judgeAdvertised(ip, peer, port, a.Dials[0])
	}
	a.finish(start, s.Now, status, code)
	return a
}

// judgeAdvertised grades a passive attempt whose transfer worked. A
// private address that cannot be reached from here is the mark of a server
// behind NAT; one that answers (or refuses) is another host on a network
// this client shares: a wrong address setting, not NAT.
func (s *Session) judgeAdvertised(ip, peer net.IP, port int, advertised Dial) (Status, string) {
	if !ip.Equal(peer) {
		reached := advertised.Outcome == PortOpen || advertised.Outcome == PortClosed
		switch KindOf(ip) {
		case AddrPrivate:
			if reached && KindOf(peer) == AddrPrivate {
				return StatusWarn, PassiveAddressMismatch
			}
			return StatusWarn, PassivePrivateAddress
		case AddrUnspecified, AddrLoopback, AddrLinkLocal:
			return StatusWarn, PassiveUnroutable
		}
		return StatusWarn, PassiveAddressMismatch
	}
	if s.PassiveRange != nil && !s.PassiveRange.Contains(port) {
		return StatusWarn, PassivePortOutOfRange
	}
	return StatusPass, PassiveOK
}

// dialData opens one passive data connection.
func (s *Session) dialData(ctx context.Context, d Dial) (net.Conn, Dial) {
	c, pc := connect(ctx, s.Dialer, d.Address, s.Timeout, s.Now)
	d.Outcome, d.Error, d.Elapsed, d.ElapsedMS = pc.State, pc.Error, pc.Elapsed, pc.ElapsedMS
	return c, d
}

// list sends the listing command over an open data connection and reads
// the listing and the final reply.
func (s *Session) list(ctx context.Context, a *Attempt, dc net.Conn, m modeCodes) (Status, string) {
	sent := s.Now()
	first, ex, err := s.Control.Cmd(ctx, s.Timeout, "%s", s.listCommand())
	a.List = &ex
	if err != nil {
		dc.Close()
		return StatusFail, m.listTimeout
	}
	if first.Code != codeOpening && first.Code != codeAlreadyOpen {
		dc.Close()
		return StatusFail, m.classifyListReply(first)
	}
	return s.finishListing(ctx, a, dc, m, sent)
}

// finishListing reads the data and the final reply of a transfer whose
// listing command was sent at sent.
func (s *Session) finishListing(ctx context.Context, a *Attempt, dc net.Conn, m modeCodes, sent time.Time) (Status, string) {
	n, derr := readListing(ctx, dc, s.Timeout, s.Now)
	a.Bytes = n
	opening := *a.List
	a.Opening = &opening
	final, fex, err := s.Control.Read(ctx, s.Timeout, "")
	fex.Command = opening.Command
	fex.Elapsed = s.Now().Sub(sent)
	fex.ElapsedMS = ms(fex.Elapsed)
	a.List = &fex
	switch {
	case err != nil:
		return StatusFail, m.listTimeout
	case final.Code != codeTransferDone && final.Code != codeClosingData:
		return StatusFail, m.classifyListReply(final)
	case derr != nil && Classify(derr) != KindClosed:
		a.List.Error = describe(derr)
		return StatusFail, m.transferFailed
	}
	return StatusPass, ""
}

// summarize turns a data stage's attempts into its status and code: pass
// when every attempt passed (a refused EPSV or EPRT alone is fine: clients
// fall back to PASV and PORT), warn when at least one transfer worked but
// something is wrong, fail when none worked.
func summarize(r Result, mode string) Result {
	var worked, problems []string
	var warnCode, failCode string
	tried := 0
	for _, a := range r.Evidence.Attempts {
		if a.Status != StatusSkip {
			tried++
		}
	}
	for _, a := range r.Evidence.Attempts {
		switch a.Status {
		case StatusPass, StatusWarn:
			worked = append(worked, fmt.Sprintf("%s (%d bytes, %s)", a.Command, a.Bytes, human(a.Elapsed)))
		}
		if a.Status == StatusPass || a.Status == StatusSkip {
			continue
		}
		problems = append(problems, a.Command+": "+a.Code)
		// A refused EPSV or EPRT is no problem while PASV or PORT is tried
		// too; alone (over IPv6) it is the mode's failure.
		optional := (a.Code == PassiveEPSVRefused || a.Code == ActiveEPRTRefused) && tried > 1
		switch {
		case a.Status == StatusWarn && warnCode == "":
			warnCode = a.Code
		case a.Status == StatusFail && !optional && failCode == "":
			failCode = a.Code
		}
	}
	r.Evidence.Error = strings.Join(problems, "; ")
	if tried == 0 {
		why := "no command was sent"
		if len(r.Evidence.Attempts) > 0 {
			why = r.Evidence.Attempts[0].Reply.Error
		}
		return r.with(StatusSkip, CodeSkipped, "%s mode not tried: %s", mode, why)
	}
	over := strings.Join(worked, ", ")
	if failCode == "" && len(worked) == 0 && len(r.Evidence.Attempts) > 0 {
		failCode = r.Evidence.Attempts[0].Code
	}
	switch {
	case len(worked) == 0:
		return r.with(StatusFail, failCode, "no %s listing arrived: %s", mode, r.Evidence.Error)
	case warnCode != "":
		return r.with(StatusWarn, warnCode, "%s listing arrived over %s; %s", mode, over, r.Evidence.Error)
	case failCode != "":
		return r.with(StatusWarn, failCode, "%s listing arrived over %s; %s", mode, over, r.Evidence.Error)
	case len(problems) > 0:
		return r.with(StatusPass, mode+".ok", "%s listing arrived over %s; %s", mode, over, r.Evidence.Error)
	}
	return r.with(StatusPass, mode+".ok", "%s listing arrived over %s", mode, over)
}
