package scan

import (
	"context"
	"errors"
	"net"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/ftpdoctor/ftpdoctor/internal/testutil"
	"github.com/ftpdoctor/ftpdoctor/probes"
)

// stubDialer plays one behaviour per port without touching the network.
type stubDialer struct {
	behave   func(port, try int) string // "open", "token", "other", "silent", "refused", "drop", "unreach", "emfile"
	token    string                     // for "token"
	mu       sync.Mutex
	tries    map[int]int // tries per port
	inFlight atomic.Int32
	peak     atomic.Int32 // most dials in flight at once
}

func (d *stubDialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	_, ps, _ := net.SplitHostPort(address)
	port, _ := strconv.Atoi(ps)
	d.mu.Lock()
	if d.tries == nil {
		d.tries = map[int]int{}
	}
	d.tries[port]++
	try := d.tries[port]
	d.mu.Unlock()
	n := d.inFlight.Add(1)
	defer d.inFlight.Add(-1)
	for p := d.peak.Load(); n > p && !d.peak.CompareAndSwap(p, n); p = d.peak.Load() {
	}
	opErr := func(err error) error {
		return &net.OpError{Op: "dial", Net: network, Err: os.NewSyscallError("connect", err)}
	}
	switch b := d.behave(port, try); b {
	case "refused":
		time.Sleep(time.Millisecond)
		return nil, opErr(syscall.ECONNREFUSED)
	case "unreach":
		return nil, opErr(syscall.EHOSTUNREACH)
	case "emfile":
		return nil, opErr(syscall.EMFILE)
	case "drop":
		<-ctx.Done()
		return nil, ctx.Err()
	default:
		client, server := net.Pipe()
		go func() {
			defer server.Close()
			switch b {
			case "token":
				server.Write([]byte(TokenLine(d.token, port)))
			case "wrongport":
				server.Write([]byte(TokenLine(d.token, port+1)))
			case "other":
				server.Write([]byte("SSH-2.0-OpenSSH_9.2p1\r\n"))
			case "silent":
				server.SetReadDeadline(time.Now().Add(2 * time.Second))
				server.Read(make([]byte, 1))
			}
		}()
		return client, nil
	}
}

func states(ports []Port) map[int]State {
	m := map[int]State{}
	for _, p := range ports {
		m[p.Port] = p.State
	}
	return m
}

func TestScanClassifies(t *testing.T) {
	cases := []struct {
		name    string
		behave  func(port, try int) string
		token   string
		want    map[int]State
		tokens  map[int]TokenCheck
		reasons map[int]string
	}{
		{name: "refused_is_closed", behave: func(int, int) string { return "refused" },
			want: map[int]State{1000: StateClosed, 1001: StateClosed}, reasons: map[int]string{1000: ReasonRefused}},
		{name: "no_answer_is_filtered", behave: func(p, _ int) string {
			if p == 1001 {
				return "drop"
			}
			return "refused"
		}, want: map[int]State{1000: StateClosed, 1001: StateFiltered}, reasons: map[int]string{1001: ReasonNoResponse}},
		{name: "unreachable_is_filtered", behave: func(int, int) string { return "unreach" },
			want: map[int]State{1000: StateFiltered, 1001: StateFiltered}, reasons: map[int]string{1000: ReasonUnreachable}},
		{name: "out_of_descriptors_is_error", behave: func(int, int) string { return "emfile" },
			want: map[int]State{1000: StateError, 1001: StateError}, reasons: map[int]string{1000: ReasonLocalError}},
		{name: "connect_is_open", behave: func(int, int) string { return "open" },
			want: map[int]State{1000: StateOpen, 1001: StateOpen}, reasons: map[int]string{1000: ReasonSynAck}},
		{name: "token_outcomes", token: "t1", behave: func(p, _ int) string {
			return map[int]string{1000: "token", 1001: "other"}[p]
		}, want: map[int]State{1000: StateOpen, 1001: StateOpen},
			tokens: map[int]TokenCheck{1000: TokenMatch, 1001: TokenMismatch}},
		{name: "token_wrong_port_and_silent", token: "t1", behave: func(p, _ int) string {
			return map[int]string{1000: "wrongport", 1001: "silent"}[p]
		}, want: map[int]State{1000: StateOpen, 1001: StateOpen},
			tokens: map[int]TokenCheck{1000: TokenWrongPort, 1001: TokenSilent}},
		{name: "answer_on_retry_is_closed", behave: func(_, try int) string {
			if try == 1 {
				return "drop"
			}
			return "refused"
		}, want: map[int]State{1000: StateClosed, 1001: StateClosed}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := &stubDialer{behave: tc.behave, token: "t1"}
			res, err := Scan(context.Background(), Options{Address: "127.0.0.1", Range: probes.PortRange{Low: 1000, High: 1001},
				Dialer: d, Concurrency: 4, Timeout: 300 * time.Millisecond, MinTimeout: 50 * time.Millisecond,
				Retries: 1, Token: tc.token})
			if err != nil {
				t.Fatal(err)
			}
			for port, want := range tc.want {
				if got := states(res.Ports)[port]; got != want {
					t.Errorf("port %d: state %s, want %s", port, got, want)
				}
			}
			for _, p := range res.Ports {
				if want, ok := tc.reasons[p.Port]; ok && p.Reason != want {
					t.Errorf("port %d: reason %s, want %s", p.Port, p.Reason, want)
				}
				if want := tc.tokens[p.Port]; p.Token != want {
					t.Errorf("port %d: token %q, want %q", p.Port, p.Token, want)
				}
				if p.State == StateFiltered && p.Reason == ReasonNoResponse && p.Tries != 2 {
					t.Errorf("port %d: %d tries for no answer, want 2 (one retry)", p.Port, p.Tries)
				}
			}
		})
	}
}

func TestScanKeepsConcurrencyBound(t *testing.T) {
	d := &stubDialer{behave: func(p, _ int) string {
		if p%2 == 0 {
			return "drop"
		}
		return "refused"
	}}
	res, err := Scan(context.Background(), Options{Address: "127.0.0.1", Range: probes.PortRange{Low: 2000, High: 2099},
		Dialer: d, Concurrency: 7, Timeout: 50 * time.Millisecond, MinTimeout: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if got := d.peak.Load(); got > 7 || got < 2 {
		t.Errorf("peak dials in flight %d, want between 2 and 7", got)
	}
	if c := Count(res.Ports); c.Filtered != 50 || c.Closed != 50 {
		t.Errorf("counts %+v, want 50 filtered and 50 closed", c)
	}
}

func TestScanRejectsBadOptions(t *testing.T) {
	good := Options{Address: "127.0.0.1", Range: probes.PortRange{Low: 1, High: 2}, Timeout: time.Second}
	cases := []struct {
		name string
		edit func(*Options)
	}{
		{"name_not_address", func(o *Options) { o.Address = "localhost" }},
		{"port_zero", func(o *Options) { o.Range.Low = 0 }},
		{"port_above_65535", func(o *Options) { o.Range.High = 65536 }},
		{"low_above_high", func(o *Options) { o.Range = probes.PortRange{Low: 9, High: 8} }},
		{"zero_timeout", func(o *Options) { o.Timeout = 0 }},
		{"negative_retries", func(o *Options) { o.Retries = -1 }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := good
			tc.edit(&o)
			if _, err := Scan(context.Background(), o); err == nil {
				t.Error("Scan accepted bad options")
			}
		})
	}
}

func TestScanLoopbackOpenAndClosed(t *testing.T) {
	openPort, closedPort := testutil.OpenPort(t), testutil.ClosedPort(t)
	for _, tc := range []struct {
		name string
		port int
		want State
	}{{"listener_is_open", openPort, StateOpen}, {"freed_port_is_closed", closedPort, StateClosed}} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Scan(context.Background(), Options{Address: "127.0.0.1", Range: probes.PortRange{Low: tc.port, High: tc.port},
				Concurrency: 1, Timeout: 2 * time.Second, Retries: 1})
			if err != nil {
				t.Fatal(err)
			}
			if got := res.Ports[0].State; got != tc.want {
				t.Errorf("port %d: %s, want %s", tc.port, got, tc.want)
			}
		})
	}
}

// TestScanLoopbackFullBacklogIsFiltered uses a listener whose accept queue
// is full: Linux drops further SYNs, a real black hole on loopback.
func TestScanLoopbackFullBacklogIsFiltered(t *testing.T) {
	port := testutil.BlackHolePort(t)
	res, err := Scan(context.Background(), Options{Address: "127.0.0.1", Range: probes.PortRange{Low: port, High: port},
		Concurrency: 1, Timeout: 300 * time.Millisecond, Retries: 1})
	if err != nil {
		t.Fatal(err)
	}
	if p := res.Ports[0]; p.State != StateFiltered || p.Reason != ReasonNoResponse || p.Tries != 2 {
		t.Errorf("full backlog: %+v, want filtered/no-response after 2 tries", p)
	}
}

func TestScanStopsWhenContextEnds(t *testing.T) {
	d := &stubDialer{behave: func(int, int) string { return "drop" }}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Scan(ctx, Options{Address: "127.0.0.1", Range: probes.PortRange{Low: 1, High: 500},
		Dialer: d, Concurrency: 10, Timeout: time.Minute})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err %v, want context.Canceled", err)
	}
}

func TestEstimatorTimeout(t *testing.T) {
	cases := []struct {
		name    string
		samples []time.Duration
		want    time.Duration
	}{
		{"no_sample_waits_the_maximum", nil, time.Second},
		{"fast_answers_floor_at_minimum", []time.Duration{time.Millisecond, time.Millisecond}, 100 * time.Millisecond},
		{"first_sample_is_three_rtts", []time.Duration{200 * time.Millisecond}, 600 * time.Millisecond},
		{"slow_answers_cap_at_maximum", []time.Duration{3 * time.Second}, time.Second},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEstimator(100*time.Millisecond, time.Second)
			for _, s := range tc.samples {
				e.sample(s)
			}
			if got := e.timeout(); got != tc.want {
				t.Errorf("timeout %v, want %v", got, tc.want)
			}
		})
	}
}
