package netlab

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
)

// ShareDir holds the state and leases of what concurrent runs share. It is
// on a tmpfs, so a reboot, which ends every run, empties it too.
const ShareDir = "/run/ftpdoctor-netlab"

// nextLease numbers this process's leases.
var nextLease atomic.Int32

// Share takes a lease on host-wide state called name that concurrent test
// runs share, such as a local user or /etc/netns. Under a file lock, the
// first live holder runs setup, and release (safe to call twice) runs
// teardown when no live holder is left. A lease of a run that was killed
// does not count: a killed run's teardown never ran, so setup must accept
// what it left. setup and teardown get a root-only directory for the
// state, where setup can leave what later holders read (a password).
func Share(name string, setup func(state string) error, teardown func(state string)) (state string, release func(), err error) {
	state = filepath.Join(ShareDir, name)
	leases := filepath.Join(state, "leases")
	if err := os.MkdirAll(leases, 0o700); err != nil {
		return "", nil, err
	}
	unlock, err := lockFile(filepath.Join(state, "lock"))
	if err != nil {
		return "", nil, err
	}
	defer unlock()
	if liveLeases(leases) == 0 {
		if err := setup(state); err != nil {
			return "", nil, fmt.Errorf("setting up shared %s: %w", name, err)
		}
	}
	lease := filepath.Join(leases, fmt.Sprintf("%s-%d", RunID(), nextLease.Add(1)))
	if err := os.WriteFile(lease, nil, 0o600); err != nil {
		return "", nil, err
	}
	var once sync.Once
	release = func() {
		once.Do(func() {
			unlock, err := lockFile(filepath.Join(state, "lock"))
			if err != nil {
				return
			}
			defer unlock()
			os.Remove(lease)
			if liveLeases(leases) == 0 {
				teardown(state)
			}
		})
	}
	return state, release, nil
}

// liveLeases counts the leases in dir whose run is alive, removing the
// others.
func liveLeases(dir string) int {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0
	}
	live := 0
	for _, e := range entries {
		id, _, _ := strings.Cut(e.Name(), "-")
		if Alive(id) {
			live++
		} else {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
	return live
}

// lockFile takes an exclusive flock on path, waiting for it, and returns
// the function that releases it.
func lockFile(path string) (unlock func(), err error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return func() { f.Close() }, nil
}
