package integration

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// The services besides the FTP servers: OpenSSH, dnsmasq, a certificate,
// and the test binary re-executed as a silent listener or a connection
// holder.

// sshd starts OpenSSH's server in the server namespace on port 22.
func (l *lab) sshd() *proc {
	l.t.Helper()
	key := filepath.Join(l.dir, "ssh_host_ed25519_key")
	mustRun(l.t, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key)
	if err := os.MkdirAll("/run/sshd", 0o755); err != nil {
		l.t.Fatal(err)
	}
	conf := fmt.Sprintf("Port %d\nListenAddress %s\nHostKey %s\nPidFile none\nUsePAM no\nPasswordAuthentication no\n", sshPort, l.SrvAddr, key)
	path := filepath.Join(l.dir, "sshd_config")
	if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
		l.t.Fatal(err)
	}
	p := l.start(l.srv, "sshd", nil, filepath.Join(suite.root, "usr/sbin/sshd"), "-D", "-e", "-f", path)
	l.waitListening(l.srv, sshPort, p)
	return p
}

// dnsmasq serves the zone test.zone from the server namespace (unknown
// names in it get NXDOMAIN) with one record per name, and points the
// client's resolver at it.
func (l *lab) dnsmasq(records map[string]string) *proc {
	l.t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "no-resolv\nno-hosts\nbind-interfaces\nlisten-address=%s\nlocal=/test.zone/\n", l.SrvAddr)
	for name, addr := range records {
		fmt.Fprintf(&b, "host-record=%s,%s\n", name, addr)
	}
	path := filepath.Join(l.dir, "dnsmasq.conf")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		l.t.Fatal(err)
	}
	p := l.start(l.srv, "dnsmasq", nil, "dnsmasq", "--keep-in-foreground", "--conf-file="+path,
		"--log-facility=-", "--user=nobody", "--group=nogroup", "--pid-file=")
	l.waitListening(l.srv, 53, p)
	l.resolver(l.SrvAddr)
	return p
}

// silentListener accepts connections on the server's FTP port and never
// sends a byte: the test binary itself, re-executed in the namespace.
func (l *lab) silentListener() *proc {
	l.t.Helper()
	self, err := os.Executable()
	if err != nil {
		l.t.Fatal(err)
	}
	p := l.start(l.srv, "silent listener", nil, "env", helperEnv+"=silent",
		fmt.Sprintf("%s=%s:%d", helperAddr, l.SrvAddr, ftpPort), self)
	l.waitListening(l.srv, ftpPort, p)
	return p
}

// selfSigned makes a self-signed certificate and key for the server.
func (l *lab) selfSigned() (cert, key string) {
	l.t.Helper()
	cert, key = filepath.Join(l.dir, "cert.pem"), filepath.Join(l.dir, "key.pem")
	mustRun(l.t, "openssl", "req", "-x509", "-nodes", "-newkey", "rsa:2048", "-days", "2",
		"-subj", "/CN=ftp.test.zone", "-keyout", key, "-out", cert)
	return cert, key
}

// holdConnection opens one control connection from the client namespace to
// addr and keeps it open, as another session of the same user would.
func (l *lab) holdConnection(addr string) *proc {
	l.t.Helper()
	self, err := os.Executable()
	if err != nil {
		l.t.Fatal(err)
	}
	p := l.start(l.cli, "connection holder", nil, "env", helperEnv+"=hold", helperAddr+"="+addr, self)
	deadline := time.After(10 * time.Second)
	for !strings.Contains(p.out.String(), "connected") {
		select {
		case <-p.done:
			l.t.Fatalf("connection holder ended: %v\n%s", p.err, p.out.String())
		case <-deadline:
			l.t.Fatalf("connection holder not connected to %s after 10 s", addr)
		case <-time.After(20 * time.Millisecond):
		}
	}
	return p
}
