package integration

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

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
	bl := newBenchLab(b)
	bl.vsftpd()
	user, cli, srvAddr := bl.user, bl.cli, bl.srvAddr
	tools := []toolRun{
		{name: "ftpdoctor", ns: cli, env: []string{"FTP_PASSWORD=" + user.Password}, want: `"verdict": "ok"`, hide: user.Password,
			args: []string{suite.bin, "check", "--json", "ftp://" + user.Name + "@" + srvAddr + "/"}},
		{name: "curl", ns: cli, want: "file1.txt", hide: user.Password,
			args: []string{bl.curl, "-s", "--list-only", "ftp://" + user.Name + ":" + user.Password + "@" + srvAddr + "/"}},
	}
	times := runRounds(b, tools)
	reportRatio(b, "ratio", times[0], times[1])
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

// benchLab is what both real-server benchmarks run in: a delayed lab
// (delayedLab), the benchmark's user, and curl.
type benchLab struct {
	*netlab.Lab
	cli, srv string           // the client's and the server's namespace
	srvAddr  string           // the server's address, in srv
	user     netlab.LocalUser // the FTP user, with the harness's home
	curl     string           // curl's path
}

// newBenchLab skips b when the lab or curl is missing (requireBench), and
// otherwise builds the lab and takes the user (shareBenchUser).
func newBenchLab(b *testing.B) benchLab {
	b.Helper()
	requireBench(b)
	curl, err := exec.LookPath("curl")
	if err != nil {
		b.Skip("curl is not installed: no row to compare with")
	}
	user := shareBenchUser(b)
	l, cli, srv, srvAddr := delayedLab(b)
	return benchLab{Lab: l, cli: cli, srv: srv, srvAddr: srvAddr, user: user, curl: curl}
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

// vsftpd starts the benchmarks' vsftpd in the server namespace on
// srvAddr:21: PAM logins of local users (service "other"), read-only,
// passive range 30000-30099 advertised as srvAddr, active mode allowed;
// extra settings are added or override these.
func (bl benchLab) vsftpd(extra ...string) {
	bl.T.Helper()
	bl.Vsftpd(bl.srv, append([]string{"listen_address=" + bl.srvAddr, fmt.Sprintf("listen_port=%d", ftpPort),
		"local_enable=YES", "write_enable=NO", "anonymous_enable=NO", "pam_service_name=other",
		"pasv_enable=YES", fmt.Sprintf("pasv_min_port=%d", passiveLow), fmt.Sprintf("pasv_max_port=%d", passiveHigh),
		"pasv_address=" + bl.srvAddr, "port_enable=YES", "xferlog_enable=NO"}, extra...)...)
}
