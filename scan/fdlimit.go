package scan

import (
	"errors"
	"os"
	"syscall"
)

// fdReserve is kept free for everything else the process does (standard
// streams, the resolver, the control connection, the Go runtime).
const fdReserve = 32

// FDBudget returns how many more file descriptors the process may open,
// keeping fdReserve free, and the RLIMIT_NOFILE soft limit. When the limit
// cannot be read the budget is a conservative 1024-fdReserve.
func FDBudget() (budget, limit int) {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		return 1024 - fdReserve, 0
	}
	limit = int(min(rl.Cur, 1<<30))
	return max(limit-openFDs()-fdReserve, 1), limit
}

// openFDs counts the process's open descriptors (Linux /proc, /dev/fd
// elsewhere); 0 when neither can be read.
func openFDs() int {
	for _, dir := range []string{"/proc/self/fd", "/dev/fd"} {
		if f, err := os.Open(dir); err == nil {
			names, _ := f.Readdirnames(-1)
			f.Close()
			return len(names)
		}
	}
	return 0
}

// CapConcurrency returns requested, lowered to the descriptor budget (each
// connect in flight holds one socket) and raised to at least 1.
func CapConcurrency(requested, budget int) int {
	return max(min(requested, budget), 1)
}

// isLocalExhaustion reports errors that come from this machine running out
// of something (descriptors, ephemeral ports, buffers), not from the network.
func isLocalExhaustion(err error) bool {
	return errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE) ||
		errors.Is(err, syscall.EADDRNOTAVAIL) || errors.Is(err, syscall.ENOBUFS)
}
