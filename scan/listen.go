package scan

import (
	"context"
	"errors"
	"net"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/ftpdoctor/ftpdoctor/probes"
)

// connReserve descriptors are kept for accepted connections while every
// port of a range is listening.
const connReserve = 64

// maxPeers bounds the distinct client addresses a listen report keeps.
const maxPeers = 16

// ListenConfig says where to listen and for how long.
type ListenConfig struct {
	Address  string                                              // local address to bind; empty for every address
	Range    probes.PortRange                                    // ports to listen on, inclusive
	Token    string                                              // sent on every connection, see TokenLine
	Duration time.Duration                                       // listen this long, then stop by itself
	Listen   func(network, address string) (net.Listener, error) // opens each listener; nil means net.Listen
	Ready    func(ListenReport)                                  // called once every port is bound, before waiting; may be nil
}

// ListenReport is what a listen run did.
type ListenReport struct {
	Address     string             `json:"address"`     // local address bound ("" = all)
	Range       probes.PortRange   `json:"range"`       // ports asked for
	Token       string             `json:"token"`       // token sent
	Bound       []probes.PortRange `json:"bound"`       // ports listened on, as runs
	BoundCount  int                `json:"bound_count"` // ports listened on
	Busy        []probes.PortRange `json:"busy"`        // ports already in use by another program
	Failed      []probes.PortRange `json:"failed"`      // ports that could not be bound for another reason
	FDSkipped   []probes.PortRange `json:"fd_skipped"`  // ports not tried: the file-descriptor limit was reached
	FDLimit     int                `json:"fd_limit"`    // RLIMIT_NOFILE soft limit
	Connections int                `json:"connections"` // connections answered
	PortsHit    int                `json:"ports_hit"`   // distinct ports that received a connection
	Peers       []string           `json:"peers"`       // distinct client addresses seen (at most 16)
	DurationMS  float64            `json:"duration_ms"` // how long the listeners were up
}

// Listen binds every free port of the range that the descriptor budget
// allows, answers each connection with TokenLine and closes it, and stops
// when Duration has passed or ctx ends. It returns an error only when not
// a single port could be bound.
func Listen(ctx context.Context, cfg ListenConfig) (ListenReport, error) {
	listen := cfg.Listen
	if listen == nil {
		listen = net.Listen
	}
	rep := ListenReport{Address: cfg.Address, Range: cfg.Range, Token: cfg.Token}
	budget, limit := FDBudget()
	rep.FDLimit = limit
	budget -= connReserve
	var lns []net.Listener
	var bound, busy, failed, skipped []int
	for p := cfg.Range.Low; p <= cfg.Range.High; p++ {
		if len(lns) >= budget {
			skipped = append(skipped, p)
			continue
		}
		ln, err := listen("tcp", net.JoinHostPort(cfg.Address, strconv.Itoa(p)))
		switch {
		case err == nil:
			lns = append(lns, ln)
			bound = append(bound, p)
		case errors.Is(err, syscall.EADDRINUSE):
			busy = append(busy, p)
		case errors.Is(err, syscall.EMFILE), errors.Is(err, syscall.ENFILE):
			skipped = append(skipped, p)
		default:
			failed = append(failed, p)
		}
	}
	rep.Bound, rep.Busy, rep.Failed, rep.FDSkipped = Spans(bound), Spans(busy), Spans(failed), Spans(skipped)
	rep.BoundCount = len(bound)
	if len(lns) == 0 {
		return rep, errors.New("no port of the range could be bound")
	}
	if cfg.Ready != nil {
		cfg.Ready(rep)
	}
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, cfg.Duration)
	defer cancel()
	t := &tally{hits: map[int]int{}}
	var wg sync.WaitGroup
	for i, ln := range lns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			serve(ln, cfg.Token, bound[i], t)
		}()
	}
	<-ctx.Done()
	for _, ln := range lns {
		ln.Close()
	}
	wg.Wait()
	rep.DurationMS = ms(time.Since(start))
	rep.Connections, rep.PortsHit, rep.Peers = t.total, len(t.hits), t.peers
	return rep, nil
}

// tally counts the connections answered.
type tally struct {
	mu    sync.Mutex
	total int         // connections
	hits  map[int]int // per port
	peers []string    // distinct client IPs, at most maxPeers
}

func (t *tally) add(port int, remote net.Addr) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.total++
	t.hits[port]++
	host, _, err := net.SplitHostPort(remote.String())
	if err == nil && len(t.peers) < maxPeers && !slices.Contains(t.peers, host) {
		t.peers = append(t.peers, host)
	}
}

// serve answers every connection on ln with the token line until ln closes.
func serve(ln net.Listener, token string, port int, t *tally) {
	line := []byte(TokenLine(token, port))
	for {
		c, err := ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			// EMFILE and the like: back off briefly, the listener stays.
			time.Sleep(10 * time.Millisecond)
			continue
		}
		c.SetWriteDeadline(time.Now().Add(time.Second))
		c.Write(line)
		c.Close()
		t.add(port, c.RemoteAddr())
	}
}

// Spans compresses sorted ports into runs of consecutive ports.
func Spans(ports []int) []probes.PortRange {
	var out []probes.PortRange
	for _, p := range ports {
		if n := len(out); n > 0 && out[n-1].High+1 == p {
			out[n-1].High = p
			continue
		}
		out = append(out, probes.PortRange{Low: p, High: p})
	}
	return out
}
