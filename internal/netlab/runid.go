package netlab

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
)

// runID is computed once: this process's pid and start time.
var runID = sync.OnceValue(func() string {
	return fmt.Sprintf("%d.%s", os.Getpid(), startTime(os.Getpid()))
})

// RunID names this test process among concurrent runs on the machine:
// "<pid>.<start time in clock ticks since boot, base 36>". The start time
// tells a live run from a later process that got a dead run's pid.
func RunID() string { return runID() }

// Alive reports whether the run named id (see RunID) still has its process.
// An id that does not parse counts as alive, so that names of others are
// never taken for stale ones.
func Alive(id string) bool {
	pid, start, ok := strings.Cut(id, ".")
	n, err := strconv.Atoi(pid)
	if !ok || err != nil || n <= 0 {
		return true
	}
	got := startTime(n)
	return got != "" && got == start
}

// startTime returns field 22 of /proc/PID/stat in base 36, or "" when the
// process does not exist.
func startTime(pid int) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return ""
	}
	// The command name (field 2) may hold spaces and parentheses: count
	// fields from the last ')'.
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return ""
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 20 {
		return ""
	}
	ticks, err := strconv.ParseUint(f[19], 10, 64) // field 22 is the 20th after the name
	if err != nil {
		return ""
	}
	return strconv.FormatUint(ticks, 36)
}
