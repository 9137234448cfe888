package probes

import (
	"context"
	"crypto/tls"
	"net"
	"strconv"

	"github.com/ftpdoctor/ftpdoctor/internal/lazy"
)

// StagePassive is the passive stage's name.
const StagePassive StageID = "passive"

// passivePortsBusy matches a refusal of PASV or EPSV because no passive
// port could be bound: vsftpd's "500 OOPS: vsf_sysutil_bind" (its range
// is taken, by its own sessions or another process) and Pure-FTPd's "All
// reserved TCP ports are busy". ProFTPD does not refuse: it logs "unable
// to find open port in PassivePorts range" and advertises any free port,
// which --passive-range reports as passive.port_out_of_range.
var passivePortsBusy = lazy.Regexp(`(?i)vsf_sysutil_bind|reserved TCP ports are busy`)

// passiveStage lists the path in passive mode.
var passiveStage = Stage{
	ID:    StagePassive,
	Needs: []Need{needLogin},
	Run:   Passive,

	Data: ModePassive, Family: FamilyTransferMode, PerAccount: true, Phase: PhaseData,
}

// Passive lists the path over EPSV (RFC 2428) and over PASV (RFC 959), each
// on its own data connection. It reads the raw 227 reply and, when the
// advertised address differs from the control connection's peer, dials
// both: the advertised address (what older clients use) and the control
// peer at the advertised port (what FileZilla, curl and lftp fall back to).
func Passive(ctx context.Context, s *Session) Result {
	r := Result{Stage: StagePassive}
	r.Evidence.Attempts = s.dataAttempts(ctx, []string{"EPSV", "PASV"}, true, s.passiveAttempt)
	r = summarize(r, "passive")
	r.Summary += notAllowedNote(r.Evidence.Attempts)
	if s.reuseFailedUnderTLS13(ctx, r) {
		if a, ok := s.reuseUnderTLS12(ctx); ok {
			r.Evidence.Attempts = append(r.Evidence.Attempts, a)
			r.Summary += "; under TLS 1.2 the data connection resumed the session and the listing arrived (--tls-max 1.2)"
		}
	}
	if s.tls.protected() && r.Status == StatusFail && helperSuspect[r.Code] {
		r = s.natHelper(ctx, r)
	}
	if r.Status == StatusFail && r.Code == PassivePASVRefused {
		r.Code = PassiveRefused
		r.Summary = "the server refused both EPSV and PASV: " + attemptProblems(r.Evidence.Attempts)
	}
	s.proven.note("passive", r)
	return r
}

func (s *Session) passiveAttempt(ctx context.Context, c *Conn, cmd string) Attempt {
	a := Attempt{Command: cmd}
	start := s.Now()
	if err := c.Broken(); err != nil {
		a.Reply.Error = "not sent: " + describe(err) + " earlier on the control connection"
		a.finish(start, s.Now, StatusSkip, CodeSkipped)
		return a
	}
	if cmd == "PASV" && c.RemoteAddr().IP.To4() == nil {
		// A 227 reply carries only an IPv4 address: over IPv6, clients use
		// EPSV alone (RFC 2428 section 1).
		a.Reply.Error = "not sent: PASV cannot carry an IPv6 address (RFC 2428)"
		a.finish(start, s.Now, StatusSkip, CodeSkipped)
		return a
	}
	reply, ex, err := c.Cmd(ctx, s.Timeout, "%s", cmd)
	a.Reply = ex
	if err != nil {
		a.finish(start, s.Now, StatusFail, passiveCodes.noReply(err))
		return a
	}
	peer := c.RemoteAddr().IP
	var ip net.IP
	var port int
	switch {
	case cmd == "EPSV" && reply.Code == ReplyExtendedPassive:
		ip = peer
		port, err = ParseEPSV(reply.Text())
	case cmd == "PASV" && reply.Code == ReplyPassive:
		ip, port, err = ParsePASV(reply.Text())
	case passivePortsBusy().MatchString(reply.Text()):
		a.finish(start, s.Now, StatusFail, PassivePortsBusy)
		return a
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
	s.Server.advertise(a.Advertised)
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
			s.Server.reach(d)
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
	status, code := s.list(ctx, c, &a, dc, passiveCodes)
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
func (s *Session) judgeAdvertised(ip, peer net.IP, port int, advertised Dial) (Status, Code) {
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
	if !s.dataAllowed(d.Address) {
		d.Outcome, d.Error = DialNotAllowed, "not attempted: the address is outside --allow"
		return nil, d
	}
	c, pc := connect(ctx, s.Dialer, d.Address, s.Timeout, s.Now)
	d.Outcome, d.Error, d.Elapsed, d.ElapsedMS = pc.State, pc.Error, pc.Elapsed, pc.ElapsedMS
	return c, d
}

// reuseFailedUnderTLS13 reports whether a protected data connection was
// refused for not resuming the control connection's session while TLS 1.3
// was in use: resumption under TLS 1.3 is where servers (vsftpd 3.0.3) and
// clients (curl #3002, #4654) have broken, so TLS 1.2 is tried as well.
func (s *Session) reuseFailedUnderTLS13(ctx context.Context, r Result) bool {
	c, release := s.ControlConn(ctx)
	if c == nil {
		return false
	}
	st := c.TLS()
	release()
	if st == nil || st.Version != tls.VersionTLS13 || s.TLSMax != 0 {
		return false
	}
	for _, a := range r.Evidence.Attempts {
		if a.Code == PassiveTLSReuse {
			return true
		}
	}
	return false
}

// reuseUnderTLS12 runs one EPSV listing on a new control connection capped
// at TLS 1.2; ok reports whether it passed, data connection resumed.
func (s *Session) reuseUnderTLS12(ctx context.Context) (Attempt, bool) {
	c, _, err := s.dialControl(ctx, s.Server.Peer.String())
	if err != nil {
		return Attempt{}, false
	}
	defer c.quit(ctx)
	if g, _, err := c.Read(ctx, s.Timeout, ""); err != nil || g.Code != ReplyReady {
		return Attempt{}, false
	}
	if s.tls.implicit {
		return Attempt{}, false
	}
	if reply, _, err := c.Cmd(ctx, s.Timeout, "AUTH TLS"); err != nil || reply.Code != ReplyAuthOK {
		return Attempt{}, false
	}
	if _, err := s.secureUpTo(ctx, c, tls.VersionTLS12, nil); err != nil {
		return Attempt{}, false
	}
	reply, _, err := c.Cmd(ctx, s.Timeout, "USER %s", s.loginName())
	if err == nil && reply.Code == ReplyNeedPassword {
		reply, _, err = c.Cmd(ctx, s.passWait(), "PASS %s", s.loginPassword())
	}
	if err != nil || (reply.Code != ReplyLoggedIn && reply.Code != ReplyLoggedInAuth) || !s.protectData(ctx, c) {
		return Attempt{}, false
	}
	a := s.passiveAttempt(ctx, c, "EPSV")
	a.Command = "EPSV (TLS 1.2)"
	return a, a.Status == StatusPass && a.Resumed != nil && *a.Resumed
}
