package cli

import (
	"cmp"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
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
// It also runs ftpdoctor --version startupRuns/10 times with
// GODEBUG=inittrace=1 and reports the sum of each package's fastest init
// (init-ms) and logs the costliest packages, the first place to look when
// start-up grows.
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
		inits := initTimes(b, bin)
		var total time.Duration
		for _, it := range inits {
			total += it.took
		}
		b.ReportMetric(ms(total), "init-ms")
		for _, it := range inits[:min(8, len(inits))] {
			b.Logf("init %-50s %.3f ms", it.pkg, ms(it.took))
		}
	}
}

// initTime is the fastest init of one package over several runs.
type initTime struct {
	pkg  string        // import path
	took time.Duration // the fastest of the runs
}

// initTimes runs bin --version with GODEBUG=inittrace=1 and returns each
// package's fastest init, costliest first. A line of the trace reads
// "init PKG @1.1 ms, 0.012 ms clock, 256 bytes, 2 allocs".
func initTimes(b *testing.B, bin string) []initTime {
	fastest := map[string]time.Duration{}
	for range startupRuns / 10 {
		cmd := exec.Command(bin, "--version")
		cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1")
		var trace strings.Builder
		cmd.Stderr = &trace
		if err := cmd.Run(); err != nil {
			b.Fatalf("%s --version: %v", bin, err)
		}
		for _, line := range strings.Split(trace.String(), "\n") {
			f := strings.Fields(line)
			if len(f) < 7 || f[0] != "init" || f[6] != "clock," {
				continue
			}
			v, err := strconv.ParseFloat(f[4], 64)
			if err != nil {
				continue
			}
			d := time.Duration(v * float64(time.Millisecond))
			if old, ok := fastest[f[1]]; !ok || d < old {
				fastest[f[1]] = d
			}
		}
	}
	var out []initTime
	for pkg, d := range fastest {
		out = append(out, initTime{pkg, d})
	}
	slices.SortFunc(out, func(x, y initTime) int { return cmp.Or(cmp.Compare(y.took, x.took), cmp.Compare(x.pkg, y.pkg)) })
	return out
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
