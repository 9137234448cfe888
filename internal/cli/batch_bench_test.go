package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ftpdoctor/ftpdoctor/fixtures"
	"github.com/ftpdoctor/ftpdoctor/output"
	"github.com/ftpdoctor/ftpdoctor/probes"
	"github.com/ftpdoctor/ftpdoctor/verdict"
)

// benchRTT is the round-trip time the batch benchmark adds to every
// connection, so that a check waits on the network as it does in a fleet
// rather than on this machine's CPUs: 50 ms, the RTT of the repo's other
// speed goals. At 20 ms the 10 fixtures and their latency proxies, which
// share the machine's two cores with the batch, burn more CPU than the
// batch itself, and the run measures them (about 2x the ideal).
const benchRTT = 50 * time.Millisecond

// benchTargets starts n healthy fixtures, each behind a latency proxy on
// 127.0.0.2 (so that the 227 address matches the control peer), and
// returns their targets.
func benchTargets(b *testing.B, n int) []string {
	var targets []string
	for range n {
		srv := fixtures.StartT(b, fixtures.Script{
			Anonymous:    fixtures.AnonAllowed,
			PassiveWrap:  fixtures.DelayPassive(benchRTT / 2),
			ActiveDialer: fixtures.DelayDialer(benchRTT/2, nil),
		})
		proxy, err := fixtures.StartProxy(fixtures.ProxyConfig{Listen: "127.0.0.2:0", Upstream: srv.Addr(), Delay: benchRTT / 2})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { proxy.Close() })
		targets = append(targets, proxy.Addr())
	}
	return targets
}

// BenchmarkBatch1000 runs `ftpdoctor batch --parallel 100 --json` as a
// process of its own against 1,000 targets on loopback (10 fixture servers
// at 50 ms RTT, in this process). It reports the batch's time over the
// ideal, 1000/100 times one check's time (x-ideal; the goal is 1.5 or
// less), and the batch process's peak resident memory from getrusage
// (peak-rss-MB, VmHWM from /proc; the goal is under 100), so that the
// fixtures' own memory is not counted. (getrusage's ru_maxrss would not
// do: on Linux it includes the forking parent's RSS, this benchmark's.)
func BenchmarkBatch1000(b *testing.B) {
	const lines, parallel = 1000, 100
	bin := filepath.Join(b.TempDir(), "ftpdoctor")
	if out, err := exec.Command("go", "build", "-o", bin, "../..").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	targets := benchTargets(b, 10)
	single := medianCheck(b, targets[0], probes.Config{Timeout: 5 * time.Second, Mode: probes.ModeBoth})
	var list strings.Builder
	for i := range lines {
		fmt.Fprintln(&list, targets[i%len(targets)])
	}
	for b.Loop() {
		cmd := exec.Command(bin, "batch", "--parallel", strconv.Itoa(parallel), "--json", "-")
		cmd.Stdin = strings.NewReader(list.String())
		cmd.Env = append(os.Environ(), "HOME="+b.TempDir(), "FTP_PASSWORD=")
		var out bytes.Buffer
		cmd.Stdout = &out
		start := time.Now()
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		hwm := watchHighWater(cmd.Process.Pid)
		err := cmd.Wait()
		elapsed := time.Since(start)
		if err != nil {
			b.Fatalf("batch: %v", err)
		}
		if n := strings.Count(out.String(), `"exit_code":0,`); n != lines {
			b.Fatalf("%d of %d checks ok", n, lines)
		}
		ideal := time.Duration(lines/parallel) * single
		b.ReportMetric(elapsed.Seconds()/ideal.Seconds(), "x-ideal")
		b.ReportMetric(single.Seconds()*1000, "single-check-ms")
		b.ReportMetric(elapsed.Seconds(), "batch-s")
		b.ReportMetric(float64(hwm())/1024, "peak-rss-MB")
		b.ReportMetric((cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Seconds(), "batch-cpu-s")
	}
}

// BenchmarkBatch1000InProcess runs the same batch inside the benchmark
// and reports the peak of runtime.MemStats.Sys, which here includes the
// fixtures' memory too (an upper bound for the batch's).
func BenchmarkBatch1000InProcess(b *testing.B) {
	const lines, parallel = 1000, 100
	targets := benchTargets(b, 10)
	base := probes.Config{Timeout: 5 * time.Second, Mode: probes.ModeBoth}
	var list strings.Builder
	for i := range lines {
		fmt.Fprintln(&list, targets[i%len(targets)])
	}
	for b.Loop() {
		peak := watchMemory()
		bt := batch{in: strings.NewReader(list.String()), base: base, parallel: parallel,
			deadline: time.Minute, env: probes.DefaultEnv()}
		w := &countingWriter{}
		if _, err := bt.run(context.Background(), w); err != nil {
			b.Fatal(err)
		}
		if w.ok != lines {
			b.Fatalf("%d of %d checks ok", w.ok, lines)
		}
		b.ReportMetric(float64(peak())/(1<<20), "peak-sys-MB")
	}
}

// medianCheck is the median time of one check of target, alone.
func medianCheck(b *testing.B, target string, base probes.Config) time.Duration {
	var times []time.Duration
	for range 7 {
		cfg := base
		cfg.Target, _, _ = parseTarget(target)
		cfg.Target.User, cfg.Anonymous = "anonymous", true
		start := time.Now()
		probes.Check(context.Background(), cfg, probes.DefaultEnv())
		times = append(times, time.Since(start))
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	return times[len(times)/2]
}

// watchMemory samples runtime.MemStats.Sys (all memory the runtime holds
// from the OS: heap, stacks, buffers) every 10 ms until the returned
// function is called, which returns the peak.
func watchMemory() func() uint64 {
	var peak uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.Sys)
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 { close(stop); wg.Wait(); return peak }
}

// countingWriter counts ok records and writes each as JSON Lines to
// io.Discard, as batch --json would.
type countingWriter struct{ ok int }

func (c *countingWriter) Record(r batchRecord) error {
	if r.Report != nil && r.Report.ExitCode == 0 {
		c.ok++
	}
	return newBatchJSONLines(io.Discard, output.Options{}).Record(r)
}

func (c *countingWriter) End(map[verdict.Verdict]int) error { return nil }

// watchHighWater polls /proc/PID/status every 10 ms for VmHWM, the peak
// resident set of the process's own memory, until the returned function is
// called (after the process ended), which returns the last value in KiB.
func watchHighWater(pid int) func() uint64 {
	var last uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			if data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status"); err == nil {
				for _, l := range strings.Split(string(data), "\n") {
					if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
						if kb, err := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64); err == nil && kb > 0 {
							last = kb
						}
					}
				}
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 { close(stop); wg.Wait(); return last }
}
