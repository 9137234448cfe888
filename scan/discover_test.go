package scan

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ftpdoctor/ftpdoctor/internal/testutil"
	"github.com/ftpdoctor/ftpdoctor/probes"
	"github.com/ftpdoctor/ftpdoctor/verdict"
)

// fakeFTP is a tiny scripted server: it logs in with pass "s3cret" and
// hands out passive ports from a list, in turn.
type fakeFTP struct {
	ln       net.Listener
	pasvAddr string // address put in 227 replies, as "h1,h2,h3,h4"
	ports    []int  // ports handed out in turn
	noPASV   bool   // answer PASV with 500
	mu       sync.Mutex
	got      []string // command lines received
	wg       sync.WaitGroup
}

func startFake(t *testing.T, f *fakeFTP) *fakeFTP {
	t.Helper()
	ln := testutil.Listen(t)
	f.ln = ln
	f.wg.Add(1)
	go func() {
		defer f.wg.Done()
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(10 * time.Second))
		f.session(c)
	}()
	t.Cleanup(func() { ln.Close(); f.wg.Wait() })
	return f
}

func (f *fakeFTP) session(c net.Conn) {
	r := bufio.NewReader(c)
	fmt.Fprint(c, "220 fake ready\r\n")
	next := 0
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		f.mu.Lock()
		f.got = append(f.got, line)
		f.mu.Unlock()
		verb, arg, _ := strings.Cut(line, " ")
		port := f.ports[next%len(f.ports)]
		switch verb {
		case "USER":
			fmt.Fprint(c, "331 password please\r\n")
		case "PASS":
			if arg != "s3cret" {
				fmt.Fprint(c, "530 Login incorrect.\r\n")
				continue
			}
			fmt.Fprint(c, "230 ok\r\n")
		case "PASV":
			if f.noPASV {
				fmt.Fprint(c, "500 no PASV\r\n")
				continue
			}
			next++
			fmt.Fprintf(c, "227 Entering Passive Mode (%s,%d,%d).\r\n", f.pasvAddr, port>>8, port&0xff)
		case "EPSV":
			next++
			fmt.Fprintf(c, "229 Entering Extended Passive Mode (|||%d|)\r\n", port)
		case "QUIT":
			fmt.Fprint(c, "221 bye\r\n")
			return
		default:
			fmt.Fprint(c, "502 no\r\n")
		}
	}
}

func (f *fakeFTP) port() int { return f.ln.Addr().(*net.TCPAddr).Port }

func TestDiscover(t *testing.T) {
	cases := []struct {
		name      string
		fake      *fakeFTP
		pass      string
		declared  *probes.PortRange
		wantErr   error
		observed  probes.PortRange
		outside   []int
		addresses int
		level     verdict.Verdict // highest finding level
	}{
		{name: "consistent_server", fake: &fakeFTP{pasvAddr: "127,0,0,1", ports: []int{50010, 50990, 50500}}, pass: "s3cret",
			observed: probes.PortRange{Low: 50010, High: 50990}, addresses: 1, level: verdict.OK},
		{name: "private_address_advertised", fake: &fakeFTP{pasvAddr: "10,9,9,9", ports: []int{40000, 40001}}, pass: "s3cret",
			observed: probes.PortRange{Low: 40000, High: 40001}, addresses: 1, level: verdict.Warning},
		{name: "ports_outside_declared", fake: &fakeFTP{pasvAddr: "127,0,0,1", ports: []int{50000, 40000}}, pass: "s3cret",
			declared: &probes.PortRange{Low: 50000, High: 50999},
			observed: probes.PortRange{Low: 40000, High: 50000}, outside: []int{40000}, addresses: 1, level: verdict.Critical},
		{name: "pasv_refused_uses_epsv", fake: &fakeFTP{noPASV: true, ports: []int{30000, 30005}}, pass: "s3cret",
			observed: probes.PortRange{Low: 30000, High: 30005}, addresses: 0, level: verdict.OK},
		{name: "wrong_password", fake: &fakeFTP{pasvAddr: "127,0,0,1", ports: []int{1}}, pass: "nope", wantErr: ErrLogin},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := startFake(t, tc.fake)
			d, err := Discover(context.Background(), DiscoverConfig{Target: probes.Target{Host: "127.0.0.1", Port: f.port(), User: "u"},
				Address: "127.0.0.1", Password: probes.Secret(tc.pass), Timeout: 2 * time.Second, Samples: 8, Declared: tc.declared})
			for _, ex := range d.Transcript {
				if strings.Contains(ex.Command, tc.pass) {
					t.Errorf("transcript holds the password: %q", ex.Command)
				}
			}
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if *d.Observed != tc.observed || fmt.Sprint(d.Outside) != fmt.Sprint(tc.outside) || len(d.Addresses) != tc.addresses {
				t.Errorf("observed %v outside %v addresses %v, want %v %v %d", *d.Observed, d.Outside, d.Addresses,
					tc.observed, tc.outside, tc.addresses)
			}
			level := verdict.OK
			for _, fd := range d.Findings() {
				level = verdict.Worst(level, fd.Level)
			}
			if level != tc.level {
				t.Errorf("findings %+v: level %s, want %s", d.Findings(), level, tc.level)
			}
			f.mu.Lock()
			defer f.mu.Unlock()
			if last := f.got[len(f.got)-1]; last != "QUIT" {
				t.Errorf("last command %q, want QUIT", last)
			}
		})
	}
}
