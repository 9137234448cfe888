package integration

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ftpdoctor/ftpdoctor/internal/netlab"
)

// Helpers for the FTPS scenarios (scenarios_tls_test.go,
// scenarios_tls_more_test.go).

// tlsJSON is the report's top-level tls object.
type tlsJSON struct {
	Mode          string `json:"mode"`           // explicit, implicit or none
	Version       string `json:"version"`        // "TLS 1.3"
	Cipher        string `json:"cipher"`         // the control connection's cipher suite
	DataProtected bool   `json:"data_protected"` // PROT P accepted
	SessionReuse  *bool  `json:"session_reuse"`  // every protected data connection resumed; nil when none was made
	Certificate   *struct {
		Subject    string   `json:"subject"`     // the leaf's subject
		Issuer     string   `json:"issuer"`      // the leaf's issuer
		DNSNames   []string `json:"dns_names"`   // names and IP SANs
		SelfSigned bool     `json:"self_signed"` // the leaf signed itself
		Verified   bool     `json:"verified"`    // the chain verified for the target
		Error      string   `json:"error"`       // why it did not verify
		Chain      int      `json:"chain"`       // certificates sent
	} `json:"certificate"` // the server's certificate; nil when no TLS
}

// certDays is how long the certificates of healthy scenarios stay valid:
// past ftpdoctor's 30-day expiry warning.
const certDays = 90

// issueCert makes a throwaway CA and a certificate from it for the address
// clients dial, valid for certDays.
func (l *lab) issueCert() netlab.Issued {
	l.t.Helper()
	return l.IssueCert(l.Target(), certDays)
}

// vsftpdTLS starts vsftpd with ssl_enable=YES and the certificate is,
// with extra settings.
func (l *lab) vsftpdTLS(is netlab.Issued, extra ...string) *netlab.Proc {
	l.t.Helper()
	return l.vsftpd(append([]string{"ssl_enable=YES", "rsa_cert_file=" + is.Cert, "rsa_private_key_file=" + is.Key}, extra...)...)
}

// proftpdTLS starts ProFTPD with mod_tls serving the certificate is;
// required is TLSRequired, options TLSOptions, protocol TLSProtocol (empty:
// mod_tls's defaults as netlab sets them).
func (l *lab) proftpdTLS(is netlab.Issued, required, options, protocol string) *netlab.Proc {
	l.t.Helper()
	return l.Proftpd(l.srv, netlab.Proftpd{Addr: l.SrvAddr, Port: ftpPort, PassiveLow: passiveLow, PassiveHigh: passiveHigh,
		TLS: &netlab.ProftpdTLS{Cert: is.Cert, Key: is.Key, Required: required, Options: options, Protocol: protocol}})
}

// loginTLS is login with more flags: --ca-file trusting is's CA, then extra.
func loginTLS(target string, is netlab.Issued, extra ...string) checkRun {
	r := login(target)
	r.Extra = append([]string{"--ca-file", is.CA}, extra...)
	return r
}

// tlsWant is what a scenario expects of the report's tls object and of its
// data attempts. Zero fields are not checked.
type tlsWant struct {
	Mode          string // tls.mode
	Version       string // tls.version
	DataProtected bool   // tls.data_protected must be true, and every passing EPSV, PASV, EPRT and PORT protected
	SessionReuse  string // "true", "false" or "absent"
	Verified      string // certificate.verified: "true" or "false"
	SelfSigned    bool   // certificate.self_signed must be true
}

// checkTLS returns an extra check of a scenario that compares the tls
// object with w.
func checkTLS(w tlsWant) func(t *testing.T, l *lab, got checkResult) {
	return func(t *testing.T, l *lab, got checkResult) {
		t.Helper()
		tl := got.Report.TLS
		var errs []string
		if w.Mode != "" && tl.Mode != w.Mode {
			errs = append(errs, fmt.Sprintf("tls.mode = %q, want %q", tl.Mode, w.Mode))
		}
		if w.Version != "" && tl.Version != w.Version {
			errs = append(errs, fmt.Sprintf("tls.version = %q, want %q", tl.Version, w.Version))
		}
		if w.DataProtected {
			if !tl.DataProtected {
				errs = append(errs, "tls.data_protected = false, want true")
			}
			for _, id := range []string{"passive", "active"} {
				for _, a := range attempts(t, got.Report, id) {
					// Only the four data commands: "PASV (plain text)",
					// auto mode's comparison for a NAT helper, is plain.
					dataCmd := a.Command == "EPSV" || a.Command == "PASV" || a.Command == "EPRT" || a.Command == "PORT"
					if dataCmd && a.Status == "pass" && !a.Protected {
						errs = append(errs, fmt.Sprintf("%s %s passed unprotected", id, a.Command))
					}
				}
			}
		}
		reuse := "absent"
		if tl.SessionReuse != nil {
			reuse = fmt.Sprint(*tl.SessionReuse)
		}
		if w.SessionReuse != "" && reuse != w.SessionReuse {
			errs = append(errs, fmt.Sprintf("tls.session_reuse = %s, want %s", reuse, w.SessionReuse))
		}
		if w.Verified != "" || w.SelfSigned {
			switch c := tl.Certificate; {
			case c == nil:
				errs = append(errs, "no tls.certificate")
			case w.Verified != "" && fmt.Sprint(c.Verified) != w.Verified:
				errs = append(errs, fmt.Sprintf("certificate.verified = %v (%s), want %s", c.Verified, c.Error, w.Verified))
			case w.SelfSigned && !c.SelfSigned:
				errs = append(errs, "certificate.self_signed = false, want true")
			}
		}
		if len(errs) > 0 {
			t.Errorf("tls object differs:\n  %s\nreport:\n%s", strings.Join(errs, "\n  "), got.Raw)
		}
	}
}

// both runs every extra check given.
func both(checks ...func(t *testing.T, l *lab, got checkResult)) func(t *testing.T, l *lab, got checkResult) {
	return func(t *testing.T, l *lab, got checkResult) {
		t.Helper()
		for _, c := range checks {
			c(t, l, got)
		}
	}
}
