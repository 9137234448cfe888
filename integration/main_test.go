package integration

import (
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/ftpdoctor/ftpdoctor/internal/netlab"
)

// suite holds what TestMain prepared once for every scenario.
var suite struct {
	unavailable string             // why the suite cannot run here; empty when it can
	buildErr    error              // why ftpdoctor could not be built
	bin         string             // path of the ftpdoctor binary
	user        string             // the local test user
	password    string             // the test user's password
	home        string             // the test user's home directory
	pamService  string             // PAM service without a failure delay, for vsftpd
	accounts    []netlab.LocalUser // further local users for the many-accounts scenarios, as accountSpecs
}

const (
	testUser     = "fdlabftp"            // local user the FTP servers authenticate
	testHome     = "/var/lib/fdlab-home" // its home, writable by it
	anonUser     = "fdlabanon"           // the account vsftpd's anonymous sessions run as
	anonHome     = "/var/lib/fdlab-anon" // its home: root-owned and read-only, as vsftpd's chroot wants
	pamService   = "fdlab-vsftpd"        // PAM service with pam_unix nodelay
	usersShare   = "fdlab-users"         // netlab.Share name of the users, homes and PAM service
	parallelWant = "24"                  // scenarios mostly wait on timeouts: run many at once
)

// need is what the suite needs from the machine.
var need = netlab.Need{
	Servers: []string{"vsftpd", "proftpd", "pure-ftpd", "sshd"},
	Users:   []string{"sshd"},                       // privilege separation of OpenSSH's server
	Files:   []string{"usr/lib/proftpd/mod_tls.so"}, // ProFTPD's FTPS, from proftpd-mod-crypto
	Tools:   []string{"ip", "ss", "nft", "dnsmasq", "openssl", "ssh-keygen", "useradd", "usermod", "userdel", "chpasswd", "curl", "sysctl"},
}

func TestMain(m *testing.M) {
	netlab.RunHelper()
	flag.Parse()
	raiseParallel()
	suite.unavailable = need.Missing()
	if suite.unavailable != "" {
		os.Exit(m.Run())
	}
	dir, err := netlab.MkdirTemp("", "bin")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	suite.bin = filepath.Join(dir, "ftpdoctor")
	suite.buildErr = buildFtpdoctor(suite.bin)
	var code int
	if release, err := shareUsers(); err != nil {
		fmt.Fprintln(os.Stderr, "integration: creating the test user:", err)
		code = 1
	} else if accounts, releaseAccounts, err := netlab.ShareUsers(accountsShare, accountSpecs); err != nil {
		fmt.Fprintln(os.Stderr, "integration: creating the accounts' users:", err)
		release()
		code = 1
	} else {
		suite.accounts = accounts
		code = m.Run()
		releaseAccounts()
		release()
	}
	os.RemoveAll(dir)
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
	netlab.SkipUnlessCI(t, suite.unavailable)
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

// The users are named fdlab*, not fdit* as before netlab: a run of the
// older suite still removes fdit* users when it ends, whoever else uses them.

// shareUsers takes this run's lease on the test users (see netlab.Share):
// the first live run creates them with a random password, later runs read
// that password, and the last run to release removes them. So /etc/shadow
// is written only while no other run's servers authenticate, and a run
// never changes or removes the users under another.
func shareUsers() (release func(), err error) {
	state, release, err := netlab.Share(usersShare, createUsers, removeUsers)
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(filepath.Join(state, "password"))
	if err != nil {
		release()
		return nil, err
	}
	suite.user, suite.home, suite.pamService = testUser, testHome, pamService
	suite.password = strings.TrimSpace(string(b))
	return release, nil
}

// createUsers adds the local test user with a random password (kept in
// state for later runs), the account for anonymous sessions and a PAM
// service without pam_faildelay. It runs before the parallel part and
// before any other run holds a lease: /etc/shadow is not rewritten while
// servers authenticate. What a killed run left is reused.
func createUsers(state string) error {
	buf := make([]byte, 12)
	if _, err := rand.Read(buf); err != nil {
		return err
	}
	password := "Pw" + hex.EncodeToString(buf)
	if err := exec.Command("id", testUser).Run(); err != nil {
		if b, err := exec.Command("useradd", "-M", "-d", testHome, "-s", "/bin/bash", testUser).CombinedOutput(); err != nil {
			return fmt.Errorf("useradd: %v: %s", err, b)
		}
	}
	cmd := exec.Command("chpasswd")
	cmd.Stdin = strings.NewReader(testUser + ":" + password + "\n")
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
	if err := os.WriteFile(filepath.Join("/etc/pam.d", pamService), []byte(pam), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(state, "password"), []byte(password+"\n"), 0o600)
}

// removeUsers undoes createUsers.
func removeUsers(state string) {
	exec.Command("userdel", testUser).Run()
	exec.Command("userdel", anonUser).Run()
	os.RemoveAll(testHome)
	os.RemoveAll(anonHome)
	os.Remove(filepath.Join("/etc/pam.d", pamService))
	os.Remove(filepath.Join(state, "password"))
}
