package cli

import (
	"crypto/tls"
	"crypto/x509"
	"os"

	urfave "github.com/urfave/cli/v2"

	"github.com/ftpdoctor/ftpdoctor/internal/target"
	"github.com/ftpdoctor/ftpdoctor/probes"
)

// tlsFlags are the FTPS flags of check. serve and web have none of them:
// --compare-plain above all, which sends a password in clear text, is for
// a person at a terminal only.
func tlsFlags() []urfave.Flag {
	return []urfave.Flag{
		&urfave.StringFlag{Name: "tls", Value: string(probes.TLSAuto), Usage: "FTPS: auto (AUTH TLS when offered, as FileZilla), require (ftpes://), implicit (ftps://) or off"},
		&urfave.StringFlag{Name: "ca-file", Usage: "trust the CA certificates in `FILE` (PEM) instead of the system's"},
		&urfave.BoolFlag{Name: "insecure", Usage: "go on past a bad certificate, still reporting it"},
		&urfave.StringFlag{Name: "tls-max", Usage: "highest TLS version to offer: 1.2 or 1.3"},
		&urfave.BoolFlag{Name: "compare-plain", Usage: "when passive mode fails under TLS, log in once more in plain text to confirm a NAT helper: sends the password in clear text once"},
	}
}

// tlsConfig applies the FTPS flags and the target's scheme to cfg.
func tlsConfig(c *urfave.Context, cfg *probes.Config) error {
	mode := probes.TLSMode(c.String("tls"))
	switch mode {
	case probes.TLSAuto, probes.TLSRequire, probes.TLSImplicit, probes.TLSOff:
	default:
		return usageError("--tls must be auto, require, implicit or off, got %q", c.String("tls"))
	}
	if want, ok := schemeMode(cfg.Target.Scheme); ok {
		if c.IsSet("tls") && mode != want {
			return usageError("%s:// means --tls %s; drop --tls or use ftp://", cfg.Target.Scheme, want)
		}
		mode = want
	}
	cfg.TLS = mode
	cfg.Insecure = c.Bool("insecure")
	cfg.ComparePlain = c.Bool("compare-plain")
	if cfg.ComparePlain && (mode == probes.TLSOff || mode == probes.TLSImplicit) {
		return usageError("--compare-plain compares plain text with explicit TLS: it needs --tls auto or require, not %s", mode)
	}
	switch v := c.String("tls-max"); v {
	case "":
	case "1.2":
		cfg.TLSMax = tls.VersionTLS12
	case "1.3":
		cfg.TLSMax = tls.VersionTLS13
	default:
		return usageError("--tls-max must be 1.2 or 1.3, got %q", v)
	}
	if path := c.String("ca-file"); path != "" {
		pem, err := os.ReadFile(path)
		if err != nil {
			return usageError("--ca-file: %s", err)
		}
		cfg.Roots = x509.NewCertPool()
		if !cfg.Roots.AppendCertsFromPEM(pem) {
			return usageError("--ca-file %s holds no PEM certificate", path)
		}
	}
	return nil
}

// schemeMode is the TLS mode a target's URL scheme asks for, if any.
func schemeMode(scheme string) (probes.TLSMode, bool) {
	m, ok := target.SchemeTLS[scheme]
	return m, ok
}
