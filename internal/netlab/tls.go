package netlab

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Issued is a server certificate issued by a throwaway CA made for it, in
// PEM files in the lab's directory.
type Issued struct {
	Cert     string // the server's certificate
	Key      string // its RSA key, unencrypted, mode 0600
	CA       string // the CA's certificate: what a client trusts (ftpdoctor --ca-file)
	Combined string // the key and then the certificate in one file, as Pure-FTPd's pure-ftpd.pem holds them
}

// IssueCert makes a CA (RSA 2048, basicConstraints CA:TRUE, valid for 2
// days) and issues from it a server certificate for the IP address ip
// (subjectAltName IP:ip, which Go checks; the subject CN is ip too), valid
// for days. A certificate that expires within 30 days is a warning to
// ftpdoctor (tls.cert_expiring), so a healthy lab wants more than that. The
// CA's key is not kept apart from the rest: it signs nothing else and goes
// with the lab.
func (l *Lab) IssueCert(ip string, days int) Issued {
	l.T.Helper()
	d, err := os.MkdirTemp(l.Dir, "ca-")
	if err != nil {
		l.T.Fatal(err)
	}
	f := func(name string) string { return filepath.Join(d, name) }
	is := Issued{Cert: f("cert.pem"), Key: f("key.pem"), CA: f("ca.pem"), Combined: f("key-cert.pem")}
	l.Host("openssl", "req", "-x509", "-nodes", "-newkey", "rsa:2048", "-days", "2",
		"-subj", "/CN=fdlab throwaway CA", "-keyout", f("ca-key.pem"), "-out", is.CA,
		"-addext", "basicConstraints=critical,CA:TRUE",
		"-addext", "keyUsage=critical,keyCertSign,cRLSign")
	l.Host("openssl", "req", "-new", "-nodes", "-newkey", "rsa:2048",
		"-subj", "/CN="+ip, "-keyout", is.Key, "-out", f("leaf.csr"))
	ext := fmt.Sprintf("basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"+
		"extendedKeyUsage=serverAuth\nsubjectAltName=IP:%s\n", ip)
	if err := os.WriteFile(f("leaf.ext"), []byte(ext), 0o600); err != nil {
		l.T.Fatal(err)
	}
	l.Host("openssl", "x509", "-req", "-in", f("leaf.csr"), "-CA", is.CA, "-CAkey", f("ca-key.pem"),
		"-CAcreateserial", "-CAserial", f("ca.srl"), "-days", strconv.Itoa(days), "-extfile", f("leaf.ext"), "-out", is.Cert)
	var combined []byte
	for _, p := range []string{is.Key, is.Cert} {
		b, err := os.ReadFile(p)
		if err != nil {
			l.T.Fatal(err)
		}
		combined = append(combined, b...)
	}
	if err := os.WriteFile(is.Combined, combined, 0o600); err != nil {
		l.T.Fatal(err)
	}
	return is
}

// ProftpdTLS turns on ProFTPD's mod_tls, which Debian ships in
// proftpd-mod-crypto, unpacked beside proftpd-core by .ci/install.sh.
type ProftpdTLS struct {
	Cert     string // TLSRSACertificateFile
	Key      string // TLSRSACertificateKeyFile
	Required string // TLSRequired: on, off, ctrl, data, ...; empty: off
	Options  string // TLSOptions, such as "NoSessionReuseRequired"; empty: none, so data connections must reuse the session
	Protocol string // TLSProtocol; empty: "TLSv1.2 TLSv1.3"
}

// directives returns the configuration lines of t, with its TLSLog in dir.
func (t ProftpdTLS) directives(dir string) []string {
	required, protocol := t.Required, t.Protocol
	if required == "" {
		required = "off"
	}
	if protocol == "" {
		protocol = "TLSv1.2 TLSv1.3"
	}
	lines := []string{
		"ModulePath " + filepath.Join(ServerRoot(), "usr/lib/proftpd"),
		"LoadModule mod_tls.c",
		"TLSEngine on",
		"TLSLog " + filepath.Join(dir, "proftpd.tls.log"),
		"TLSProtocol " + protocol,
		"TLSRSACertificateFile " + t.Cert,
		"TLSRSACertificateKeyFile " + t.Key,
		"TLSRequired " + required,
	}
	if strings.TrimSpace(t.Options) != "" {
		lines = append(lines, "TLSOptions "+t.Options)
	}
	return lines
}
