// Package netlab builds the network-namespace labs of ftpdoctor's tests:
// namespaces joined by veth pairs with addresses, routes and nftables
// rules, real servers (vsftpd, ProFTPD, Pure-FTPd, OpenSSH, dnsmasq)
// started inside them, and cleanup through t.Cleanup.
//
// Every namespace is named Prefix + run id + a sequence number + a role,
// where the run id is the test process's pid and start time. Two test runs
// on one machine therefore never share a namespace, and the first lab of a
// run removes only the namespaces of runs whose process is gone. State the
// runs must share (a local user, /etc/netns) goes through Share, which sets
// it up for the first live run and tears it down after the last.
//
// It is a normal package so that several test packages can import it; only
// tests use it.
package netlab

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

const (
	// Prefix starts the name of every namespace a lab creates.
	Prefix = "fdlab-"
	// NetnsEtc is where ip netns exec finds per-namespace files.
	NetnsEtc = "/etc/netns"
)

// nextNamespace numbers this run's namespaces.
var nextNamespace atomic.Int32

// staleOnce removes other runs' leftovers before this run's first namespace.
var staleOnce sync.Once

// Lab is one test's namespaces, processes and scratch directory; all of
// them are removed when the test ends.
type Lab struct {
	T   testing.TB // the test that owns the lab
	Dir string     // scratch directory for configs and logs, mode 0755 so servers' users can read what needs it
}

// New returns an empty lab for t whose scratch directory is removed when
// the test ends.
func New(t testing.TB) *Lab {
	t.Helper()
	dir, err := MkdirTemp("", "lab")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		killMentioning(dir)
		os.RemoveAll(dir)
	})
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return &Lab{T: t, Dir: dir}
}

// Namespace creates a network namespace for role ("cli", "srv", ...) with
// its loopback up, and deletes it, with every process left in it, when the
// test ends.
func (l *Lab) Namespace(role string) string {
	l.T.Helper()
	name := fmt.Sprintf("%s%s-%d-%s", Prefix, RunID(), nextNamespace.Add(1), role)
	l.T.Cleanup(func() { deleteNamespace(name) })
	l.Host("ip", "netns", "add", name)
	l.In(name, "ip", "link", "set", "lo", "up")
	return name
}

// Veth joins namespaces a and b with a veth pair (interface aIf in a, bIf
// in b), gives each end its address in CIDR notation when not empty, and
// brings both up. Interfaces are created inside the namespaces, so their
// names need only be unique there.
func (l *Lab) Veth(a, aIf, aAddr, b, bIf, bAddr string) {
	l.T.Helper()
	l.Host("ip", "link", "add", aIf, "netns", a, "type", "veth", "peer", "name", bIf, "netns", b)
	for _, end := range [][3]string{{a, aIf, aAddr}, {b, bIf, bAddr}} {
		if end[2] != "" {
			l.In(end[0], "ip", "addr", "add", end[2], "dev", end[1])
		}
		l.In(end[0], "ip", "link", "set", end[1], "up")
	}
}

// Host runs a short command in the host namespace and fails the test on
// error; it returns the combined output.
func (l *Lab) Host(args ...string) string {
	l.T.Helper()
	return run(l.T, "", args...)
}

// In runs a short command inside namespace ns and fails the test on error.
func (l *Lab) In(ns string, args ...string) string {
	l.T.Helper()
	return run(l.T, "", append([]string{"ip", "netns", "exec", ns}, args...)...)
}

// NFT loads an nftables ruleset into namespace ns.
func (l *Lab) NFT(ns, ruleset string) {
	l.T.Helper()
	run(l.T, ruleset+"\n", "ip", "netns", "exec", ns, "nft", "-f", "-")
}

// Resolver makes namespace ns use nameserver for DNS: ip netns exec
// bind-mounts /etc/netns/<ns>/resolv.conf over /etc/resolv.conf. The
// directory /etc/netns is shared with other runs (see Share).
func (l *Lab) Resolver(ns, nameserver string) {
	l.T.Helper()
	_, release, err := Share("etc-netns", makeNetnsEtc, removeNetnsEtc)
	if err != nil {
		l.T.Fatal(err)
	}
	l.T.Cleanup(release)
	dir := filepath.Join(NetnsEtc, ns)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		l.T.Fatal(err)
	}
	l.T.Cleanup(func() { os.RemoveAll(dir) })
	conf := "nameserver " + nameserver + "\noptions timeout:1 attempts:2\n"
	if err := os.WriteFile(filepath.Join(dir, "resolv.conf"), []byte(conf), 0o644); err != nil {
		l.T.Fatal(err)
	}
}

// makeNetnsEtc creates /etc/netns when missing and remembers in state that
// the labs made it.
func makeNetnsEtc(state string) error {
	if _, err := os.Stat(NetnsEtc); err == nil {
		return nil
	}
	if err := os.MkdirAll(NetnsEtc, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(state, "made"), nil, 0o600)
}

// removeNetnsEtc removes /etc/netns when the labs made it and it is empty.
func removeNetnsEtc(state string) {
	if _, err := os.Stat(filepath.Join(state, "made")); err != nil {
		return
	}
	if err := os.Remove(NetnsEtc); err == nil || os.IsNotExist(err) {
		os.Remove(filepath.Join(state, "made"))
	}
}

// run runs a short command with a deadline, stdin when not empty, and fails
// t on error.
func run(t testing.TB, stdin string, args ...string) string {
	t.Helper()
	// A safety net against a hung command, not a speed test: generating an
	// RSA key took more than 20 s with several suites on two cores.
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	if stdin != "" {
		cmd.Stdin = strings.NewReader(stdin)
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// deleteNamespace kills every process left inside ns (only the lab's own
// processes live there), then deletes ns and its /etc/netns directory.
func deleteNamespace(ns string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for i := 0; i < 20; i++ {
		out, err := exec.CommandContext(ctx, "ip", "netns", "pids", ns).Output()
		if err != nil || strings.TrimSpace(string(out)) == "" {
			break
		}
		for _, f := range strings.Fields(string(out)) {
			if pid, err := strconv.Atoi(f); err == nil && pid > 1 {
				syscall.Kill(pid, syscall.SIGKILL)
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	exec.CommandContext(ctx, "ip", "netns", "del", ns).Run()
	os.RemoveAll(filepath.Join(NetnsEtc, ns))
}

// tempParents are the directories where MkdirTemp is used.
var tempParents = []string{os.TempDir(), "/var/lib"}

// MkdirTemp creates a directory in parent (os.TempDir() when empty) named
// after the run, Prefix + RunID() + "-" + name + a random suffix, so that
// the first lab of a later run removes it, unmounting what is mounted
// there, if this run is killed before its cleanup. parent must be one of
// os.TempDir() and /var/lib.
func MkdirTemp(parent, name string) (string, error) {
	staleOnce.Do(removeStale)
	if parent == "" {
		parent = os.TempDir()
	}
	return os.MkdirTemp(parent, Prefix+RunID()+"-"+name+"-")
}

// removeStale deletes the namespaces, /etc/netns directories and temporary
// directories (see MkdirTemp) of lab runs that were killed before their
// cleanup: those whose run id names a process that is gone. Other live
// runs' stay.
func removeStale() {
	for _, parent := range tempParents {
		entries, _ := os.ReadDir(parent)
		for _, e := range entries {
			if rest, ok := strings.CutPrefix(e.Name(), Prefix); ok && e.IsDir() {
				if id, _, _ := strings.Cut(rest, "-"); !Alive(id) {
					path := filepath.Join(parent, e.Name())
					syscall.Unmount(path, syscall.MNT_DETACH)
					os.RemoveAll(path)
				}
			}
		}
	}
	seen := map[string]bool{}
	if out, err := exec.Command("ip", "netns", "list").Output(); err == nil {
		for _, line := range strings.Split(string(out), "\n") {
			name, _, _ := strings.Cut(strings.TrimSpace(line), " ")
			seen[name] = true
		}
	}
	if entries, err := os.ReadDir(NetnsEtc); err == nil {
		for _, e := range entries {
			seen[e.Name()] = true
		}
	}
	for name := range seen {
		rest, ok := strings.CutPrefix(name, Prefix)
		if !ok {
			continue
		}
		id, _, _ := strings.Cut(rest, "-")
		if !Alive(id) {
			deleteNamespace(name)
		}
	}
}
