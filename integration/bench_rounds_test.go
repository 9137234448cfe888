package integration

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// The round runner and the process starter of the real-server benchmarks
// (bench_rtt_test.go, bench_ftps_test.go).

// toolRun is one timed command in a namespace.
type toolRun struct {
	name string   // row name
	ns   string   // namespace to run in
	args []string // the command
	env  []string // added to this process's environment
	want string   // stdout must contain this, and the exit status be 0
	hide string   // the password, replaced by *** in what a failure shows
}

// run runs the command once and returns its wall time; it fails b when
// the run fails or its output lacks tr.want, and then shows the output
// with tr.hide redacted; with FDIT_REPORTS set it keeps that output there.
func (tr toolRun) run(b *testing.B) time.Duration {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, tr.args[0], tr.args[1:]...)
	cmd.Env = append(os.Environ(), tr.env...)
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	start := time.Now()
	err := startIn(tr.ns, cmd)
	if err == nil {
		err = cmd.Wait()
	}
	d := time.Since(start)
	if err == nil && !strings.Contains(stdout.String(), tr.want) {
		err = fmt.Errorf("no %q in its output", tr.want)
	}
	out := strings.ReplaceAll(stdout.String(), tr.hide, "***")
	if err != nil {
		b.Fatalf("%s failed after %.0f ms: %v\n%s", tr.name, ms(d), err, out)
	}
	if dir := os.Getenv("FDIT_REPORTS"); dir != "" { // keep every output for reading later, as the tests do
		name := fmt.Sprintf("%s-%s-%d.out", b.Name(), tr.name, time.Now().UnixNano())
		if err := os.WriteFile(filepath.Join(dir, name), []byte(out), 0o644); err != nil {
			b.Errorf("saving the output: %v", err)
		}
	}
	return d
}

// runRounds runs tools round by round, each round every tool once in
// order (A B C A B C, as the harness interleaves them), b.N rounds after
// one discarded warm-up round, and returns each tool's times in that
// order. It reports each tool's median as NAME-ms and in round trips of
// realRTT as NAME-RTT, and suppresses ns/op: one op runs every tool.
func runRounds(b *testing.B, tools []toolRun) [][]time.Duration {
	b.Helper()
	// The warm-up round also proves the delay is there: a login and one
	// listing cannot take less than 7 round trips (bench/README.md).
	for _, tr := range tools {
		if d := tr.run(b); d < 7*realRTT {
			b.Fatalf("%s took %.1f ms, less than 7 round trips of %v: the delay is not applied", tr.name, ms(d), realRTT)
		}
	}
	times := make([][]time.Duration, len(tools))
	for b.Loop() {
		for i, tr := range tools {
			times[i] = append(times[i], tr.run(b))
		}
	}
	b.ReportMetric(0, "ns/op")
	for i, tr := range tools {
		b.Logf("%-18s ms: %s", tr.name, list("%.1f", msAll(times[i])))
		b.ReportMetric(ms(median(times[i])), tr.name+"-ms")
		b.ReportMetric(float64(median(times[i]))/float64(realRTT), tr.name+"-RTT")
	}
	return times
}

// reportRatio reports as unit the median over the rounds of num's time
// over den's in the same round (not the ratio of the medians), and logs
// every round's ratio.
func reportRatio(b *testing.B, unit string, num, den []time.Duration) {
	b.Helper()
	ratios := make([]float64, min(len(num), len(den)))
	for i := range ratios {
		ratios[i] = float64(num[i]) / float64(den[i])
	}
	b.Logf("%-18s:    %s", unit, list("%.3f", ratios))
	b.ReportMetric(median(ratios), unit)
}

// list formats xs as "1.0 2.0 3.0", each with format.
func list(format string, xs []float64) string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = fmt.Sprintf(format, x)
	}
	return strings.Join(out, " ")
}

// msAll is each of ds in milliseconds.
func msAll(ds []time.Duration) []float64 {
	out := make([]float64, len(ds))
	for i, d := range ds {
		out[i] = ms(d)
	}
	return out
}

// startIn starts cmd inside network namespace ns, forked straight from
// this process as the harness's runner does: no `ip netns exec` in between
// whose start-up would be timed with the tool. The fork happens on an OS
// thread that joins ns for that moment and then returns to this process's
// namespace; a thread that cannot return is never unlocked, so Go retires
// it with its goroutine.
func startIn(ns string, cmd *exec.Cmd) error {
	target, err := os.Open(filepath.Join("/run/netns", ns))
	if err != nil {
		return err
	}
	defer target.Close()
	runtime.LockOSThread()
	self, err := os.Open("/proc/thread-self/ns/net")
	if err != nil {
		runtime.UnlockOSThread()
		return err
	}
	defer self.Close()
	if err := unix.Setns(int(target.Fd()), unix.CLONE_NEWNET); err != nil {
		runtime.UnlockOSThread()
		return fmt.Errorf("joining %s: %w", ns, err)
	}
	startErr := cmd.Start()
	if err := unix.Setns(int(self.Fd()), unix.CLONE_NEWNET); err != nil {
		return fmt.Errorf("leaving %s: %w", ns, err)
	}
	runtime.UnlockOSThread()
	return startErr
}

// ms is d in milliseconds.
func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// median returns the middle value of xs (the mean of the two middle ones
// for an even count); xs is not changed.
func median[T time.Duration | float64](xs []T) T {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
