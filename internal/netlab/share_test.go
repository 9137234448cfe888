package netlab

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
)

// deadRunID returns the run id of a process that has exited.
func deadRunID(t *testing.T) string {
	t.Helper()
	gone := exec.Command("true")
	if err := gone.Run(); err != nil {
		t.Fatal(err)
	}
	return strconv.Itoa(gone.Process.Pid) + "." + startTime(os.Getpid())
}

func TestAlive(t *testing.T) {
	cases := []struct {
		name string
		id   string
		want bool
	}{
		{"this_run", RunID(), true},
		{"same_pid_other_start", strconv.Itoa(os.Getpid()) + ".0", false},
		{"exited_process", deadRunID(t), false},
		{"not_a_run_id", "cli", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Alive(tc.id); got != tc.want {
				t.Errorf("Alive(%q) = %v, want %v", tc.id, got, tc.want)
			}
		})
	}
}

// TestShareSetsUpOnceAndTearsDownLast takes two leases: setup runs for the
// first only, teardown after the last release only, and a lease of a dead
// run does not keep the state alive.
func TestShareSetsUpOnceAndTearsDownLast(t *testing.T) {
	Require(t, Need{})
	name := "test-" + RunID()
	t.Cleanup(func() { os.RemoveAll(filepath.Join(ShareDir, name)) })
	setups, teardowns := 0, 0
	setup := func(string) error { setups++; return nil }
	teardown := func(string) { teardowns++ }
	state, release1, err := Share(name, setup, teardown)
	if err != nil {
		t.Fatal(err)
	}
	dead := filepath.Join(state, "leases", deadRunID(t)+"-1")
	if err := os.WriteFile(dead, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	_, release2, err := Share(name, setup, teardown)
	if err != nil {
		t.Fatal(err)
	}
	release1()
	release1()
	if setups != 1 || teardowns != 0 {
		t.Fatalf("after one of two releases: %d setups, %d teardowns, want 1 and 0", setups, teardowns)
	}
	release2()
	if teardowns != 1 {
		t.Fatalf("after the last release: %d teardowns, want 1", teardowns)
	}
	if _, err := os.Stat(dead); !os.IsNotExist(err) {
		t.Errorf("the dead run's lease is still there: %v", err)
	}
}
