package netlab

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// Need is what a lab needs from the machine.
type Need struct {
	Tools   []string // commands looked up in PATH
	Servers []string // binaries unpacked under ServerRoot()/usr/sbin, such as "vsftpd"
	Users   []string // local users that must exist, such as "sshd"
	Files   []string // other files unpacked under ServerRoot(), such as "usr/lib/proftpd/mod_tls.so"
}

// Missing returns why the labs cannot run here, or "" when they can: not
// Linux, not root, or something of n is missing.
func (n Need) Missing() string {
	if runtime.GOOS != "linux" {
		return "network namespaces need Linux, this is " + runtime.GOOS
	}
	if os.Geteuid() != 0 {
		return "not running as root"
	}
	for _, s := range n.Servers {
		if _, err := os.Stat(server(s)); err != nil {
			return fmt.Sprintf("%s not found (run .ci/install.sh)", server(s))
		}
	}
	for _, f := range n.Files {
		if _, err := os.Stat(filepath.Join(ServerRoot(), f)); err != nil {
			return fmt.Sprintf("%s not found (run .ci/install.sh)", filepath.Join(ServerRoot(), f))
		}
	}
	for _, u := range n.Users {
		if err := exec.Command("id", u).Run(); err != nil {
			return "the user " + u + " does not exist (run .ci/install.sh)"
		}
	}
	for _, tool := range n.Tools {
		if _, err := exec.LookPath(tool); err != nil {
			return tool + " not found in PATH (run .ci/install.sh)"
		}
	}
	return ""
}

// Require skips t, or fails it when the environment variable CI is set,
// when n is not met on this machine.
func Require(t testing.TB, n Need) {
	t.Helper()
	SkipUnlessCI(t, n.Missing())
}

// SkipUnlessCI skips t with why, or fails it when CI is set (there every
// test must run); it does nothing when why is empty.
func SkipUnlessCI(t testing.TB, why string) {
	t.Helper()
	if why == "" {
		return
	}
	msg := "network lab cannot run here (" + why + "): run the tests as root after `bash .ci/install.sh`"
	if os.Getenv("CI") != "" {
		t.Fatal("CI is set: " + msg)
	}
	t.Skip(msg)
}
