package probes

import (
	"context"
	"net"
	"time"
)

// Mode selects which data-connection modes a check tries.
type Mode string

// The modes accepted by --mode.
const (
	ModeBoth    Mode = "both"
	ModePassive Mode = "passive"
	ModeActive  Mode = "active"
)

// Secret holds a password. It formats as "****" with every fmt verb and in
// JSON, so that it cannot leak through a log line or an error by accident.
type Secret string

// String implements fmt.Stringer.
func (Secret) String() string { return "****" }

// GoString implements fmt.GoStringer.
func (Secret) GoString() string { return "****" }

// MarshalJSON never writes the password.
func (Secret) MarshalJSON() ([]byte, error) { return []byte(`"****"`), nil }

// Reveal returns the password itself, for the one place that sends it.
func (s Secret) Reveal() string { return string(s) }

// PortRange is an inclusive range of TCP ports.
type PortRange struct {
	Low  int `json:"low"`  // first port
	High int `json:"high"` // last port
}

// Contains reports whether p lies in the range.
func (r PortRange) Contains(p int) bool { return p >= r.Low && p <= r.High }

// Target is what the user asked to check. It never holds the password.
type Target struct {
	Host string `json:"host"` // name or literal address, without brackets
	Port int    `json:"port"` // control port
	User string `json:"user"` // login name; "anonymous" when none was given
	Path string `json:"path"` // directory to list; empty for the login directory
}

// Config is everything a check needs to know from the user.
type Config struct {
	Target        Target        // where to connect
	Password      Secret        // the password, never printed
	Anonymous     bool          // no user was given: log in as anonymous
	Timeout       time.Duration // deadline for each network step
	Mode          Mode          // which data modes to try
	PassiveRange  *PortRange    // the admin's declared passive range, if any
	ActiveAddress net.IP        // address to send in PORT/EPRT instead of the control connection's local address
}

// Dialer opens TCP connections. *net.Dialer satisfies it.
type Dialer interface {
	DialContext(ctx context.Context, network, address string) (net.Conn, error)
}

// Resolver looks up host names. *net.Resolver satisfies it.
type Resolver interface {
	LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error)
}

// Env is the outside world a check talks to; tests swap its parts.
type Env struct {
	Dialer   Dialer                                              // opens every TCP connection
	Resolver Resolver                                            // looks up the target name
	Listen   func(network, address string) (net.Listener, error) // opens the active-mode listener
	Now      func() time.Time                                    // the clock
}

// DefaultEnv returns the real network and clock.
func DefaultEnv() Env {
	return Env{
		Dialer:   &net.Dialer{},
		Resolver: net.DefaultResolver,
		Listen:   net.Listen,
		Now:      time.Now,
	}
}

// ServerInfo is what the check learned about the server software.
type ServerInfo struct {
	Software string   `json:"software"` // vsftpd, proftpd, pure-ftpd, filezilla, iis, serv-u, or empty
	Version  string   `json:"version"`  // version when the server reveals it
	Banner   string   `json:"banner"`   // greeting text
	Syst     string   `json:"syst"`     // reply text to SYST
	Features []string `json:"features"` // FEAT lines, trimmed
}

// Outcome is the result of a whole check: every stage and what was learned.
type Outcome struct {
	Target       Target        // what was checked
	Mode         Mode          // the data modes requested
	PassiveRange *PortRange    // the declared passive range, if any
	Server       ServerInfo    // the server software
	Results      []Result      // one per stage, in stage order
	Transcript   []Exchange    // the whole control-connection transcript, password redacted
	Duration     time.Duration // wall time of the whole run
	Interrupted  bool          // the whole run's deadline ended the check before every stage finished
}

// Session is the state shared by the stages of one check.
type Session struct {
	Config
	Env
	Start time.Time // when the run began

	Addrs      []net.IP   // resolved addresses, in the order they will be tried
	Control    *Conn      // the logged-in control connection, nil until control succeeds
	Server     ServerInfo // server software, filled by control
	LoggedIn   bool       // login succeeded
	Advertised []string   // passive address:port pairs the server advertised
	Transcript []Exchange // every exchange on control connections, in order

	extra           bool       // a second control connection: skip FEAT and SYST, already known
	extraTranscript []Exchange // the second control connection's exchanges
}
