package scan

import (
	"bufio"
	"context"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/ftpdoctor/ftpdoctor/internal/testutil"
	"github.com/ftpdoctor/ftpdoctor/probes"
)

// freeRange finds n consecutive loopback ports that are free right now.
func freeRange(t *testing.T, n int) probes.PortRange {
	t.Helper()
	low := testutil.FreePortRun(t, n)
	return probes.PortRange{Low: low, High: low + n - 1}
}

func TestListenAnswersTokenAndStopsByItself(t *testing.T) {
	r := freeRange(t, 5)
	busy, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(r.Low+2)))
	if err != nil {
		t.Skipf("port taken meanwhile: %v", err)
	}
	defer busy.Close()
	ready := make(chan ListenReport, 1)
	done := make(chan ListenReport, 1)
	go func() {
		rep, err := Listen(context.Background(), ListenConfig{Address: "127.0.0.1", Range: r, Token: "tk",
			Duration: 300 * time.Millisecond, Ready: func(rep ListenReport) { ready <- rep }})
		if err != nil {
			t.Error(err)
		}
		done <- rep
	}()
	var up ListenReport
	select {
	case up = <-ready:
	case <-time.After(10 * time.Second):
		t.Fatal("listen never became ready")
	}
	if up.BoundCount != 4 || len(up.Busy) != 1 || up.Busy[0].Low != r.Low+2 {
		t.Errorf("bound %d busy %v, want 4 bound and port %d busy", up.BoundCount, up.Busy, r.Low+2)
	}
	c, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(r.Low)), 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	c.SetReadDeadline(time.Now().Add(2 * time.Second))
	line, err := bufio.NewReader(c).ReadString('\n')
	c.Close()
	if err != nil || JudgeToken(line, false, "tk", r.Low) != TokenMatch {
		t.Errorf("token line %q (%v), want a match for port %d", line, err, r.Low)
	}
	var rep ListenReport
	select {
	case rep = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("listen did not stop after its time limit")
	}
	if rep.Connections != 1 || rep.PortsHit != 1 || len(rep.Peers) != 1 || rep.Peers[0] != "127.0.0.1" {
		t.Errorf("report %+v, want 1 connection from 127.0.0.1", rep)
	}
	if rep.DurationMS < 300 {
		t.Errorf("listened %.1f ms, want at least the 300 ms asked for", rep.DurationMS)
	}
	if _, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(r.Low)), 2*time.Second); err == nil {
		t.Error("port still accepts after listen returned")
	}
}

func TestListenFailsWhenNothingBinds(t *testing.T) {
	p := testutil.Port(testutil.Listen(t))
	rep, err := Listen(context.Background(), ListenConfig{Address: "127.0.0.1", Range: probes.PortRange{Low: p, High: p},
		Token: "tk", Duration: time.Minute})
	if err == nil || len(rep.Busy) != 1 {
		t.Errorf("err %v busy %v, want an error and the port reported busy", err, rep.Busy)
	}
}

func TestSpans(t *testing.T) {
	cases := []struct {
		name  string
		ports []int
		want  int // number of spans
	}{
		{"none", nil, 0},
		{"consecutive", []int{1, 2, 3}, 1},
		{"two_runs", []int{1, 2, 5}, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Spans(tc.ports); len(got) != tc.want {
				t.Errorf("Spans(%v) = %v, want %d spans", tc.ports, got, tc.want)
			}
		})
	}
}
