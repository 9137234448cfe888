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

	"github.com/ftpdoctor/ftpdoctor/internal/netlab"
)

// realRTT is the round-trip time BenchmarkRealRTTHealthy puts between
// client and server: 25 ms one way, as ../shared/bench/run's
// healthy-latency section (BENCH_DELAY_MS=25).
const realRTT = 50 * time.Millisecond

// benchShare is the netlab.Share name of the benchmark's FTP user.
const benchShare = "fdlab-bench"

// benchSpec is the benchmark's FTP user. Its password is hashed with
// SHA512-crypt, as the shared harness's user is: Debian 12's default,
// yescrypt, costs about 35 ms more per PAM login, and ftpdoctor logs in
// on more connections than curl.
var benchSpec = netlab.UserSpec{Name: "fdlab-bench", Home: "/var/lib/fdlab-bench", Crypt: "SHA512"}

// benchNeed is what the benchmark needs beyond the suite: iptables for
// netlab.Delay's NFQUEUE rules (nft has no queue statement in this kernel).
var benchNeed = netlab.Need{Tools: []string{"iptables"}}

// BenchmarkRealRTTHealthy times a healthy plain-FTP check by the built
// ftpdoctor binary against a real vsftpd with PAM at 50 ms round-trip
// time, interleaved round by round with one passive listing by curl, the
// way ../shared/bench/run's healthy-latency section does, so that the two
// ratios can be compared:
//
//   - two namespaces joined by a veth pair; every packet crossing it, SYN,
//     SYN-ACK and bare ACKs included, is held 25 ms each way (netlab.Delay),
//     so a connect, a login and each extra connection cost what a real
//     network charges;
//   - vsftpd 3.0.3 with PAM (SHA512 hashes; service "other", which the
//     harness's vsftpd gets too: unpacked, not installed, it has no
//     /etc/pam.d/vsftpd), passive range 30000-30099, pasv_address set, a
//     home of 3 files and 200 directories;
//   - both tools run as processes in the client namespace, forked straight
//     from the benchmark (see startIn), timed from start to exit:
//     `ftpdoctor check --json ftp://USER@SERVER/` with FTP_PASSWORD, and
//     `curl -s --list-only ftp://USER:PASSWORD@SERVER/`.
//
// One warm-up round is discarded. It reports each tool's median wall time
// (ftpdoctor-ms, curl-ms), the same in round trips (ftpdoctor-RTT,
// curl-RTT), and ratio, the median over the rounds of ftpdoctor's time
// over curl's in the same round. ns/op is suppressed: one op runs both.
//
// Unlike the harness, the ACKs are delayed too, so vsftpd's Nagle stall
// before "226" costs a round trip plus the client's delayed ACK here, as
// on a real network, and about 40 ms there (bench/README.md). Run it as
// root after .ci/install.sh:
//
//	go test -run '^$' -bench RealRTT -benchtime 5x ./integration/
func BenchmarkRealRTTHealthy(b *testing.B) {
	requireBench(b)
	curl, err := exec.LookPath("curl")
	if err != nil {
		b.Skip("curl is not installed: no row to compare with")
	}
	user := shareBenchUser(b)
	l, cli, srv, srvAddr := delayedLab(b)
	l.Vsftpd(srv, "listen_address="+srvAddr, fmt.Sprintf("listen_port=%d", ftpPort),
		"local_enable=YES", "write_enable=NO", "anonymous_enable=NO", "pam_service_name=other",
		"pasv_enable=YES", fmt.Sprintf("pasv_min_port=%d", passiveLow), fmt.Sprintf("pasv_max_port=%d", passiveHigh),
		"pasv_address="+srvAddr, "port_enable=YES", "xferlog_enable=NO")
	tools := []toolRun{
		{name: "ftpdoctor", ns: cli, env: []string{"FTP_PASSWORD=" + user.Password}, want: `"verdict": "ok"`, hide: user.Password,
			args: []string{suite.bin, "check", "--json", "ftp://" + user.Name + "@" + srvAddr + "/"}},
		{name: "curl", ns: cli, want: "file1.txt", hide: user.Password,
			args: []string{curl, "-s", "--list-only", "ftp://" + user.Name + ":" + user.Password + "@" + srvAddr + "/"}},
	}
	// The warm-up round, discarded, also proves the delay is there: a login
	// and one listing cannot take less than 7 round trips (bench/README.md).
	for _, tr := range tools {
		if d := tr.run(b); d < 7*realRTT {
			b.Fatalf("%s took %.1f ms, less than 7 round trips of %v: the delay is not applied", tr.name, ms(d), realRTT)
		}
	}
	var ftpTimes, curlTimes []time.Duration
	var ratios []float64
	for b.Loop() {
		f, c := tools[0].run(b), tools[1].run(b)
		ftpTimes, curlTimes = append(ftpTimes, f), append(curlTimes, c)
		ratios = append(ratios, float64(f)/float64(c))
	}
	b.Logf("ftpdoctor ms: %s", list("%.1f", msAll(ftpTimes)))
	b.Logf("curl ms:      %s", list("%.1f", msAll(curlTimes)))
	b.Logf("ratios:       %s", list("%.3f", ratios))
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(ms(median(ftpTimes)), "ftpdoctor-ms")
	b.ReportMetric(ms(median(curlTimes)), "curl-ms")
	b.ReportMetric(float64(median(ftpTimes))/float64(realRTT), "ftpdoctor-RTT")
	b.ReportMetric(float64(median(curlTimes))/float64(realRTT), "curl-RTT")
	b.ReportMetric(median(ratios), "ratio")
}

// requireBench skips b, or fails it under CI, when the lab cannot run here
// or lacks what the benchmark needs; it fails b when ftpdoctor did not build.
func requireBench(b *testing.B) {
	b.Helper()
	netlab.SkipUnlessCI(b, suite.unavailable)
	netlab.Require(b, benchNeed)
	if suite.buildErr != nil {
		b.Fatalf("cannot build ftpdoctor: %v", suite.buildErr)
	}
}

// shareBenchUser takes the lease on the benchmark's user and gives its
// home the harness's contents: file1.txt to file3.txt and d001 to d200,
// each with a readme.txt, so that listings are as long as there. Tests are
// over when benchmarks run, so /etc/shadow is not rewritten under a
// server of this run that authenticates.
func shareBenchUser(b *testing.B) netlab.LocalUser {
	b.Helper()
	users, release, err := netlab.ShareUsers(benchShare, []netlab.UserSpec{benchSpec})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(release)
	home := benchSpec.Home
	for i := 1; i <= 3; i++ {
		writeIfMissing(b, filepath.Join(home, fmt.Sprintf("file%d.txt", i)), fmt.Sprintf("hello %d\n", i))
	}
	for i := 1; i <= 200; i++ {
		writeIfMissing(b, filepath.Join(home, fmt.Sprintf("d%03d", i), "readme.txt"), fmt.Sprintf("target %d\n", i))
	}
	if out, err := exec.Command("chown", "-R", benchSpec.Name+":", home).CombinedOutput(); err != nil {
		b.Fatalf("chown: %v: %s", err, out)
	}
	return users[0]
}

// writeIfMissing writes content to path, making its directory, unless a
// file is there already.
func writeIfMissing(b *testing.B, path, content string) {
	b.Helper()
	if _, err := os.Stat(path); err == nil {
		return
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		b.Fatal(err)
	}
}

// delayedLab builds a client and a server namespace joined by one veth
// pair whose every packet is held realRTT/2 each way, and returns their
// lab, their names and the server's address. Both go, with their processes, when b ends.
func delayedLab(b *testing.B) (l *netlab.Lab, cli, srv, srvAddr string) {
	b.Helper()
	n := int(nextIndex.Add(1)) // a /24 no test lab of this run uses
	if n > 120 {
		b.Fatalf("out of lab subnets (index %d)", n)
	}
	l = netlab.New(b)
	cli, srv = l.Namespace("bcli"), l.Namespace("bsrv")
	cliIf, srvIf := fmt.Sprintf("fdit%dc", n), fmt.Sprintf("fdit%ds", n)
	srvAddr = fmt.Sprintf("10.77.%d.2", 2*n)
	l.Veth(cli, cliIf, fmt.Sprintf("10.77.%d.1/24", 2*n), srv, srvIf, srvAddr+"/24")
	l.Delay(cli, cliIf, realRTT/2)
	return l, cli, srv, srvAddr
}

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
