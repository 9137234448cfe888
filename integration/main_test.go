package integration

import (
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// suite holds what TestMain prepared once for every scenario.
var suite struct {
	unavailable string // why the suite cannot run here; empty when it can
	buildErr    error  // why ftpdoctor could not be built
	bin         string // path of the ftpdoctor binary
	root        string // where .ci/install.sh unpacked the servers
	user        string // the local test user
	password    string // the test user's password
	home        string // the test user's home directory
	pamService  string // PAM service without a failure delay, for vsftpd
}

const (
	testUser     = "fditftp"                // local user the FTP servers authenticate
	testHome     = "/var/lib/fdit-home"     // its home, writable by it
	anonUser     = "fditanon"               // the account vsftpd's anonymous sessions run as
	anonHome     = "/var/lib/fdit-anon"     // its home: root-owned and read-only, as vsftpd's chroot wants
	pamService   = "fdit-vsftpd"            // PAM service with pam_unix nodelay
	defaultRoot  = "/opt/ftpdoctor-it/root" // default unpack root of .ci/install.sh
	helperEnv    = "FDIT_HELPER"            // set when the test binary runs as a helper
	helperAddr   = "FDIT_ADDR"              // address the helper listens on
	nsPrefix     = "fdit-"                  // prefix of every namespace this suite creates
	netnsEtc     = "/etc/netns"             // where ip netns exec finds per-namespace files
	parallelWant = "24"                     // scenarios mostly wait on timeouts: run many at once
)

func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) != "" {
		os.Exit(runHelper(os.Getenv(helperEnv), os.Getenv(helperAddr)))
	}
	flag.Parse()
	raiseParallel()
	suite.unavailable = checkPrerequisites()
	if suite.unavailable != "" {
		os.Exit(m.Run())
	}
	removeStaleNamespaces()
	_, err := os.Stat(netnsEtc)
	madeNetnsEtc := os.IsNotExist(err)
	dir, err := os.MkdirTemp("", "fdit-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	suite.bin = filepath.Join(dir, "ftpdoctor")
	suite.buildErr = buildFtpdoctor(suite.bin)
	var code int
	if err := createUser(); err != nil {
		fmt.Fprintln(os.Stderr, "integration: creating the test user:", err)
		code = 1
	} else {
		code = m.Run()
	}
	removeUser()
	os.RemoveAll(dir)
	if madeNetnsEtc {
		os.Remove(netnsEtc) // only when empty: another user's files stay
	}
	os.Exit(code)
}

// raiseParallel lets scenarios overlap beyond GOMAXPROCS: they spend their
// time waiting for deadlines, not computing. An explicit -parallel wins.
func raiseParallel() {
	set := false
	flag.Visit(func(f *flag.Flag) {
		if f.Name == "test.parallel" {
			set = true
		}
	})
	if !set {
		flag.Set("test.parallel", parallelWant)
	}
}

// requireSuite skips the test, or fails it under CI, when the suite cannot
// run on this machine; it fails the test when ftpdoctor did not build.
func requireSuite(t *testing.T) {
	t.Helper()
	requireLab(t)
	if suite.buildErr != nil {
		t.Fatalf("cannot build ftpdoctor: %v", suite.buildErr)
	}
}

// requireLab skips the test, or fails it under CI, when the suite cannot
// build namespaces and servers on this machine.
func requireLab(t *testing.T) {
	t.Helper()
	sourcesOnce.Do(func() { readSources("..") })
	if suite.unavailable != "" {
		msg := "integration suite cannot run here (" + suite.unavailable + "): run it as root after `bash .ci/install.sh`"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
}

// checkPrerequisites returns why the suite cannot run, or "".
func checkPrerequisites() string {
	if runtime.GOOS != "linux" {
		return "network namespaces need Linux, this is " + runtime.GOOS
	}
	if os.Geteuid() != 0 {
		return "not running as root"
	}
	suite.root = os.Getenv("FTPDOCTOR_IT_ROOT")
	if suite.root == "" {
		suite.root = defaultRoot
	}
	for _, p := range []string{"usr/sbin/vsftpd", "usr/sbin/proftpd", "usr/sbin/pure-ftpd", "usr/sbin/sshd"} {
		if _, err := os.Stat(filepath.Join(suite.root, p)); err != nil {
			return fmt.Sprintf("%s not found under %s", p, suite.root)
		}
	}
	if err := exec.Command("id", "sshd").Run(); err != nil {
		return "the user sshd (privilege separation of OpenSSH's server) does not exist"
	}
	for _, tool := range []string{"ip", "ss", "nft", "dnsmasq", "openssl", "ssh-keygen", "useradd", "userdel", "chpasswd", "curl", "sysctl"} {
		if _, err := exec.LookPath(tool); err != nil {
			return tool + " not found in PATH"
		}
	}
	return ""
}

// buildFtpdoctor builds the binary under test from the module root.
func buildFtpdoctor(out string) error {
	goBin, err := exec.LookPath("go")
	if err != nil {
		goBin = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	cmd := exec.Command(goBin, "build", "-o", out, ".")
	cmd.Dir = ".."
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %v: %s", err, strings.TrimSpace(string(b)))
	}
	return nil
}

// sourcesOnce runs readSources once, inside a test: go test records only
// what tests open after TestMain calls m.Run.
var sourcesOnce sync.Once

// readSources opens every Go source and module file of the module. go test
// caches a package's result keyed on the files the test opened; the
// ftpdoctor binary is built in a subprocess, so without this a change to
// the product would not invalidate a cached pass of this suite.
func readSources(root string) {
	filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() && path != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if !d.IsDir() && (strings.HasSuffix(path, ".go") || d.Name() == "go.mod" || d.Name() == "go.sum") {
			os.ReadFile(path)
		}
		return nil
	})
}

// createUser adds the local test user with a random password, the account
// for anonymous sessions and a PAM service without pam_faildelay. It runs once, before the parallel part:
// /etc/shadow is not rewritten while servers authenticate.
func createUser() error {
	buf := make([]byte, 12)
	if _, err := rand.Read(buf); err != nil {
		return err
	}
	suite.user, suite.home, suite.pamService = testUser, testHome, pamService
	suite.password = "Pw" + hex.EncodeToString(buf)
	if err := exec.Command("id", testUser).Run(); err != nil {
		if b, err := exec.Command("useradd", "-M", "-d", testHome, "-s", "/bin/bash", testUser).CombinedOutput(); err != nil {
			return fmt.Errorf("useradd: %v: %s", err, b)
		}
	}
	cmd := exec.Command("chpasswd")
	cmd.Stdin = strings.NewReader(testUser + ":" + suite.password + "\n")
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("chpasswd: %v: %s", err, b)
	}
	if err := os.MkdirAll(testHome, 0o755); err != nil {
		return err
	}
	for _, name := range []string{"readme.txt", "data.bin"} {
		if err := os.WriteFile(filepath.Join(testHome, name), []byte("ftpdoctor integration\n"), 0o644); err != nil {
			return err
		}
	}
	if b, err := exec.Command("chown", "-R", testUser+":", testHome).CombinedOutput(); err != nil {
		return fmt.Errorf("chown: %v: %s", err, b)
	}
	if err := exec.Command("id", anonUser).Run(); err != nil {
		if b, err := exec.Command("useradd", "-M", "-d", anonHome, "-s", "/usr/sbin/nologin", anonUser).CombinedOutput(); err != nil {
			return fmt.Errorf("useradd: %v: %s", err, b)
		}
	}
	if err := os.MkdirAll(anonHome, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(anonHome, "welcome.txt"), []byte("ftpdoctor integration\n"), 0o644); err != nil {
		return err
	}
	pam := "auth required pam_unix.so nodelay\naccount required pam_unix.so\nsession required pam_permit.so\n"
	return os.WriteFile(filepath.Join("/etc/pam.d", pamService), []byte(pam), 0o644)
}

// removeUser undoes createUser.
func removeUser() {
	exec.Command("userdel", testUser).Run()
	exec.Command("userdel", anonUser).Run()
	os.RemoveAll(testHome)
	os.RemoveAll(anonHome)
	os.Remove(filepath.Join("/etc/pam.d", pamService))
}

// removeStaleNamespaces deletes namespaces left by a run of this suite that
// was killed before its cleanup, with the processes still inside them.
func removeStaleNamespaces() {
	out, err := exec.Command("ip", "netns", "list").Output()
	if err != nil {
		return
	}
	for _, line := range strings.Split(string(out), "\n") {
		name, _, _ := strings.Cut(strings.TrimSpace(line), " ")
		if strings.HasPrefix(name, nsPrefix) {
			deleteNamespace(name)
		}
	}
}

// runHelper is the test binary re-executed inside a namespace as a small
// server or client. "silent": accept connections and never send a byte;
// "hold": open one connection and keep it open.
func runHelper(kind, addr string) int {
	switch kind {
	case "silent":
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		var held []net.Conn
		for {
			c, err := ln.Accept()
			if err != nil {
				return 1
			}
			held = append(held, c) // keep it open and silent until killed
		}
	case "hold":
		c, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		fmt.Println("connected")
		io.Copy(io.Discard, c) // hold the session until the server or a kill ends it
		return 0
	default:
		fmt.Fprintln(os.Stderr, "unknown helper", kind)
		return 2
	}
}
