package probes

import (
	"context"
	"crypto/tls"
	"strconv"
	"strings"
)

// What a failed TLS handshake after 234 leaves unknown, and the tls stage
// finds out on connections of their own, each as an attempt: whether TLS
// 1.2 works where this client's offer up to TLS 1.3 did not, and, with
// --tls auto, whether the server takes a user name without TLS. No PASS is
// ever sent on those connections: TLS never came up, and a password in
// clear is not the check's to give away (issue 15's rule, kept before TLS
// too).
const (
	attemptTLS12     = "AUTH TLS (TLS 1.0 to 1.2)" // the handshake again, offering at most TLS 1.2
	attemptPlainUser = "USER (plain, no TLS)"      // the user name on a plain connection, no password
)

// handshakeFacts runs the follow-ups of a failed handshake after 234.
func (s *Session) handshakeFacts(ctx context.Context) []Attempt {
	var out []Attempt
	tlsWorked := false
	if s.TLSMax == 0 || s.TLSMax > tls.VersionTLS12 {
		if a, ok := s.handshakeUpTo12(ctx); ok {
			out = append(out, a)
			tlsWorked = a.Status == StatusPass
		}
	}
	// Once a TLS session came up with the server in this run, not even the
	// user name goes without TLS.
	if s.TLS == TLSAuto && !tlsWorked {
		if a, ok := s.plainUser(ctx); ok {
			out = append(out, a)
		}
	}
	return out
}

// handshakeUpTo12 says whether the handshake succeeds when TLS 1.2 is the
// highest version offered.
func (s *Session) handshakeUpTo12(ctx context.Context) (Attempt, bool) {
	a := Attempt{Command: attemptTLS12}
	start := s.Now()
	c, ok := s.greetedControl(ctx)
	if !ok {
		return a, false
	}
	defer c.Close()
	reply, ex, err := c.Cmd(ctx, s.Timeout, "AUTH TLS")
	a.Reply = ex
	if err != nil || reply.Code != ReplyAuthOK {
		return a, false
	}
	state, err := s.secureUpTo(ctx, c, tls.VersionTLS12, nil)
	if err != nil {
		a.Error = tlsError(err)
		a.finish(start, s.Now, StatusFail, TLSHandshakeFailed)
		return a, true
	}
	a.Negotiated = tlsVersionName(state.Version) + " " + tls.CipherSuiteName(state.CipherSuite)
	a.finish(start, s.Now, StatusPass, TLSOK)
	return a, true
}

// plainUser sends the user name without TLS and records the reply: 331
// means plain FTP would go on to the password.
func (s *Session) plainUser(ctx context.Context) (Attempt, bool) {
	a := Attempt{Command: attemptPlainUser}
	start := s.Now()
	c, ok := s.greetedControl(ctx)
	if !ok {
		return a, false
	}
	defer c.Close()
	reply, ex, err := c.Cmd(ctx, s.Timeout, "USER %s", s.loginName())
	a.Reply = ex
	switch {
	case err != nil:
		return a, false
	case reply.Code == ReplyNeedPassword || reply.Code == ReplyLoggedIn:
		a.finish(start, s.Now, StatusPass, TLSPlain)
	default:
		a.finish(start, s.Now, StatusFail, TLSHandshakeFailed)
	}
	return a, true
}

// handshakeFactsSummary adds the follow-ups' outcome to the stage summary.
func handshakeFactsSummary(attempts []Attempt) string {
	out := ""
	for _, a := range attempts {
		switch {
		case a.Command == attemptTLS12 && a.Status == StatusPass:
			out += "; offering at most TLS 1.2 the handshake worked (" + a.Negotiated + ")"
		case a.Command == attemptTLS12:
			out += "; offering at most TLS 1.2 it failed too"
		case a.Status == StatusPass:
			out += "; without TLS the server takes the user name (" + firstLineOf(a.Reply) + ")"
		default:
			out += "; without TLS the server refuses the user name too (" + firstLineOf(a.Reply) + ")"
		}
	}
	return out
}

// firstLineOf is "CODE first line" of an exchange.
func firstLineOf(ex Exchange) string {
	line, _, _ := strings.Cut(ex.Text, "\n")
	return strconv.Itoa(ex.Code) + " " + line
}

// greetedControl opens a further control connection to the server and
// reads its 220 greeting; false when either fails.
func (s *Session) greetedControl(ctx context.Context) (*Conn, bool) {
	c, _, err := s.dialControl(ctx, s.Server.Peer.String())
	if err != nil {
		return nil, false
	}
	if g, _, err := c.Read(ctx, s.Timeout, ""); err != nil || g.Code != ReplyReady {
		c.Close()
		return nil, false
	}
	return c, true
}
