package netlab

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// DefaultServerRoot is where .ci/install.sh unpacks the servers.
const DefaultServerRoot = "/opt/ftpdoctor-it/root"

// ServerRoot returns where the servers are unpacked: $FTPDOCTOR_IT_ROOT, or
// DefaultServerRoot.
func ServerRoot() string {
	if r := os.Getenv("FTPDOCTOR_IT_ROOT"); r != "" {
		return r
	}
	return DefaultServerRoot
}

// server returns the path of an unpacked server binary, such as "vsftpd".
func server(name string) string { return filepath.Join(ServerRoot(), "usr/sbin", name) }

// Vsftpd starts vsftpd in namespace ns with the settings REALSERVERS.md
// measured (listen on port 21, foreground, no seccomp sandbox, an empty
// secure_chroot_dir) overridden by settings ("key=value" strings; later
// ones win), and waits until it listens on listen_port. Its start-up
// errors, which vsftpd writes to fd 0, and its vsftpd_log_file are shown
// when the test fails.
func (l *Lab) Vsftpd(ns string, settings ...string) *Proc {
	l.T.Helper()
	dir, err := os.MkdirTemp(l.Dir, "vsftpd-")
	if err != nil {
		l.T.Fatal(err)
	}
	empty := filepath.Join(dir, "empty")
	for _, d := range []string{dir, empty} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			l.T.Fatal(err)
		}
		os.Chmod(d, 0o755)
	}
	cfg := map[string]string{
		"listen": "YES", "listen_ipv6": "NO", "listen_port": "21", "background": "NO",
		"secure_chroot_dir": empty, "nopriv_user": "nobody", "seccomp_sandbox": "NO", "connect_from_port_20": "NO",
	}
	for _, kv := range settings {
		k, v, _ := strings.Cut(kv, "=")
		cfg[k] = v
	}
	keys := make([]string, 0, len(cfg))
	for k := range cfg {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%s=%s\n", k, cfg[k])
	}
	conf := filepath.Join(dir, "vsftpd.conf")
	if err := os.WriteFile(conf, []byte(b.String()), 0o600); err != nil {
		l.T.Fatal(err)
	}
	stdin, err := os.OpenFile(filepath.Join(dir, "startup"), os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		l.T.Fatal(err)
	}
	l.T.Cleanup(func() { stdin.Close() })
	p := l.Start(ns, "vsftpd", stdin, server("vsftpd"), conf)
	if f := cfg["vsftpd_log_file"]; f != "" {
		p.Logs = append(p.Logs, f)
	}
	p.Logs = append(p.Logs, stdin.Name())
	port, err := strconv.Atoi(cfg["listen_port"])
	if err != nil {
		l.T.Fatalf("vsftpd listen_port %q: %v", cfg["listen_port"], err)
	}
	p.WaitListening(ns, port)
	addr := cfg["listen_address"]
	if cfg["listen_ipv6"] == "YES" {
		addr = cfg["listen_address6"]
	}
	if addr != "" && cfg["max_per_ip"] == "" && cfg["max_clients"] == "" {
		// A limit on sessions would count the greeting's own.
		p.WaitGreeting(ns, net.JoinHostPort(addr, strconv.Itoa(port)), cfg["implicit_ssl"] == "YES")
	}
	return p
}

// Proftpd is what a ProFTPD started by Lab.Proftpd listens on and hands out.
type Proftpd struct {
	Addr        string      // DefaultAddress, bound tightly
	Port        int         // control port
	PassiveLow  int         // first port of PassivePorts
	PassiveHigh int         // last port of PassivePorts
	Masquerade  string      // MasqueradeAddress; empty: none
	Directives  []string    // more configuration lines, e.g. "MaxClientsPerHost 1"
	TLS         *ProftpdTLS // mod_tls settings; nil: no mod_tls, plain FTP only
}

// Proftpd starts ProFTPD in namespace ns as a standalone server for the
// local users, with its scoreboard, pid file and logs (TLSLog too, when
// c.TLS loads mod_tls) in the lab's directory, and waits until it listens.
func (l *Lab) Proftpd(ns string, c Proftpd) *Proc {
	l.T.Helper()
	d, err := os.MkdirTemp(l.Dir, "proftpd-")
	if err != nil {
		l.T.Fatal(err)
	}
	if err := os.Chmod(d, 0o755); err != nil { // the scoreboard is written after dropping to nobody
		l.T.Fatal(err)
	}
	conf := fmt.Sprintf(`ServerName "fdlab"
ServerType standalone
DefaultServer on
DefaultAddress %s
SocketBindTight on
Port %d
User nobody
Group nogroup
UseIPv6 off
UseReverseDNS off
WtmpLog off
ScoreboardFile %s/proftpd.scoreboard
PidFile %s/proftpd.pid
DelayTable %s/proftpd.delay
SystemLog %s/proftpd.system.log
TransferLog %s/proftpd.xfer.log
PassivePorts %d %d
AuthOrder mod_auth_unix.c
RequireValidShell off
AllowOverwrite on
`, c.Addr, c.Port, d, d, d, d, d, c.PassiveLow, c.PassiveHigh)
	if c.Masquerade != "" {
		conf += "MasqueradeAddress " + c.Masquerade + "\n"
	}
	var tlsLines []string
	if c.TLS != nil {
		tlsLines = c.TLS.directives(d)
	}
	for _, line := range append(tlsLines, c.Directives...) {
		conf += line + "\n"
	}
	path := filepath.Join(d, "proftpd.conf")
	if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
		l.T.Fatal(err)
	}
	p := l.Start(ns, "proftpd", nil, server("proftpd"), "-n", "-q", "-c", path)
	p.Logs = []string{filepath.Join(d, "proftpd.system.log")}
	if c.TLS != nil {
		p.Logs = append(p.Logs, filepath.Join(d, "proftpd.tls.log"))
	}
	p.WaitListening(ns, c.Port)
	p.WaitGreeting(ns, net.JoinHostPort(c.Addr, strconv.Itoa(c.Port)), false)
	return p
}

// PureFTPd starts Pure-FTPd in namespace ns on addr:port for the local
// users, without anonymous logins (-E) and with the passive range
// low-high, plus extra options, and waits until it listens.
func (l *Lab) PureFTPd(ns, addr string, port, low, high int, extra ...string) *Proc {
	l.T.Helper()
	args := append([]string{server("pure-ftpd"),
		"-S", fmt.Sprintf("%s,%d", addr, port), "-l", "unix", "-E",
		"-p", fmt.Sprintf("%d:%d", low, high), "-H", "-f", "none"}, extra...)
	p := l.Start(ns, "pure-ftpd", nil, args...)
	p.WaitListening(ns, port)
	p.WaitGreeting(ns, net.JoinHostPort(addr, strconv.Itoa(port)), pureImplicit(extra))
	return p
}

// Sshd starts OpenSSH's server in namespace ns on addr:port with a fresh
// host key and no password logins, and waits until it listens.
func (l *Lab) Sshd(ns, addr string, port int) *Proc {
	l.T.Helper()
	d, err := os.MkdirTemp(l.Dir, "sshd-")
	if err != nil {
		l.T.Fatal(err)
	}
	key := filepath.Join(d, "ssh_host_ed25519_key")
	l.Host("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key)
	if err := os.MkdirAll("/run/sshd", 0o755); err != nil {
		l.T.Fatal(err)
	}
	conf := fmt.Sprintf("Port %d\nListenAddress %s\nHostKey %s\nPidFile none\nUsePAM no\nPasswordAuthentication no\n", port, addr, key)
	path := filepath.Join(d, "sshd_config")
	if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
		l.T.Fatal(err)
	}
	p := l.Start(ns, "sshd", nil, server("sshd"), "-D", "-e", "-f", path)
	p.WaitListening(ns, port)
	p.WaitGreeting(ns, net.JoinHostPort(addr, strconv.Itoa(port)), false)
	return p
}

// Dnsmasq serves the zone test.zone from namespace ns on addr, port 53
// (unknown names in it get NXDOMAIN), with one host-record line per entry
// of records ("name,addr"), in that order, so a name can have several
// addresses. Point a client at it with Resolver.
func (l *Lab) Dnsmasq(ns, addr string, records ...string) *Proc {
	l.T.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "no-resolv\nno-hosts\nbind-interfaces\nlisten-address=%s\nlocal=/test.zone/\n", addr)
	for _, r := range records {
		fmt.Fprintf(&b, "host-record=%s\n", r)
	}
	f, err := os.CreateTemp(l.Dir, "dnsmasq-*.conf")
	if err != nil {
		l.T.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(b.String()); err != nil {
		l.T.Fatal(err)
	}
	os.Chmod(f.Name(), 0o644)
	p := l.Start(ns, "dnsmasq", nil, "dnsmasq", "--keep-in-foreground", "--conf-file="+f.Name(),
		"--log-facility=-", "--user=nobody", "--group=nogroup", "--pid-file=")
	p.WaitListening(ns, 53)
	return p
}

// SelfSigned makes a self-signed certificate for cn and its key.
func (l *Lab) SelfSigned(cn string) (cert, key string) {
	l.T.Helper()
	d, err := os.MkdirTemp(l.Dir, "tls-")
	if err != nil {
		l.T.Fatal(err)
	}
	cert, key = filepath.Join(d, "cert.pem"), filepath.Join(d, "key.pem")
	l.Host("openssl", "req", "-x509", "-nodes", "-newkey", "rsa:2048", "-days", "2",
		"-subj", "/CN="+cn, "-keyout", key, "-out", cert)
	return cert, key
}

// pureImplicit reports whether Pure-FTPd's options ask for implicit TLS
// (-Y 3): TLS from the first byte.
func pureImplicit(opts []string) bool {
	for i := range len(opts) - 1 {
		if opts[i] == "-Y" && opts[i+1] == "3" {
			return true
		}
	}
	return false
}
