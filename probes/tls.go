package probes

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"time"
)

// StageTLS is the tls stage's name.
const StageTLS StageID = "tls"

// tlsStage protects the control connection (RFC 4217): AUTH TLS and a
// handshake, or, with implicit TLS, the handshake the control stage made;
// then it checks the certificate.
var tlsStage = Stage{
	ID:    StageTLS,
	Needs: []Need{needControl, {Met: func(s *Session) bool { return s.TLS != TLSOff }, Why: "--tls off"}},
	Run:   TLS,

	Critical: true, Family: FamilyTLS, PerAccount: true, Phase: PhaseTLS,
}

// TLS runs the tls stage.
func TLS(ctx context.Context, s *Session) Result {
	r := Result{Stage: StageTLS}
	c, release := s.ControlConn(ctx)
	if c == nil {
		return r.with(StatusSkip, CodeSkipped, "no FTP control connection")
	}
	defer release()
	if s.tls.implicit {
		return s.judgeTLS(r, *c.TLS(), "implicit")
	}
	reply, _, err := c.Cmd(ctx, s.Timeout, "AUTH TLS")
	switch {
	case err != nil:
		r.Evidence.Error = describe(err)
		return s.tlsFailed(r, TLSHandshakeFailed, "no reply to AUTH TLS: %s", r.Evidence.Error)
	case reply.Code != ReplyAuthOK && s.TLS == TLSRequire:
		r.Evidence.Error = firstLine(reply)
		return s.tlsFailed(r, TLSNotOffered, "the server refused AUTH TLS (%d %s), and --tls require (ftpes://) needs it", reply.Code, firstLine(reply))
	case reply.Code != ReplyAuthOK:
		s.tls.decide(false)
		return r.with(StatusPass, TLSPlain, "the server refused AUTH TLS (%d %s): plain FTP, as FileZilla does when TLS is not offered", reply.Code, firstLine(reply))
	}
	s.tls.accepted()
	state, err := s.secure(ctx, c)
	var changed *CertChangedError
	if errors.As(err, &changed) {
		r.Evidence.Error = err.Error()
		return s.tlsFailed(r, TLSCertChanged, "this connection presented another certificate than the run's first connection (%s, SHA-256 %s): refused before login", changed.Change.Subject, short(changed.Change.SHA256))
	}
	if err != nil {
		r.Evidence.Error = tlsError(err)
		c.Close()
		r.Evidence.Attempts = s.handshakeFacts(ctx)
		return s.tlsFailed(r, TLSHandshakeFailed, "the TLS handshake after AUTH TLS failed: %s (this client offers %s)%s", r.Evidence.Error, offered(s.TLSMax), handshakeFactsSummary(r.Evidence.Attempts))
	}
	return s.judgeTLS(r, state, "explicit")
}

// tlsFailed ends the stage with a failure that stops the login.
func (s *Session) tlsFailed(r Result, code Code, format string, args ...any) Result {
	s.tls.mu.Lock()
	s.tls.blocked = true
	s.tls.mu.Unlock()
	s.tls.decide(false)
	return r.with(StatusFail, code, format, args...)
}

// judgeTLS records the handshake's facts and grades the certificate. A bad
// certificate stops the check, as a client would, unless --insecure.
func (s *Session) judgeTLS(r Result, state tls.ConnectionState, mode string) Result {
	cert := checkCertificate(state, s.serverName(), s.Roots, s.Now())
	s.tls.mu.Lock()
	s.tls.info = TLSInfo{Mode: mode, Version: tlsVersionName(state.Version), Cipher: tls.CipherSuiteName(state.CipherSuite), Certificate: cert}
	s.tls.mu.Unlock()
	s.tls.decide(true)
	what := fmt.Sprintf("%s %s (%s)", mode, tlsVersionName(state.Version), tls.CipherSuiteName(state.CipherSuite))
	expires := cert.NotAfter.UTC().Format(time.DateOnly)
	r.Evidence.Error = cert.Error
	switch cert.Problem {
	case "":
		return r.with(StatusPass, TLSOK, "%s; the certificate for %s verified, expires %s", what, s.serverName(), expires)
	case TLSCertExpiring:
		return r.with(StatusWarn, TLSCertExpiring, "%s; the certificate expires on %s, in %s", what, expires, days(cert.NotAfter.Sub(s.Now())))
	case TLSChainTooLarge:
		return r.with(StatusWarn, TLSChainTooLarge, "%s; the server sends %d certificates, %d KiB: clients built on OpenSSL refuse more than %d KiB", what, cert.Chain, cert.ChainBytes>>10, maxChainBytes>>10)
	}
	summary := fmt.Sprintf("%s; %s", what, certProblem(cert, s.serverName(), s.Now()))
	if s.Insecure {
		return r.with(StatusWarn, cert.Problem, "%s; --insecure goes on", summary)
	}
	return s.tlsFailed(r, cert.Problem, "%s; not logging in (--insecure goes on)", summary)
}

// certProblem says what is wrong with a certificate.
func certProblem(c *Certificate, host string, now time.Time) string {
	switch c.Problem {
	case TLSCertExpired:
		if now.Before(c.NotAfter) {
			return "the certificate is not valid yet"
		}
		return fmt.Sprintf("the certificate expired on %s, %s ago", c.NotAfter.UTC().Format(time.DateOnly), days(now.Sub(c.NotAfter)))
	case TLSCertNameMismatch:
		return fmt.Sprintf("the certificate is for %v, not for %s", c.DNSNames, host)
	case TLSCertSelfSigned:
		return fmt.Sprintf("the certificate is self-signed (%s)", c.Subject)
	}
	return fmt.Sprintf("the certificate does not lead to a trusted root (issuer %s, %d in the chain sent): %s", c.Issuer, c.Chain, c.Error)
}

// days writes a duration in whole days.
func days(d time.Duration) string {
	n := int(d.Hours() / 24)
	if n == 1 {
		return "1 day"
	}
	return fmt.Sprintf("%d days", n)
}

// offered names the TLS versions this client offers.
func offered(max uint16) string {
	if max == 0 {
		max = tls.VersionTLS13
	}
	return "TLS 1.0 to " + tlsVersionName(max)[4:]
}
