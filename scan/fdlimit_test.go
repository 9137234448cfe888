package scan

import (
	"context"
	"syscall"
	"testing"
	"time"
)

func TestCapConcurrency(t *testing.T) {
	cases := []struct {
		name              string
		requested, budget int
		want              int
	}{
		{"under_budget", 100, 1000, 100},
		{"over_budget", 5000, 900, 900},
		{"zero_requested_is_one", 0, 900, 1},
		{"no_budget_is_one", 100, -5, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := CapConcurrency(tc.requested, tc.budget); got != tc.want {
				t.Errorf("CapConcurrency(%d, %d) = %d, want %d", tc.requested, tc.budget, got, tc.want)
			}
		})
	}
}

// lowerFDLimit sets the soft RLIMIT_NOFILE to the open descriptors plus
// extra, and restores it in cleanup.
func lowerFDLimit(t *testing.T, extra int) int {
	t.Helper()
	var old syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &old); err != nil {
		t.Skipf("getrlimit: %v", err)
	}
	lim := syscall.Rlimit{Cur: uint64(openFDs() + extra), Max: old.Max}
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Skipf("setrlimit: %v", err)
	}
	t.Cleanup(func() { syscall.Setrlimit(syscall.RLIMIT_NOFILE, &old) })
	return int(lim.Cur)
}

// TestScanStaysUnderFDLimit scans 300 loopback ports asking for 1,000
// connects in flight under a limit of about 60 free descriptors: the scan
// must cap itself and never hit EMFILE.
func TestScanStaysUnderFDLimit(t *testing.T) {
	r := freeRange(t, 300)
	limit := lowerFDLimit(t, 60)
	res, err := Scan(context.Background(), Options{Address: "127.0.0.1", Range: r, Concurrency: 1000,
		Timeout: 2 * time.Second, Retries: 1})
	if err != nil {
		t.Fatal(err)
	}
	if res.FDLimit != limit || res.Concurrency >= 60 || res.Concurrency < 1 {
		t.Errorf("fd limit %d concurrency %d, want limit %d and concurrency under 60", res.FDLimit, res.Concurrency, limit)
	}
	if c := Count(res.Ports); c.Error != 0 || c.Total != 300 {
		t.Errorf("counts %+v, want 300 ports and no local errors", c)
	}
}

// TestListenStaysUnderFDLimit asks for more ports than descriptors allow:
// the rest are reported as skipped, not failed.
func TestListenStaysUnderFDLimit(t *testing.T) {
	r := freeRange(t, 200)
	lowerFDLimit(t, 150)
	rep, err := Listen(context.Background(), ListenConfig{Address: "127.0.0.1", Range: r, Token: "tk", Duration: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	skipped := 0
	for _, s := range rep.FDSkipped {
		skipped += s.High - s.Low + 1
	}
	if rep.BoundCount == 0 || rep.BoundCount > 150-connReserve-fdReserve || rep.BoundCount+skipped != 200 || len(rep.Failed) != 0 {
		t.Errorf("bound %d skipped %d failed %v, want at most %d bound and the rest skipped", rep.BoundCount, skipped,
			rep.Failed, 150-connReserve-fdReserve)
	}
}
