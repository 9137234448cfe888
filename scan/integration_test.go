package scan

import (
	"bufio"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/ftpdoctor/ftpdoctor/internal/netlab"
	"github.com/ftpdoctor/ftpdoctor/probes"
)

// The benchmark's range: 1,000 ports, the upper half dropped by nft.
var (
	benchRange   = probes.PortRange{Low: 50000, High: 50999}
	benchDropped = probes.PortRange{Low: 50500, High: 50999}
)

func TestNetnsHalfDroppedMatchesNmap(t *testing.T) {
	n := newNetns(t, benchDropped)
	got := scanFromClient(t, n, benchRange, "")
	want := map[int]State{}
	for p := benchRange.Low; p <= benchRange.High; p++ {
		want[p] = StateClosed
		if benchDropped.Contains(p) {
			want[p] = StateFiltered
		}
	}
	if d := diffStates(benchRange, got.States, want); len(d) > 0 {
		t.Fatalf("%d ports differ from the nft rule (ours vs rule), first: %v", len(d), d[:min(5, len(d))])
	}
	if !haveNmap() {
		t.Log("nmap is not installed (apt-get install -y nmap): compared with the nft rule only")
		return
	}
	nmap, wall := nmapFromClient(t, n, benchRange)
	if d := diffStates(benchRange, got.States, nmap); len(d) > 0 {
		t.Fatalf("%d ports differ from nmap -sT (ours vs nmap), first: %v", len(d), d[:min(5, len(d))])
	}
	t.Logf("wall time: ftpdoctor %d ms (scan %.0f ms), nmap -sT -Pn %d ms", got.Wall.Milliseconds(), got.DurationMS, wall.Milliseconds())
}

func TestNetnsTokenAcrossNamespaces(t *testing.T) {
	n := newNetns(t, probes.PortRange{Low: 41050, High: 41099})
	listened := probes.PortRange{Low: 41000, High: 41039} // 41040-41049 stay closed
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	srv := netlab.SelfCommand(ctx, t, n.server, "SCAN_HELPER=listen", "LISTEN_TOKEN=tok42", "LISTEN_SECONDS=20",
		fmt.Sprintf("LISTEN_RANGE=%d-%d", listened.Low, listened.High))
	out, err := srv.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Process.Kill(); srv.Wait() })
	if line, err := bufio.NewReader(out).ReadString('\n'); err != nil || line != "ready\n" {
		t.Fatalf("listen helper: %q %v", line, err)
	}
	got := scanFromClient(t, n, probes.PortRange{Low: 41000, High: 41099}, "tok42")
	for p := 41000; p <= 41099; p++ {
		state, tok := got.States[p], got.Tokens[p]
		switch {
		case listened.Contains(p) && (state != StateOpen || tok != TokenMatch):
			t.Errorf("port %d: %s/%s, want open/match", p, state, tok)
		case p >= 41040 && p <= 41049 && state != StateClosed:
			t.Errorf("port %d: %s, want closed", p, state)
		case p >= 41050 && state != StateFiltered:
			t.Errorf("port %d: %s, want filtered", p, state)
		}
	}
}

// BenchmarkRangeVsNmap scans 1,000 ports, half dropped by a real nft rule,
// with the product defaults and with nmap -sT -Pn (default timing, T3) from
// the same client namespace, checks that both classify every port alike,
// and reports both wall times. Run as root:
//
//	go test -run '^$' -bench RangeVsNmap -benchtime 3x ./scan/
func BenchmarkRangeVsNmap(b *testing.B) {
	n := newNetns(b, benchDropped)
	var ours, theirs time.Duration
	for i := 0; i < b.N; i++ {
		got := scanFromClient(b, n, benchRange, "")
		nmap, wall := nmapFromClient(b, n, benchRange)
		if d := diffStates(benchRange, got.States, nmap); len(d) > 0 {
			b.Fatalf("%d ports differ from nmap -sT (ours vs nmap), first: %v", len(d), d[:min(5, len(d))])
		}
		b.Logf("run %d: 1000 ports agree; wall time ftpdoctor %d ms (scan %.0f ms), nmap -sT -Pn %d ms",
			i+1, got.Wall.Milliseconds(), got.DurationMS, wall.Milliseconds())
		ours += got.Wall
		theirs += wall
	}
	b.ReportMetric(float64(ours.Milliseconds())/float64(b.N), "ftpdoctor-ms/op")
	b.ReportMetric(float64(theirs.Milliseconds())/float64(b.N), "nmap-ms/op")
	if ours > theirs {
		b.Errorf("ftpdoctor took %v in total, nmap %v: slower than nmap", ours, theirs)
	}
}
