package probes

import (
	"context"
	"regexp"
	"strings"
	"time"
)

// Login reply codes (RFC 959 section 5.4).
const (
	codeLoggedIn     = 230
	codeLoggedInAuth = 232 // RFC 2228: logged in, security data exchange done
	codeNeedPassword = 331
	codeNeedAccount  = 332
	codeNotLoggedIn  = 530
	codeDenied430    = 430 // used by some servers for bad credentials
)

// anonymousPassword is what curl and lftp send for anonymous logins.
const anonymousPassword = "ftpdoctor@"

// minPassWait is the least time to wait for the reply to PASS: servers
// delay failed logins on purpose (Pure-FTPd 3 to 5 s, PAM's pam_faildelay
// about 2 s), and a shorter wait would report a timeout, not the 530.
const minPassWait = 8 * time.Second

var tlsRequired = regexp.MustCompile(`(?i)\b(tls|ssl|encrypt|auth\s+tls|secure|ftps|cleartext|plain ?text)`)

// Login sends USER and PASS and classifies the outcome, then asks SYST.
func Login(ctx context.Context, s *Session) Result {
	r := Result{Stage: StageLogin, Evidence: Evidence{Anonymous: s.Anonymous}}
	c := s.Control
	c.record = s.record(&r)
	user, pass := s.Target.User, s.Password.Reveal()
	if s.Anonymous {
		pass = anonymousPassword
	}
	reply, _, err := c.Cmd(ctx, s.Timeout, "USER %s", user)
	if err != nil {
		return s.loginIOFailure(r, "USER", s.Timeout, err)
	}
	if reply.Code == codeNeedPassword {
		wait := max(s.Timeout, minPassWait)
		reply, _, err = c.Cmd(ctx, wait, "PASS %s", pass)
		if err != nil {
			return s.loginIOFailure(r, "PASS", wait, err)
		}
		if reply.Code == codeNeedAccount {
			return r.with(StatusFail, LoginUnexpected, "the server asks for an account (332 %s), which ftpdoctor does not send", firstLine(reply))
		}
	}
	s.Server.Detect(reply.Text())
	if reply.Code == codeLoggedIn || reply.Code == codeLoggedInAuth {
		if !s.syst(ctx, &r) {
			return r
		}
		s.LoggedIn = true
		if s.Anonymous {
			return r.with(StatusPass, LoginAnonymousOK, "logged in anonymously: %d %s", reply.Code, firstLine(reply))
		}
		return r.with(StatusPass, LoginOK, "logged in as %s: %d %s", user, reply.Code, firstLine(reply))
	}
	return s.loginRefused(r, reply)
}

// loginRefused classifies a negative reply to USER or PASS.
func (s *Session) loginRefused(r Result, reply Reply) Result {
	at := r.Evidence.Replies[len(r.Evidence.Replies)-1].Command
	at = strings.Fields(at)[0]
	text := firstLine(reply)
	r.Evidence.Error = text
	switch {
	case strings.HasPrefix(text, "OOPS") || (reply.Code == 500 && at == "PASS"):
		r.Evidence.ServerError = reply.Text()
		return r.with(StatusFail, LoginServerError, "the server failed after %s with a configuration error: %d %s", at, reply.Code, text)
	case (reply.Code == codeUnavailable || reply.Code/100 == 5) && tlsRequired.MatchString(reply.Text()):
		// Pure-FTPd -Y 2 closes plain sessions with a 421 that names TLS.
		return r.with(StatusFail, LoginTLSRequired, "the server requires TLS (FTPS) before login: %d %s", reply.Code, text)
	case reply.Code == codeUnavailable:
		return r.with(StatusFail, LoginUnavailable, "the server refused service at %s: %d %s", at, reply.Code, text)
	case s.Anonymous && (reply.Code == codeNotLoggedIn || reply.Code == codeDenied430 || reply.Code/100 == 5):
		return r.with(StatusFail, LoginAnonRefused, "anonymous login refused at %s: %d %s", at, reply.Code, text)
	case at == "USER" && (reply.Code == codeNotLoggedIn || reply.Code/100 == 5):
		return r.with(StatusFail, LoginUserRejected, "user %s refused at USER: %d %s", s.Target.User, reply.Code, text)
	case reply.Code == codeNotLoggedIn || reply.Code == codeDenied430:
		return r.with(StatusFail, LoginRejected, "user %s and the given password were rejected: %d %s", s.Target.User, reply.Code, text)
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

// syst asks the system type (RFC 959), which also names some servers. A
// server that fails right after login (vsftpd prints "500 OOPS: ..." and
// closes) fails the login stage, as the user cannot work: syst then sets
// r and returns false.
func (s *Session) syst(ctx context.Context, r *Result) bool {
	if s.extra {
		return true
	}
	reply, _, err := s.Control.Cmd(ctx, s.Timeout, "SYST")
	switch {
	case err == nil && reply.Code == 215:
		s.Server.Syst = reply.Text()
		s.Server.Detect(s.Server.Syst)
	case err == nil && strings.HasPrefix(firstLine(reply), "OOPS"):
		r.Evidence.ServerError = reply.Text()
		*r = r.with(StatusFail, LoginServerError, "the server failed right after login with a configuration error: %d %s", reply.Code, firstLine(reply))
		return false
	case Classify(err) == KindClosed:
		*r = r.with(StatusFail, LoginClosed, "the server closed the connection right after login")
		return false
	}
	return true
}
