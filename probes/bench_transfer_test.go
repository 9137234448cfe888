package probes_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/ftpdoctor/ftpdoctor/fixtures"
	"github.com/ftpdoctor/ftpdoctor/probes"
)

// benchFileSize is the download of the transfer benchmarks: 4 MiB, the
// default --transfer-size.
const benchFileSize = 4 << 20

// latencyFileServer is latencyServer holding /big.bin of benchFileSize
// bytes.
func latencyFileServer(b *testing.B) (host string, port int) {
	b.Helper()
	srv := fixtures.StartT(b, fixtures.Script{
		Users:        map[string]string{"alice": testPassword},
		PassiveWrap:  fixtures.DelayPassive(benchRTT / 2),
		ActiveDialer: fixtures.DelayDialer(benchRTT/2, nil),
		Files:        map[string][]byte{"/big.bin": bytes.Repeat([]byte("0123456789abcdef"), benchFileSize/16)},
	})
	proxy, err := fixtures.StartProxy(fixtures.ProxyConfig{Listen: "127.0.0.2:0", Upstream: srv.Addr(), Delay: benchRTT / 2})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { proxy.Close() })
	return "127.0.0.2", mustPort(b, proxy.Addr())
}

// BenchmarkTransferDownload50msRTT times a whole check with --transfer
// --file /big.bin (4 MiB) at 50 ms round-trip time: every stage of the
// check, then the download. Compare it with BenchmarkCurlDownload50msRTT
// from the same run: the goal is at most curl's time plus 10%. The metric
// "transfer-ms/op" is the transfer stage's own time.
func BenchmarkTransferDownload50msRTT(b *testing.B) {
	benchTransfer(b, probes.ModeBoth)
}

// BenchmarkTransferDownloadPassive50msRTT is the same with --mode passive,
// as a client that uses passive mode only.
func BenchmarkTransferDownloadPassive50msRTT(b *testing.B) {
	benchTransfer(b, probes.ModePassive)
}

func benchTransfer(b *testing.B, mode probes.Mode) {
	host, port := latencyFileServer(b)
	cfg := probes.Config{Target: probes.Target{Host: host, Port: port, User: "alice"}, Password: testPassword,
		Timeout: 5 * time.Second, TLS: probes.TLSOff, Mode: mode, Transfer: &probes.TransferConfig{File: "/big.bin", Size: benchFileSize}}
	var stage time.Duration
	for b.Loop() {
		o := probes.Check(context.Background(), cfg, probes.DefaultEnv())
		for _, r := range o.Results {
			if r.Status != probes.StatusPass && r.Status != probes.StatusSkip {
				b.Fatalf("%s: %s %s", r.Stage, r.Code, r.Summary)
			}
			if r.Stage == probes.StageTransfer {
				if tr := r.Evidence.Transfer.Transfers; len(tr) != 1 || tr[0].Bytes != benchFileSize {
					b.Fatalf("transfer: %s", r.Summary)
				}
				stage += r.Duration
			}
		}
	}
	b.ReportMetric(float64(stage)/float64(b.N)/float64(time.Millisecond), "transfer-ms/op")
}

// BenchmarkCurlDownload50msRTT times curl -o /dev/null of the same file,
// server and latency.
func BenchmarkCurlDownload50msRTT(b *testing.B) {
	host, port := latencyFileServer(b)
	benchCurl(b, "ftp://"+host+":"+itoa(port)+"/big.bin", "-o", "/dev/null")
}
