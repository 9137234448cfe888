package netlab

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
)

// Issued is a server certificate issued by a throwaway CA, in PEM files in
// the lab's directory.
type Issued struct {
	Cert     string // the server's certificate
	Key      string // its RSA key, unencrypted, mode 0600
	CA       string // the CA's certificate: what a client trusts (ftpdoctor --ca-file)
	Combined string // the key and then the certificate in one file, as Pure-FTPd's pure-ftpd.pem holds them
}

// IssueCert issues from a throwaway CA (RSA 2048, basicConstraints
// CA:TRUE, valid for 2 days) a server certificate for the IP address ip
// (subjectAltName IP:ip, which Go checks; the subject CN is ip too), valid
// for days. A certificate that expires within 30 days is a warning to
// ftpdoctor (tls.cert_expiring), so a healthy lab wants more than that.
// The CA and the server's RSA key are made once per test process (see
// runKeys) and written into each lab's directory: generating RSA keys for
// every lab cost seconds of CPU on a loaded 2-core machine, signing costs
// milliseconds.
func (l *Lab) IssueCert(ip string, days int) Issued {
	l.T.Helper()
	keys, err := runKeys()
	if err != nil {
		l.T.Fatal(err)
	}
	d, err := os.MkdirTemp(l.Dir, "ca-")
	if err != nil {
		l.T.Fatal(err)
	}
	f := func(name string) string { return filepath.Join(d, name) }
	is := Issued{Cert: f("cert.pem"), Key: f("key.pem"), CA: f("ca.pem"), Combined: f("key-cert.pem")}
	for path, pem := range map[string][]byte{is.CA: keys.caCert, f("ca-key.pem"): keys.caKey, is.Key: keys.serverKey} {
		if err := os.WriteFile(path, pem, 0o600); err != nil {
			l.T.Fatal(err)
		}
	}
	l.Host("openssl", "req", "-new", "-key", is.Key, "-subj", "/CN="+ip, "-out", f("leaf.csr"))
	ext := fmt.Sprintf("basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"+
		"extendedKeyUsage=serverAuth\nsubjectAltName=IP:%s\n", ip)
	if err := os.WriteFile(f("leaf.ext"), []byte(ext), 0o600); err != nil {
		l.T.Fatal(err)
	}
	l.Host("openssl", "x509", "-req", "-in", f("leaf.csr"), "-CA", is.CA, "-CAkey", f("ca-key.pem"),
		"-CAcreateserial", "-CAserial", f("ca.srl"), "-days", strconv.Itoa(days), "-extfile", f("leaf.ext"), "-out", is.Cert)
	cert, err := os.ReadFile(is.Cert)
	if err != nil {
		l.T.Fatal(err)
	}
	if err := os.WriteFile(is.Combined, append(append([]byte{}, keys.serverKey...), cert...), 0o600); err != nil {
		l.T.Fatal(err)
	}
	return is
}

// tlsKeys are the PEM files IssueCert shares between the labs of one test
// process.
type tlsKeys struct {
	caCert    []byte // the CA's self-signed certificate
	caKey     []byte // its RSA key
	serverKey []byte // the RSA key of every server certificate
}

// runKeys makes the CA and the server key with openssl once per process.
var runKeys = sync.OnceValues(func() (tlsKeys, error) {
	d, err := MkdirTemp("", "ca")
	if err != nil {
		return tlsKeys{}, err
	}
	defer os.RemoveAll(d)
	f := func(name string) string { return filepath.Join(d, name) }
	for _, args := range [][]string{
		{"req", "-x509", "-nodes", "-newkey", "rsa:2048", "-days", "2",
			"-subj", "/CN=fdlab throwaway CA", "-keyout", f("ca-key.pem"), "-out", f("ca.pem"),
			"-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"},
		{"genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", f("key.pem")},
	} {
		if out, err := exec.Command("openssl", args...).CombinedOutput(); err != nil {
			return tlsKeys{}, fmt.Errorf("openssl %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	var k tlsKeys
	for _, r := range []struct {
		dst  *[]byte
		name string
	}{{&k.caCert, "ca.pem"}, {&k.caKey, "ca-key.pem"}, {&k.serverKey, "key.pem"}} {
		if *r.dst, err = os.ReadFile(f(r.name)); err != nil {
			return tlsKeys{}, err
		}
	}
	return k, nil
})

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
