package scan

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"time"

	"github.com/ftpdoctor/ftpdoctor/probes"
	"github.com/ftpdoctor/ftpdoctor/verdict"
)

// Sample is one passive-mode reply.
type Sample struct {
	Command string `json:"command"`           // PASV or EPSV
	Code    int    `json:"code"`              // reply code
	Address string `json:"address,omitempty"` // PASV: the advertised IP address
	Port    int    `json:"port,omitempty"`    // advertised port, 0 when the reply was not usable
}

// Discovery is what an FTP server's passive replies showed about its range.
type Discovery struct {
	Control    string            `json:"control"`                    // address:port the control connection reached
	Samples    []Sample          `json:"samples"`                    // every PASV/EPSV reply, in order
	Addresses  []string          `json:"addresses"`                  // distinct addresses advertised in 227 replies
	Observed   *probes.PortRange `json:"observed,omitempty"`         // lowest and highest port handed out; nil when none
	Distinct   int               `json:"distinct_ports"`             // distinct ports handed out
	Declared   *probes.PortRange `json:"declared,omitempty"`         // the range the admin declared (--passive-range)
	Outside    []int             `json:"outside_declared,omitempty"` // ports handed out outside Declared
	Transcript []probes.Exchange `json:"transcript"`                 // control-connection exchanges, password redacted
}

// DiscoverConfig says where to log in and how many passive replies to ask for.
type DiscoverConfig struct {
	Target   probes.Target     // server, port and user
	Address  string            // IP address to dial (resolved by the caller)
	Password probes.Secret     // the password, sent once and never recorded
	Dialer   probes.Dialer     // opens the control connection; nil means *net.Dialer
	Timeout  time.Duration     // deadline of each network step
	Samples  int               // passive replies to collect
	Declared *probes.PortRange // the admin's declared range, compared with what the server hands out
}

// ErrLogin is wrapped by Discover's error when the login did not succeed.
var ErrLogin = errors.New("login failed")

// Discover logs in and sends PASV and EPSV, alternately, Samples times, to
// learn which ports and addresses the server really hands out. A server
// replaces the listener of an unused PASV with the next one (RFC 959 leaves
// the data connection open until used), so no data connection is made.
// The Discovery is returned even with an error, holding the transcript.
func Discover(ctx context.Context, cfg DiscoverConfig) (*Discovery, error) {
	d := &Discovery{Declared: cfg.Declared}
	dialer := cfg.Dialer
	if dialer == nil {
		dialer = &net.Dialer{}
	}
	// The check's own dns, control and login stages connect and log in, so
	// a failure is classified exactly as `ftpdoctor check` would.
	cfg2 := probes.Config{Target: cfg.Target, Password: cfg.Password, Timeout: cfg.Timeout,
		Anonymous: cfg.Password == "" && cfg.Target.User == "anonymous"}
	s, results := probes.LogIn(ctx, cfg2, probes.Env{Dialer: dialer, Now: time.Now}, net.ParseIP(cfg.Address))
	defer func() { d.Transcript = s.Transcript() }()
	defer s.Close(ctx)
	for _, r := range results {
		if r.Status == probes.StatusFail && r.Stage == probes.StageLogin {
			return d, fmt.Errorf("%w: %s (%s)", ErrLogin, r.Summary, r.Code)
		}
		if r.Status == probes.StatusFail {
			return d, fmt.Errorf("control connection: %s (%s)", r.Summary, r.Code)
		}
	}
	c, release := s.ControlConn(ctx)
	if c == nil {
		return d, errors.New("control connection: the run ended before it was free")
	}
	defer release()
	d.Control = c.RemoteAddr().String()
	usePASV, useEPSV := true, true
	for i := 0; i < cfg.Samples && (usePASV || useEPSV); i++ {
		cmd := "PASV"
		if (i%2 == 1 && useEPSV) || !usePASV {
			cmd = "EPSV"
		}
		reply, _, err := c.Cmd(ctx, cfg.Timeout, "%s", cmd)
		if err != nil {
			return d, fmt.Errorf("%s: %w", cmd, err)
		}
		s := Sample{Command: cmd, Code: reply.Code}
		switch {
		case cmd == "PASV" && reply.Code == probes.ReplyPassive:
			if ip, port, err := probes.ParsePASV(reply.Text()); err == nil {
				s.Address, s.Port = ip.String(), port
			}
		case cmd == "EPSV" && reply.Code == probes.ReplyExtendedPassive:
			if port, err := probes.ParseEPSV(reply.Text()); err == nil {
				s.Port = port
			}
		case probes.ClassOf(reply.Code) == probes.ReplyPermanent && cmd == "PASV":
			usePASV = false
		case probes.ClassOf(reply.Code) == probes.ReplyPermanent:
			useEPSV = false
		}
		d.Samples = append(d.Samples, s)
	}
	c.Cmd(ctx, cfg.Timeout, "QUIT")
	d.summarize()
	if d.Observed == nil {
		return d, errors.New("the server handed out no passive port (PASV and EPSV both refused or unparsable)")
	}
	return d, nil
}

// summarize fills the derived fields from the samples.
func (d *Discovery) summarize() {
	seen := map[int]bool{}
	for _, s := range d.Samples {
		if s.Address != "" && !slices.Contains(d.Addresses, s.Address) {
			d.Addresses = append(d.Addresses, s.Address)
		}
		if s.Port == 0 {
			continue
		}
		if !seen[s.Port] {
			seen[s.Port] = true
			if d.Declared != nil && !d.Declared.Contains(s.Port) {
				d.Outside = append(d.Outside, s.Port)
			}
		}
		if d.Observed == nil {
			d.Observed = &probes.PortRange{Low: s.Port, High: s.Port}
		}
		d.Observed.Low, d.Observed.High = min(d.Observed.Low, s.Port), max(d.Observed.High, s.Port)
	}
	d.Distinct = len(seen)
	slices.Sort(d.Outside)
}

// ScanRange is the range to scan: the declared one when given, else the
// span of the ports handed out.
func (d *Discovery) ScanRange() probes.PortRange {
	if d.Declared != nil {
		return *d.Declared
	}
	if d.Observed != nil {
		return *d.Observed
	}
	return probes.PortRange{}
}

// Finding is one conclusion of a discovery, with its Nagios level.
type Finding struct {
	Level verdict.Verdict // verdict.OK for information, verdict.Warning or verdict.Critical
	Text  string          // one line
}

// Findings compares what the server handed out with the control connection
// and with the declared range.
func (d *Discovery) Findings() []Finding {
	var f []Finding
	peer, _, _ := net.SplitHostPort(d.Control)
	if len(d.Addresses) > 1 {
		f = append(f, Finding{verdict.Warning, fmt.Sprintf("PASV advertised %d different addresses (%s): clients get a different host from one transfer to the next", len(d.Addresses), joinMax(d.Addresses, 4))})
	}
	for _, a := range d.Addresses {
		if a != peer {
			f = append(f, Finding{verdict.Warning, fmt.Sprintf("PASV advertises %s but the control connection reached %s: clients that trust the 227 address dial %s", a, peer, a)})
		}
	}
	if n := len(d.Outside); n > 0 {
		f = append(f, Finding{verdict.Critical, fmt.Sprintf("the server handed out %d %s outside the declared range %d-%d (for example %d): transfers on them fail where only the declared range is open", n, portWord(n), d.Declared.Low, d.Declared.High, d.Outside[0])})
	}
	if o := d.Observed; o != nil {
		f = append(f, Finding{verdict.OK, fmt.Sprintf("the server handed out %d distinct ports between %d and %d in %d replies", d.Distinct, o.Low, o.High, len(d.Samples))})
	}
	return f
}

func joinMax(s []string, n int) string {
	if len(s) <= n {
		return strings.Join(s, ", ")
	}
	return strings.Join(s[:n], ", ") + fmt.Sprintf(" and %d more", len(s)-n)
}

func portWord(n int) string {
	if n == 1 {
		return "port"
	}
	return "ports"
}
