// Package scan checks a range of TCP ports the way an FTP client's data
// connections would meet it: a concurrent connect scan (no raw sockets, no
// root) that classifies every port open, closed or filtered, a listener that
// answers each port with a token so a scan can tell "reaches this host" from
// "forwarded elsewhere", and discovery of the passive range an FTP server
// really hands out.
//
// Error contract: Scan returns an error only when the scan could not run at
// all (bad options, the context ended); a port that fails to connect is a
// result, never an error. Nothing here prints or exits.
package scan

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/ftpdoctor/ftpdoctor/probes"
)

// State is what a connect to one port showed.
type State string

// The port states, as nmap's connect scan (-sT) names them, plus error for
// a local failure that says nothing about the network.
const (
	StateOpen     State = "open"     // the connect succeeded: something listens
	StateClosed   State = "closed"   // refused (RST): the firewall lets the port through, nothing listens
	StateFiltered State = "filtered" // no answer after every try, or ICMP unreachable: dropped
	StateError    State = "error"    // a local failure (e.g. out of file descriptors): not classified
)

// Reasons for a state, named as nmap --reason names them.
const (
	ReasonSynAck         = "syn-ack"         // the connect completed
	ReasonRefused        = "conn-refused"    // RST to the SYN
	ReasonNoResponse     = "no-response"     // nothing came back before the timeout, on every try
	ReasonUnreachable    = "host-unreach"    // ICMP unreachable (no route, host or network down)
	ReasonBlockedLocally = "blocked-locally" // this machine refused to send (EPERM/EACCES)
	ReasonLocalError     = "local-error"     // another local error
)

// Port is the outcome for one port.
type Port struct {
	Port   int           `json:"port"`             // TCP port
	State  State         `json:"state"`            // open, closed, filtered or error
	Reason string        `json:"reason"`           // why: syn-ack, conn-refused, no-response, host-unreach, ...
	Tries  int           `json:"tries"`            // connect attempts made
	Token  TokenCheck    `json:"token,omitempty"`  // open ports with --token: what answered
	Banner string        `json:"banner,omitempty"` // first line received on an open port when it was not our token (cut to 80 bytes)
	Error  string        `json:"error,omitempty"`  // low-level error text for state error
	RTT    time.Duration `json:"-"`                // time to the answer of the last try
}

// Options says what to scan and how.
type Options struct {
	Address     string                   // IP address to scan (no name: resolve first so every port hits the same host)
	Range       probes.PortRange         // ports to scan, inclusive
	Dialer      probes.Dialer            // opens every connection; nil means a *net.Dialer
	Concurrency int                      // connects in flight at most; capped by the file-descriptor budget
	Timeout     time.Duration            // longest wait for an answer per try, and the wait before any RTT is known
	MinTimeout  time.Duration            // shortest wait per try however fast answers come; 0 means 100 ms
	Retries     int                      // extra tries for a port that gave no answer (nmap -sT makes one)
	Token       string                   // when set, read the token from open ports (see Listen)
	Progress    func(tried, planned int) // called after each try: tries made and tries planned so far (retries add to it); may be nil
}

// Result is a finished scan.
type Result struct {
	Address     string           `json:"address"`     // IP address scanned
	Range       probes.PortRange `json:"range"`       // ports scanned
	Ports       []Port           `json:"-"`           // one per port, in port order
	Concurrency int              `json:"concurrency"` // connects in flight at most, after the fd cap
	FDLimit     int              `json:"fd_limit"`    // the process's RLIMIT_NOFILE soft limit when the scan began
	Timeout     time.Duration    `json:"-"`           // per-try timeout in force at the end (adapted to the RTT)
	Retries     int              `json:"retries"`     // extra tries allowed for unanswered ports
	Duration    time.Duration    `json:"-"`           // wall time of the scan
}

// Defaults of the range command, shared with the benchmark.
const (
	DefaultConcurrency = 256         // connects in flight
	DefaultTimeout     = time.Second // longest wait per try (nmap's --initial-rtt-timeout)
	DefaultRetries     = 1           // extra tries for an unanswered port
)

// DefaultMinTimeout is the floor of the adaptive per-try timeout, the same
// as nmap's --min-rtt-timeout default.
const DefaultMinTimeout = 100 * time.Millisecond

// Scan connects to every port of the range and classifies it. Ports that
// give no answer are tried again, up to Retries more times, after every
// port has had its first try, as nmap retransmits an unanswered probe.
func Scan(ctx context.Context, opt Options) (Result, error) {
	if err := validate(opt); err != nil {
		return Result{}, err
	}
	if opt.Dialer == nil {
		opt.Dialer = &net.Dialer{}
	}
	if opt.MinTimeout <= 0 {
		opt.MinTimeout = DefaultMinTimeout
	}
	if opt.MinTimeout > opt.Timeout {
		opt.MinTimeout = opt.Timeout
	}
	budget, limit := FDBudget()
	conc := CapConcurrency(opt.Concurrency, budget)
	total := opt.Range.High - opt.Range.Low + 1
	res := Result{Address: opt.Address, Range: opt.Range, Concurrency: conc, FDLimit: limit, Retries: opt.Retries,
		Ports: make([]Port, total)}
	start := time.Now()
	s := &scanner{opt: opt, est: newEstimator(opt.MinTimeout, opt.Timeout)}
	// Random order, as nmap scans: answers from any part of the range
	// calibrate the timeout early, whichever part is dropped.
	pending := rand.Perm(total)
	tried, planned := 0, total
	for try := 0; try <= opt.Retries && len(pending) > 0; try++ {
		var again []int
		var mu sync.Mutex
		s.each(ctx, pending, conc, func(i int, p Port) {
			p.Tries = try + 1
			mu.Lock()
			defer mu.Unlock()
			res.Ports[i] = p
			tried++
			if p.Reason == ReasonNoResponse && try < opt.Retries {
				again = append(again, i)
				planned++
			}
			if opt.Progress != nil {
				opt.Progress(tried, planned)
			}
		})
		if err := ctx.Err(); err != nil {
			return res, err
		}
		pending = again
	}
	res.Timeout = s.est.timeout()
	res.Duration = time.Since(start)
	return res, nil
}

func validate(opt Options) error {
	if net.ParseIP(opt.Address) == nil {
		return fmt.Errorf("scan address %q is not an IP address", opt.Address)
	}
	if opt.Range.Low < 1 || opt.Range.High > 65535 || opt.Range.Low > opt.Range.High {
		return fmt.Errorf("port range %d-%d is not within 1-65535 with low <= high", opt.Range.Low, opt.Range.High)
	}
	if opt.Timeout <= 0 {
		return errors.New("timeout must be positive")
	}
	if opt.Retries < 0 {
		return errors.New("retries must be 0 or more")
	}
	return nil
}

type scanner struct {
	opt Options
	est *estimator
}

// each runs one try for every index in idx with at most conc in flight.
func (s *scanner) each(ctx context.Context, idx []int, conc int, settle func(int, Port)) {
	jobs := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < min(conc, len(idx)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				settle(i, s.try(ctx, s.opt.Range.Low+i))
			}
		}()
	}
	for _, i := range idx {
		select {
		case jobs <- i:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
	}
	close(jobs)
	wg.Wait()
}

type dialed struct {
	conn net.Conn
	err  error
}

// try makes one connect. The wait is the estimator's current timeout, read
// again whenever it would expire, so tries started before the first answer
// came back shrink to the RTT-based timeout as soon as it is known.
func (s *scanner) try(ctx context.Context, port int) Port {
	addr := net.JoinHostPort(s.opt.Address, strconv.Itoa(port))
	start := time.Now()
	dctx, cancel := context.WithTimeout(ctx, s.opt.Timeout)
	defer cancel()
	ch := make(chan dialed, 1)
	go func() {
		c, err := s.opt.Dialer.DialContext(dctx, "tcp", addr)
		ch <- dialed{c, err}
	}()
	timer := time.NewTimer(s.est.wait(0))
	defer timer.Stop()
	gaveUp := false
	var d dialed
wait:
	for {
		select {
		case d = <-ch:
			break wait
		case <-timer.C:
			if left := s.est.wait(time.Since(start)); left > 0 {
				timer.Reset(left)
				continue
			}
			gaveUp = true
			cancel()
			d = <-ch
			break wait
		}
	}
	rtt := time.Since(start)
	p := classify(port, d.err, gaveUp)
	p.RTT = rtt
	if p.State == StateOpen || p.State == StateClosed {
		s.est.sample(rtt)
	}
	if d.conn != nil {
		if s.opt.Token != "" {
			p.Token, p.Banner = checkToken(d.conn, s.opt.Token, port, s.opt.Timeout)
		}
		d.conn.Close()
	}
	return p
}

// classify maps a connect's error to a state, as nmap -sT does: refused is
// closed, no answer or ICMP unreachable is filtered.
func classify(port int, err error, timedOut bool) Port {
	p := Port{Port: port}
	kind := probes.Classify(err)
	switch {
	case err == nil:
		p.State, p.Reason = StateOpen, ReasonSynAck
	case kind == probes.KindRefused, kind == probes.KindClosed:
		// A reset during the handshake is an RST too: the port answered
		// (a passive listener closing as the SYN arrived), as in probes.
		p.State, p.Reason = StateClosed, ReasonRefused
	case timedOut || kind == probes.KindTimeout:
		p.State, p.Reason = StateFiltered, ReasonNoResponse
	case kind == probes.KindUnreachable && !isLocalExhaustion(err):
		p.State, p.Reason = StateFiltered, ReasonUnreachable
	case kind == probes.KindLocal:
		p.State, p.Reason = StateFiltered, ReasonBlockedLocally
	default:
		p.State, p.Reason, p.Error = StateError, ReasonLocalError, err.Error()
	}
	return p
}
