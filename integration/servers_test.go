package integration

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// syncBuffer collects a process's output; exec copies into it from its own
// goroutine while the test may read it.
type syncBuffer struct {
	mu  sync.Mutex   // guards buf
	buf bytes.Buffer // the output so far
}

// Write implements io.Writer.
func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns the output so far.
func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// proc is a server process started inside a namespace, in its own process
// group.
type proc struct {
	name   string        // what it is, for messages
	cmd    *exec.Cmd     // the process
	out    *syncBuffer   // its stdout and stderr
	done   chan struct{} // closed when it exited
	err    error         // its exit status, valid after done
	logs   []string      // log files worth showing when the test fails
	stdinF *os.File      // where vsftpd writes start-up errors
}

// start runs args inside namespace ns and registers a cleanup that kills the
// whole process group with SIGKILL and waits for it: vsftpd's session
// children can outlive the listener and ignore SIGTERM.
func (l *lab) start(ns, name string, stdin *os.File, args ...string) *proc {
	l.t.Helper()
	p := &proc{name: name, out: &syncBuffer{}, done: make(chan struct{}), stdinF: stdin}
	p.cmd = exec.Command("ip", append([]string{"netns", "exec", ns}, args...)...)
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	if stdin != nil {
		p.cmd.Stdin = stdin
	}
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := p.cmd.Start(); err != nil {
		l.t.Fatalf("start %s: %v", name, err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	l.t.Cleanup(func() {
		syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
		select {
		case <-p.done:
		case <-time.After(10 * time.Second):
			l.t.Errorf("%s (pid %d) did not exit 10 s after SIGKILL", name, p.cmd.Process.Pid)
		}
		if l.t.Failed() {
			l.t.Logf("%s output:\n%s", name, p.out.String())
			for _, f := range p.logs {
				b, _ := os.ReadFile(f)
				l.t.Logf("%s %s:\n%s", name, filepath.Base(f), b)
			}
		}
	})
	return p
}

// waitListening waits until something in ns listens on TCP port, or fails
// the test when the process exits first or 10 s pass.
func (l *lab) waitListening(ns string, port int, p *proc) {
	l.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		out, _ := exec.CommandContext(ctx, "ip", "netns", "exec", ns, "ss", "-Hltn", fmt.Sprintf("sport = :%d", port)).Output()
		cancel()
		if strings.TrimSpace(string(out)) != "" {
			return
		}
		select {
		case <-p.done:
			var startup []byte
			if p.stdinF != nil {
				startup, _ = os.ReadFile(p.stdinF.Name())
			}
			l.t.Fatalf("%s exited before listening: %v\n%s%s", p.name, p.err, p.out.String(), startup)
		case <-time.After(50 * time.Millisecond):
		}
	}
	l.t.Fatalf("%s not listening on port %d after 10 s", p.name, port)
}

// config is a key=value server configuration; later settings replace
// earlier ones.
type config map[string]string

// vsftpd starts vsftpd in the server namespace, listening on the server's
// address, with the settings from REALSERVERS.md overridden by extra
// ("key=value" strings).
func (l *lab) vsftpd(extra ...string) *proc {
	l.t.Helper()
	empty := filepath.Join(l.dir, "vsftpd-empty")
	if err := os.MkdirAll(empty, 0o755); err != nil {
		l.t.Fatal(err)
	}
	cfg := config{
		"listen": "YES", "listen_ipv6": "NO", "listen_address": l.SrvAddr, "listen_port": fmt.Sprint(ftpPort),
		"background": "NO", "secure_chroot_dir": empty, "nopriv_user": "nobody",
		"local_enable": "YES", "pam_service_name": suite.pamService, "anonymous_enable": "NO",
		"pasv_enable": "YES", "pasv_min_port": fmt.Sprint(passiveLow), "pasv_max_port": fmt.Sprint(passiveHigh),
		"port_enable": "YES", "connect_from_port_20": "NO", "seccomp_sandbox": "NO",
		"xferlog_enable": "YES", "xferlog_std_format": "NO", "log_ftp_protocol": "YES",
		"vsftpd_log_file": filepath.Join(l.dir, "vsftpd.log"),
	}
	for _, kv := range extra {
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
	conf := filepath.Join(l.dir, "vsftpd.conf")
	if err := os.WriteFile(conf, []byte(b.String()), 0o600); err != nil {
		l.t.Fatal(err)
	}
	// vsftpd writes start-up errors to fd 0.
	stdin, err := os.OpenFile(filepath.Join(l.dir, "vsftpd.startup"), os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		l.t.Fatal(err)
	}
	l.t.Cleanup(func() { stdin.Close() })
	p := l.start(l.srv, "vsftpd", stdin, filepath.Join(suite.root, "usr/sbin/vsftpd"), conf)
	p.logs = []string{filepath.Join(l.dir, "vsftpd.log"), stdin.Name()}
	port, err := strconv.Atoi(cfg["listen_port"])
	if err != nil {
		l.t.Fatalf("vsftpd listen_port %q: %v", cfg["listen_port"], err)
	}
	l.waitListening(l.srv, port, p)
	return p
}

// proftpd starts ProFTPD in the server namespace; masquerade, when set,
// becomes MasqueradeAddress.
func (l *lab) proftpd(masquerade string) *proc {
	l.t.Helper()
	d := l.dir
	conf := fmt.Sprintf(`ServerName "fdit"
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
`, l.SrvAddr, ftpPort, d, d, d, d, d, passiveLow, passiveHigh)
	if masquerade != "" {
		conf += "MasqueradeAddress " + masquerade + "\n"
	}
	path := filepath.Join(d, "proftpd.conf")
	if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
		l.t.Fatal(err)
	}
	if err := os.Chmod(d, 0o755); err != nil { // the scoreboard is written after dropping to nobody
		l.t.Fatal(err)
	}
	p := l.start(l.srv, "proftpd", nil, filepath.Join(suite.root, "usr/sbin/proftpd"), "-n", "-q", "-c", path)
	p.logs = []string{filepath.Join(d, "proftpd.system.log")}
	l.waitListening(l.srv, ftpPort, p)
	return p
}

// pureftpd starts Pure-FTPd in the server namespace without anonymous
// logins; forcedAddr, when set, becomes -P.
func (l *lab) pureftpd(forcedAddr string) *proc {
	l.t.Helper()
	args := []string{filepath.Join(suite.root, "usr/sbin/pure-ftpd"),
		"-S", fmt.Sprintf("%s,%d", l.SrvAddr, ftpPort), "-l", "unix", "-E",
		"-p", fmt.Sprintf("%d:%d", passiveLow, passiveHigh), "-H", "-f", "none"}
	if forcedAddr != "" {
		args = append(args, "-P", forcedAddr)
	}
	p := l.start(l.srv, "pure-ftpd", nil, args...)
	l.waitListening(l.srv, ftpPort, p)
	return p
}

// stop kills the server's process group and waits until it has exited, so
// that nothing listens on its port any more.
func (p *proc) stop(l *lab) {
	l.t.Helper()
	syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		l.t.Fatalf("%s did not exit 10 s after SIGKILL", p.name)
	}
}
