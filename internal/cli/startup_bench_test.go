package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// startupRuns is how many times BenchmarkStartup starts each binary per
// iteration, the two taking turns so that a change in the machine's load
// falls on both alike.
const startupRuns = 201

// BenchmarkStartup builds ftpdoctor and a minimal Go program (package
// main; func main() {}) with the same toolchain, starts each startupRuns
// times in turn (ftpdoctor with --version) and reports both medians
// (version-ms, minimal-ms), their ratio (x-minimal; the goal is 2 or
// less) and ftpdoctor's size (binary-MB), which the kernel pages in at
// start-up. Run it with
//
//	go test -run '^$' -bench Startup -benchtime 1x ./internal/cli
//
// and GODEBUG=inittrace=1 ./ftpdoctor --version for the time each
// package's init takes.
func BenchmarkStartup(b *testing.B) {
	dir := b.TempDir()
	bin, minimal := filepath.Join(dir, "ftpdoctor"), filepath.Join(dir, "minimal")
	if out, err := exec.Command("go", "build", "-o", bin, "../..").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	src := filepath.Join(dir, "minimal.go")
	if err := os.WriteFile(src, []byte("package main\n\nfunc main() {}\n"), 0o600); err != nil {
		b.Fatal(err)
	}
	if out, err := exec.Command("go", "build", "-o", minimal, src).CombinedOutput(); err != nil {
		b.Fatalf("go build minimal: %v\n%s", err, out)
	}
	st, err := os.Stat(bin)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		var versions, minimals []time.Duration
		for range startupRuns {
			versions = append(versions, timeRun(b, bin, "--version"))
			minimals = append(minimals, timeRun(b, minimal))
		}
		v, m := median(versions), median(minimals)
		b.ReportMetric(ms(v), "version-ms")
		b.ReportMetric(ms(m), "minimal-ms")
		b.ReportMetric(v.Seconds()/m.Seconds(), "x-minimal")
		b.ReportMetric(float64(st.Size())/(1<<20), "binary-MB")
	}
}

// timeRun is the wall time from starting bin with args to its exit.
func timeRun(b *testing.B, bin string, args ...string) time.Duration {
	cmd := exec.Command(bin, args...)
	start := time.Now()
	if err := cmd.Run(); err != nil {
		b.Fatalf("%s: %v", bin, err)
	}
	return time.Since(start)
}

// median is the middle of times (which it sorts).
func median(times []time.Duration) time.Duration {
	slices.Sort(times)
	return times[len(times)/2]
}

// ms is d in milliseconds.
func ms(d time.Duration) float64 { return d.Seconds() * 1000 }
