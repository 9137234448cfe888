package probes

import (
	"bytes"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"
)

// certTrust is the run's one decision about which certificates its TLS
// connections accept, shared by every connection of the run: the login's
// control connection, the extra ones, every data connection and, with many
// accounts, every further account's. The first connection's certificate
// is judged by the tls stage (checkCertificate), which stops the login
// when it is bad unless --insecure. Every later connection must then
// present a certificate that verifies as the first did (the chain against
// the same roots, for the same name), or, when the first was accepted
// unverified, exactly the first one's certificate: curl and FileZilla
// never let a later connection of a session present anything else.
type certTrust struct {
	host  string           // the name certificates must be valid for
	roots *x509.CertPool   // nil: the system's (SSL_CERT_FILE is honoured)
	now   func() time.Time // the clock verification uses
	base  *tls.Config      // built once: every connection's config is a clone with its own session cache

	mu     sync.Mutex
	first  *x509.Certificate // the leaf the first connection presented; nil until then
	pinned bool              // the first was not verified: later connections must present exactly it
}

// newCertTrust builds the run's TLS trust from the configuration.
func newCertTrust(cfg Config, now func() time.Time) *certTrust {
	t := &certTrust{host: cfg.Target.Host, roots: cfg.Roots, now: now}
	t.base = &tls.Config{
		ServerName: cfg.Target.Host,
		// The chain is not left unchecked: every connection goes through
		// VerifyConnection (accept), which verifies it or compares it
		// with the pinned certificate; the first connection's is judged
		// by checkCertificate, which reports what is wrong with it.
		InsecureSkipVerify: true, // #nosec G402: verified or pinned in accept
		MinVersion:         tls.VersionTLS10,
	}
	return t
}

// CertificateChange is a later connection of the run that presented a
// certificate the run did not trust as it trusted the first connection's:
// it was refused before any command was sent on it.
type CertificateChange struct {
	Connection string `json:"connection"` // "control" (a further control connection) or "data"
	Remote     string `json:"remote"`     // the server's address:port on that connection
	Subject    string `json:"subject"`    // the subject of the leaf it presented
	SHA256     string `json:"sha256"`     // SHA-256 of the leaf it presented (DER), hex
	Expected   string `json:"expected"`   // SHA-256 of the first connection's leaf, hex
	Reason     string `json:"reason"`     // why it was refused: not the pinned certificate, or why it did not verify
}

// CertChangedError is the handshake error of a connection refused for
// presenting another certificate.
type CertChangedError struct{ Change CertificateChange }

// Error implements error.
func (e *CertChangedError) Error() string {
	return fmt.Sprintf("the server presented another certificate (SHA-256 %s) than on the first connection (%s): %s", short(e.Change.SHA256), short(e.Change.Expected), e.Change.Reason)
}

// short is the first 16 hex digits of a fingerprint, enough to tell two
// apart in a sentence; the JSON has the whole.
func short(fp string) string {
	if len(fp) > 16 {
		return fp[:16] + "..."
	}
	return fp
}

// fingerprint is the SHA-256 of a certificate's DER, hex.
func fingerprint(c *x509.Certificate) string {
	sum := sha256.Sum256(c.Raw)
	return hex.EncodeToString(sum[:])
}

// config returns the TLS configuration of one connection to remote: a
// clone of the run's, offering TLS up to maxVersion, with cache as its
// session cache, that reports a refused certificate to changed.
func (t *certTrust) config(connection, remote string, maxVersion uint16, cache tls.ClientSessionCache, changed func(CertificateChange)) *tls.Config {
	cfg := t.base.Clone()
	cfg.MaxVersion = maxVersion
	cfg.ClientSessionCache = cache
	cfg.VerifyConnection = func(cs tls.ConnectionState) error { return t.accept(connection, remote, cs, changed) }
	return cfg
}

// accept runs inside every handshake of the run, resumed ones included. The
// first certificate is taken as the one to judge; a later one must verify
// as the first did, or be the first.
func (t *certTrust) accept(connection, remote string, cs tls.ConnectionState, changed func(CertificateChange)) error {
	if len(cs.PeerCertificates) == 0 {
		return errors.New("the server sent no certificate")
	}
	leaf := cs.PeerCertificates[0]
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.first == nil {
		t.first = leaf
		t.pinned = t.verify(cs) != nil
		return nil
	}
	var reason string
	switch err := t.verify(cs); {
	case t.pinned && bytes.Equal(leaf.Raw, t.first.Raw):
		return nil
	case t.pinned:
		reason = "the first connection's certificate was accepted unverified, so it is the only one this run accepts"
	case err == nil:
		return nil
	default:
		reason = "it does not verify as the first connection's did: " + err.Error()
	}
	c := CertificateChange{Connection: connection, Remote: remote, Subject: leaf.Subject.String(), SHA256: fingerprint(leaf), Expected: fingerprint(t.first), Reason: reason}
	if changed != nil {
		changed(c)
	}
	return &CertChangedError{Change: c}
}

// verify checks a chain against the run's roots, for the run's name.
func (t *certTrust) verify(cs tls.ConnectionState) error {
	inter := x509.NewCertPool()
	for _, ic := range cs.PeerCertificates[1:] {
		inter.AddCert(ic)
	}
	_, err := cs.PeerCertificates[0].Verify(x509.VerifyOptions{Roots: t.roots, Intermediates: inter, DNSName: t.host, CurrentTime: t.now()})
	return err
}

// changes returns the later connections refused for their certificate.
func (t *tlsState) changes() []CertificateChange {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]CertificateChange(nil), t.info.CertificateChanges...)
}

// judgeLaterCertificates makes the tls stage name the later connections
// refused for their certificate (tls.certificate_changed): they were
// refused after the stage ended, while the login and the data stages ran.
func (s *Session) judgeLaterCertificates(results []Result) {
	changes := s.tls.changes()
	if len(changes) == 0 {
		return
	}
	c := changes[0]
	for i, r := range results {
		if r.Stage != StageTLS || r.Status == StatusSkip || r.Status == StatusInterrupted || r.Code == TLSCertChanged {
			continue
		}
		results[i] = r.with(StatusFail, TLSCertChanged, "%s; then a later %s connection to %s presented another certificate (%s, SHA-256 %s) and was refused before any command was sent on it (%d refused in all): %s",
			r.Summary, c.Connection, c.Remote, c.Subject, short(c.SHA256), len(changes), c.Reason)
	}
}
