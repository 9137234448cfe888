package probes

import (
	"context"
	"strings"
	"time"

	"github.com/ftpdoctor/ftpdoctor/internal/lazy"
)

// connectionLimit matches the refusals of servers at their limit of
// sessions: vsftpd "There are too many connections from your internet
// address.", Pure-FTPd "Too many connections (N) from this IP", ProFTPD
// "Sorry, the maximum number of clients (N) from your host are already
// connected." and "... for this user are already connected".
var connectionLimit = lazy.Regexp(`(?i)too many (connections|users|connected users)|maximum number of (clients|connections)|already connected|connection limit`)

var tlsRequired = lazy.Regexp(`(?i)\b(tls|ssl|encrypt|auth\s+tls|secure|ftps|cleartext|plain ?text)`)

// StageLogin is the login stage's name.
const StageLogin StageID = "login"

// loginStage sends USER and PASS on the control connection, classifies
// the outcome and asks FEAT (and SYST when the software is still unknown).
var loginStage = Stage{ID: StageLogin, Needs: []Need{needControl, needTLS}, Run: Login,
	Critical: true, Family: FamilyCredentials, PerAccount: true, Phase: PhaseUser}

// Login runs the login stage. Once it succeeds, the extra control
// connections log in too, while the data stages run; a refusal of theirs
// is the server's limit on connections per client, which parallel clients
// run into, and is filed on this stage when the check ends
// (judgeConnectionLimit).
func Login(ctx context.Context, s *Session) Result {
	r := s.logIn(ctx)
	if s.pool != nil {
		s.pool.admit(false) // no-op once the login let the extras in
	}
	return r
}

// judgeConnectionLimit turns a passed login into a warning when the
// server refused one of the extra control connections. It runs once the
// pool has closed, when every extra is accounted for: waiting for them in
// the login stage would hold the data stages back by a login's time.
func (s *Session) judgeConnectionLimit(results []Result) {
	if s.pool == nil {
		return
	}
	refused := s.pool.refusals()
	if len(refused) == 0 {
		return
	}
	ex := refused[0]
	for i, r := range results {
		if r.Stage != StageLogin || r.Status != StatusPass {
			continue
		}
		r.Evidence.Replies = append(r.Evidence.Replies, ex)
		text, _, _ := strings.Cut(ex.Text, "\n")
		results[i] = r.with(StatusWarn, LoginConnectionLimit, "logged in, but a second connection from this address was refused: %d %s; clients that open parallel connections (FileZilla's simultaneous transfers) are refused", ex.Code, text)
	}
}

// logIn sends USER and PASS and classifies the outcome, then asks FEAT.
func (s *Session) logIn(ctx context.Context) Result {
	r := Result{Stage: StageLogin, Evidence: Evidence{Anonymous: s.Account.Anonymous}}
	c, release := s.ControlConn(ctx)
	if c == nil {
		return r.with(StatusSkip, CodeSkipped, "no FTP control connection")
	}
	defer release()
	at := "USER"
	reply, _, err := c.Cmd(ctx, s.Timeout, "USER %s", s.loginName())
	if err != nil {
		return s.loginIOFailure(r, "USER", s.Timeout, err)
	}
	if reply.Code == ReplyNeedPassword {
		at = "PASS"
		reply, _, err = c.Cmd(ctx, s.passWait(), "PASS %s", s.loginPassword())
		if err != nil {
			return s.loginIOFailure(r, "PASS", s.passWait(), err)
		}
		if reply.Code == ReplyNeedAccount {
			return r.with(StatusFail, LoginUnexpected, "the server asks for an account (%d %s), which ftpdoctor does not send", reply.Code, firstLine(reply))
		}
	}
	s.Server.detect(reply.Text())
	if reply.Code == ReplyLoggedIn || reply.Code == ReplyLoggedInAuth {
		if s.pool != nil {
			s.pool.admit(true) // the extras send PASS while FEAT runs here
		}
		if !s.serverFacts(ctx, c, &r) {
			return r
		}
		if s.protectData(ctx, c) {
			s.tls.mu.Lock()
			s.tls.info.DataProtected = true
			s.tls.mu.Unlock()
		}
		s.Account.LoggedIn = true
		if s.Account.Anonymous {
			return r.with(StatusPass, LoginAnonymousOK, "logged in anonymously: %d %s", reply.Code, firstLine(reply))
		}
		return r.with(StatusPass, LoginOK, "logged in as %s: %d %s", s.Account.User, reply.Code, firstLine(reply))
	}
	return s.loginRefused(r, reply, at)
}

// loginRefused classifies a negative reply to USER or PASS.
func (s *Session) loginRefused(r Result, reply Reply, at string) Result {
	text := firstLine(reply)
	switch {
	case strings.HasPrefix(text, "OOPS") || (reply.Code == ReplySyntaxError && at == "PASS"):
		r.Evidence.ServerError = reply.Text()
		r.Evidence.Reason = serverErrorReason(reply.Text())
		return r.with(StatusFail, LoginServerError, "the server failed after %s with a configuration error: %d %s", at, reply.Code, text)
	case (reply.Code == ReplyUnavailable || ClassOf(reply.Code) == ReplyPermanent) && tlsRequired().MatchString(reply.Text()):
		// Pure-FTPd -Y 2 closes plain sessions with a 421 that names TLS.
		return r.with(StatusFail, LoginTLSRequired, "the server requires TLS (FTPS) before login: %d %s", reply.Code, text)
	case reply.Code == ReplyUnavailable || connectionLimit().MatchString(text):
		if connectionLimit().MatchString(text) {
			r.Evidence.Reason = ReasonConnectionLimit
		}
		return r.with(StatusFail, LoginUnavailable, "the server refused service at %s: %d %s", at, reply.Code, text)
	case s.Account.Anonymous && (reply.Code == ReplyNotLoggedIn || reply.Code == ReplyInvalidLogin || ClassOf(reply.Code) == ReplyPermanent):
		return r.with(StatusFail, LoginAnonRefused, "anonymous login refused at %s: %d %s", at, reply.Code, text)
	case at == "USER" && (reply.Code == ReplyNotLoggedIn || ClassOf(reply.Code) == ReplyPermanent):
		return r.with(StatusFail, LoginUserRejected, "user %s refused at USER: %d %s", s.Account.User, reply.Code, text)
	case reply.Code == ReplyNotLoggedIn || reply.Code == ReplyInvalidLogin:
		return r.with(StatusFail, LoginRejected, "user %s and the given password were rejected: %d %s", s.Account.User, reply.Code, text)
	}
	return r.with(StatusFail, LoginUnexpected, "unexpected reply to %s: %d %s", at, reply.Code, text)
}

func (s *Session) loginIOFailure(r Result, at string, wait time.Duration, err error) Result {
	r.Evidence.Error = describe(err)
	switch Classify(err) {
	case KindTimeout, KindCanceled:
		return r.with(StatusFail, LoginTimeout, "no reply to %s within %s", at, human(wait))
	case KindClosed:
		return r.with(StatusFail, LoginClosed, "the server closed the connection after %s", at)
	}
	return r.with(StatusFail, LoginUnexpected, "%s failed: %s", at, r.Evidence.Error)
}

// serverFacts asks FEAT (RFC 2389) and SYST (RFC 959) right after login,
// where they cost no time: the extra connections send PASS meanwhile. SYST
// goes out right behind FEAT, before FEAT's reply (a server reads its
// commands in order and answers each in turn), so the two cost one round
// trip, not two: server.syst is always asked, and names the software when
// neither the greeting nor FEAT did. A server that fails right after login
// (vsftpd prints "500 OOPS: ..." and closes), or does not answer FEAT or
// SYST in time, fails the login stage, as the user cannot work:
// serverFacts then sets r and returns false.
func (s *Session) serverFacts(ctx context.Context, c *Conn, r *Result) bool {
	systSent := false
	if c.Send(ctx, s.Timeout, "FEAT") == nil {
		systSent = c.Send(ctx, s.Timeout, "SYST") == nil
	}
	reply, _, err := c.Read(ctx, s.Timeout, "FEAT")
	if !s.file(r, "FEAT", reply, err) {
		return false
	}
	if !systSent || err != nil { // no reply to FEAT in time: SYST's would not come either
		return true
	}
	reply, _, err = c.Read(ctx, s.Timeout, "SYST")
	return s.file(r, "SYST", reply, err)
}

// file files what the reply to FEAT or SYST says about the server.
func (s *Session) file(r *Result, cmd string, reply Reply, err error) bool {
	switch {
	case err == nil && cmd == "FEAT" && reply.Code == ReplyFeatures:
		// The features are the lines between the first and the last; a
		// server with none may answer one line (RFC 2389 section 3.2).
		s.Server.learn(func(i *ServerInfo) {
			for _, l := range reply.Lines[1:max(1, len(reply.Lines)-1)] {
				if f := strings.TrimSpace(l); f != "" {
					i.Features = append(i.Features, f)
				}
			}
		})
	case err == nil && cmd == "SYST" && reply.Code == ReplySystemType:
		s.Server.learn(func(i *ServerInfo) {
			i.Syst = reply.Text()
			i.Detect(i.Syst)
		})
	case err == nil && strings.HasPrefix(firstLine(reply), "OOPS"):
		r.Evidence.ServerError = reply.Text()
		r.Evidence.Reason = serverErrorReason(reply.Text())
		*r = r.with(StatusFail, LoginServerError, "the server failed right after login with a configuration error: %d %s", reply.Code, firstLine(reply))
		return false
	case Classify(err) == KindClosed:
		*r = r.with(StatusFail, LoginClosed, "the server closed the connection right after login")
		return false
	case Classify(err) == KindTimeout:
		// The reply may still come and would be taken for the next
		// command's: the connection is no longer usable, and a check that
		// went on would skip every data stage and call the server fine.
		*r = r.with(StatusFail, LoginTimeout, "logged in, but no reply to %s within %s: the session hangs after login", cmd, human(s.Timeout))
		return false
	}
	return true
}

// serverErrorReason classifies the text of a server-side error after
// login (vsftpd's "500 OOPS: ...").
func serverErrorReason(text string) string {
	t := strings.ToLower(text)
	switch {
	case strings.Contains(t, "writable root inside chroot"):
		return ReasonWritableChroot
	case strings.Contains(t, "cannot change directory"), strings.Contains(t, "chdir"):
		return ReasonHomeMissing
	}
	return ""
}
