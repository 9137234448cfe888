package probes

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"net"
	"strings"
	"sync"
	"time"
)

// TLSMode says whether and how a check protects its connections with TLS
// (RFC 4217). The zero value is TLSAuto.
type TLSMode string

// The modes accepted by --tls.
const (
	TLSAuto     TLSMode = "auto"     // AUTH TLS; plain FTP when the server refuses it (FileZilla's default)
	TLSRequire  TLSMode = "require"  // AUTH TLS; the check fails without it (ftpes://, curl --ssl-reqd)
	TLSImplicit TLSMode = "implicit" // TLS from the first byte (ftps://, port 990)
	TLSOff      TLSMode = "off"      // plain FTP only
)

// maxChainBytes is the largest certificate chain OpenSSL accepts by
// default (SSL_CTX_set_max_cert_list: 100 KiB); clients built on it (curl,
// lftp) refuse a larger one, which Go accepts.
const maxChainBytes = 100 << 10

// certExpiryWarning is how close to its expiry a certificate is warned of.
const certExpiryWarning = 30 * 24 * time.Hour

// Certificate holds the facts of the server's certificate.
type Certificate struct {
	Subject    string    `json:"subject"`         // the leaf's subject
	Issuer     string    `json:"issuer"`          // the leaf's issuer
	DNSNames   []string  `json:"dns_names"`       // the names and addresses the leaf is valid for
	NotAfter   time.Time `json:"not_after"`       // the leaf's expiry
	SelfSigned bool      `json:"self_signed"`     // the leaf signed itself
	Verified   bool      `json:"verified"`        // the chain verified against the roots, for the target's name
	Error      string    `json:"error,omitempty"` // why it did not verify
	Chain      int       `json:"chain"`           // certificates the server sent
	ChainBytes int       `json:"chain_bytes"`     // their size, DER
	Problem    Code      `json:"-"`               // the tls code of the worst problem, empty when none
}

// TLSInfo is what the check learned about TLS on the server.
type TLSInfo struct {
	Mode          string       `json:"mode"`                    // explicit, implicit or none
	Version       string       `json:"version,omitempty"`       // e.g. "TLS 1.3"
	Cipher        string       `json:"cipher,omitempty"`        // the control connection's cipher suite
	DataProtected bool         `json:"data_protected"`          // PROT P was accepted: data connections are encrypted
	SessionReuse  *bool        `json:"session_reuse,omitempty"` // every protected data connection resumed the control connection's session; absent when none was made
	Certificate   *Certificate `json:"certificate,omitempty"`   // the server's certificate

	CertificateChanges []CertificateChange `json:"certificate_changes,omitempty"` // later connections refused for presenting another certificate than the first (tls.certificate_changed)
}

// tlsVersionName names a TLS version as the report writes it.
func tlsVersionName(v uint16) string {
	switch v {
	case tls.VersionTLS10:
		return "TLS 1.0"
	case tls.VersionTLS11:
		return "TLS 1.1"
	case tls.VersionTLS12:
		return "TLS 1.2"
	case tls.VersionTLS13:
		return "TLS 1.3"
	}
	return "0x" + hex.EncodeToString([]byte{byte(v >> 8), byte(v)})
}

// serverName is the name TLS checks the certificate against and keys its
// session cache on: the target as the user gave it (a further account's
// session dials the address the server check reached, but its certificate
// must still be valid for that name).
func (s *Session) serverName() string { return s.trust.host }

// secure runs a TLS handshake over c's transport within the timeout and
// makes every data connection of c a TLS client of the same session cache.
func (s *Session) secure(ctx context.Context, c *Conn) (tls.ConnectionState, error) {
	return s.secureUpTo(ctx, c, s.TLSMax, nil)
}

// secureUpTo is secure with the highest TLS version to offer; before, when
// not nil, runs in the handshake before the certificate is judged, and an
// error from it ends the handshake. Each control connection has a session
// cache of its own, keyed by ServerName, so that its data connections
// resume its session, as vsftpd's require_ssl_reuse and ProFTPD's mod_tls
// demand (Go resumes only with tickets or PSK, and without ServerName keys
// the cache on the remote address, which never matches a data connection). Every connection's certificate goes through
// the run's trust (certTrust): a later one that presents another
// certificate fails its handshake, before any command is sent on it.
func (s *Session) secureUpTo(ctx context.Context, c *Conn, maxVersion uint16, before func() error) (tls.ConnectionState, error) {
	cache := tls.NewLRUClientSessionCache(8)
	cfg := s.trust.config("control", c.RemoteAddr().String(), maxVersion, cache, s.tls.changed)
	if before != nil {
		accept := cfg.VerifyConnection
		cfg.VerifyConnection = func(cs tls.ConnectionState) error {
			if err := before(); err != nil {
				return err
			}
			return accept(cs)
		}
	}
	var state tls.ConnectionState
	err := c.Upgrade(func(nc net.Conn) (net.Conn, error) {
		tc, err := handshake(ctx, nc, cfg, s.Timeout, s.Now)
		if err != nil {
			return nil, err
		}
		state = tc.ConnectionState()
		return tc, nil
	})
	if err != nil {
		return state, err
	}
	c.DataLayer = func(ctx context.Context, dc net.Conn) (net.Conn, error) {
		dcfg := s.trust.config("data", dc.RemoteAddr().String(), maxVersion, cache, s.tls.changed)
		return handshake(ctx, dc, dcfg, s.Timeout, s.Now)
	}
	c.tlsState = &state
	return state, nil
}

// handshake runs a TLS client handshake on nc within timeout.
func handshake(ctx context.Context, nc net.Conn, cfg *tls.Config, timeout time.Duration, now func() time.Time) (*tls.Conn, error) {
	tc := tls.Client(nc, cfg)
	nc.SetDeadline(deadline(ctx, now(), timeout))
	hctx, cancel := context.WithDeadline(ctx, deadline(ctx, now(), timeout))
	defer cancel()
	if err := tc.HandshakeContext(hctx); err != nil {
		return nil, err
	}
	nc.SetDeadline(time.Time{})
	return tc, nil
}

// checkCertificate verifies the server's chain against roots (nil: the
// system's, which honour SSL_CERT_FILE) for host, at now, and names the
// worst problem.
func checkCertificate(state tls.ConnectionState, host string, roots *x509.CertPool, now time.Time) *Certificate {
	if len(state.PeerCertificates) == 0 {
		return &Certificate{Error: "the server sent no certificate", Problem: TLSCertUntrusted}
	}
	leaf := state.PeerCertificates[0]
	c := &Certificate{
		Subject:  leaf.Subject.String(),
		Issuer:   leaf.Issuer.String(),
		DNSNames: append([]string{}, leaf.DNSNames...), // [] (never null) for a certificate with no name
		NotAfter: leaf.NotAfter,
		Chain:    len(state.PeerCertificates),
	}
	for _, ip := range leaf.IPAddresses {
		c.DNSNames = append(c.DNSNames, ip.String())
	}
	c.SelfSigned = leaf.Subject.String() == leaf.Issuer.String() && leaf.CheckSignature(leaf.SignatureAlgorithm, leaf.RawTBSCertificate, leaf.Signature) == nil
	for _, pc := range state.PeerCertificates {
		c.ChainBytes += len(pc.Raw)
	}
	inter := x509.NewCertPool()
	for _, ic := range state.PeerCertificates[1:] {
		inter.AddCert(ic)
	}
	_, err := leaf.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, DNSName: host, CurrentTime: now})
	c.Verified = err == nil
	if err != nil {
		c.Error = err.Error()
	}
	var unknown x509.UnknownAuthorityError
	var invalid x509.CertificateInvalidError
	switch {
	case now.After(leaf.NotAfter) || now.Before(leaf.NotBefore):
		c.Problem = TLSCertExpired
	case leaf.VerifyHostname(host) != nil:
		c.Problem = TLSCertNameMismatch
	case err != nil && c.SelfSigned:
		c.Problem = TLSCertSelfSigned
	case errors.As(err, &unknown), errors.As(err, &invalid):
		c.Problem = TLSCertUntrusted
	case err != nil:
		c.Problem = TLSCertUntrusted
	case leaf.NotAfter.Sub(now) < certExpiryWarning:
		c.Problem = TLSCertExpiring
	case c.ChainBytes > maxChainBytes:
		c.Problem = TLSChainTooLarge
	}
	return c
}

// resumeRefused matches the replies of servers that refuse a protected
// data connection that did not resume the control connection's TLS
// session: vsftpd require_ssl_reuse ("522 SSL connection failed; session
// reuse required"), FileZilla Server ("TLS session of data connection not
// resumed").
func resumeRefused(text string) bool {
	t := strings.ToLower(text)
	return strings.Contains(t, "session reuse") || strings.Contains(t, "not resumed")
}

// tlsState is the session's TLS decision, shared by every control
// connection. The tls stage (or, for implicit TLS, the control stage)
// makes it; the extra connections wait for it before USER.
type tlsState struct {
	mu       sync.Mutex
	implicit bool          // TLS from the first byte (ftps://, or an implicit port found by --tls auto)
	on       bool          // control connections are protected
	blocked  bool          // the handshake or the certificate failed: no login is attempted
	info     TLSInfo       // what is reported
	decided  chan struct{} // closed once on and implicit are final
	once     sync.Once
	offered  chan struct{} // closed when the login's connection got 234 to AUTH TLS: the extras may send theirs
	offer    sync.Once
}

// accepted records that the server accepted AUTH TLS on the login's
// connection, before its handshake: the extra connections send AUTH TLS
// and start their own handshakes at once, and finish them only once the
// decision is made (Session.extraTLS).
func (t *tlsState) accepted() { t.offer.Do(func() { close(t.offered) }) }

// changed records a later connection refused for its certificate.
func (t *tlsState) changed(c CertificateChange) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.info.CertificateChanges = append(t.info.CertificateChanges, c)
}

// decide records whether control connections use TLS and releases the
// extra connections waiting for it.
func (t *tlsState) decide(on bool) {
	t.mu.Lock()
	t.on = on
	t.mu.Unlock()
	t.once.Do(func() { close(t.decided) })
}

// offeredYet reports whether the login's connection got 234 to AUTH TLS.
func (t *tlsState) offeredYet() bool {
	select {
	case <-t.offered:
		return true
	default:
		return false
	}
}

// wait waits for the decision and says whether control connections may go
// on under TLS: an error when TLS failed, or ctx ended first.
func (t *tlsState) wait(ctx context.Context) error {
	select {
	case <-t.decided:
	case <-ctx.Done():
		return ctx.Err()
	}
	if t.isBlocked() || !t.protected() {
		return errTLSStopped
	}
	return nil
}

// errTLSStopped ends an extra connection's handshake when the login's
// connection did not get TLS to work.
var errTLSStopped = errors.New("TLS failed on the login's connection")

// isBlocked reports whether TLS failed so that no login is attempted.
func (t *tlsState) isBlocked() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.blocked
}

// protected reports whether control connections use TLS.
func (t *tlsState) protected() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.on
}

// tlsError describes a failed handshake: the kind of network failure, or
// the TLS library's words (an alert, a record that is not TLS).
func tlsError(err error) string {
	switch Classify(err) {
	case KindTimeout, KindClosed, KindCanceled, KindRefused:
		return describe(err)
	}
	return err.Error()
}

// protectData asks for protected data connections after login: PBSZ 0
// and PROT P (RFC 4217 sections 8 and 9). When the server refuses, data
// connections stay plain.
func (s *Session) protectData(ctx context.Context, c *Conn) bool {
	if c.TLS() == nil {
		return false
	}
	reply, _, err := c.Cmd(ctx, s.Timeout, "PBSZ 0")
	if err == nil && ClassOf(reply.Code) == ReplyCompletion {
		reply, _, err = c.Cmd(ctx, s.Timeout, "PROT P")
	}
	if err != nil || ClassOf(reply.Code) != ReplyCompletion {
		c.DataLayer = nil
		return false
	}
	return true
}

// info returns what is reported about TLS, with whether the data
// connections resumed the control connection's session.
func (t *tlsState) report(results []Result) TLSInfo {
	t.mu.Lock()
	info := t.info
	t.mu.Unlock()
	if info.Mode == "" {
		info.Mode = "none"
	}
	for _, r := range results {
		for _, a := range r.Evidence.Attempts {
			if a.Resumed == nil {
				continue
			}
			all := *a.Resumed && (info.SessionReuse == nil || *info.SessionReuse)
			info.SessionReuse = &all
		}
	}
	return info
}
