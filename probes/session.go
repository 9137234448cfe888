package probes

import (
	"context"
	"crypto/x509"
	"net"
	"slices"
	"sync"
	"sync/atomic"
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

// Includes reports whether a check in mode m tries the data mode d; every
// mode includes the empty one, that of a stage that moves no data.
func (m Mode) Includes(d Mode) bool { return d == "" || m == "" || m == ModeBoth || m == d }

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

	Scheme string `json:"-"` // the URL scheme the target was given with (ftp, ftps, ftpes); empty for a bare host
}

// Config is everything a check needs to know from the user.
type Config struct {
	Target        Target          // where to connect
	Password      Secret          // the password, never printed
	Anonymous     bool            // no user was given: log in as anonymous
	Timeout       time.Duration   // deadline for each network step
	Mode          Mode            // which data modes to try
	PassiveRange  *PortRange      // the admin's declared passive range, if any
	ActiveAddress net.IP          // address to send in PORT/EPRT instead of the control connection's local address
	TLS           TLSMode         // auto (the default), require, implicit or off
	Roots         *x509.CertPool  // roots the certificate must lead to; nil: the system's (SSL_CERT_FILE is honoured)
	Insecure      bool            // go on past a bad certificate, still reporting it
	TLSMax        uint16          // highest TLS version to offer (tls.VersionTLS12 for --tls-max 1.2); 0: Go's default
	ComparePlain  bool            // --compare-plain (check only): when passive fails under TLS, log in once more in plain text, the password in clear, to confirm a NAT helper
	Transfer      *TransferConfig // --transfer: move real files after the data stages; nil: no transfer stage
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

	// AllowData, when set, is asked before any data connection to an
	// address other than the control connection's peer: one it refuses is
	// not attempted, and the report says the server advertised it
	// (serve's --allow).
	AllowData func(net.IP) bool

	// Progress, when set, is called with each stage's result as soon as
	// the stage ends (run or skipped), from the stage's goroutine: a page
	// can show stages as they finish. It must return quickly.
	Progress func(Result)
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
	Software string   `json:"software"` // vsftpd, proftpd, pure-ftpd, filezilla, iis, serv-u, pyftpdlib, inetutils, bsd-ftpd, wing-ftp, crushftp, titan, cerberus, or empty
	Version  string   `json:"version"`  // version when the server reveals it
	Banner   string   `json:"banner"`   // greeting text
	Syst     string   `json:"syst"`     // reply text to SYST
	Features []string `json:"features"` // FEAT lines, trimmed
}

// Outcome is the result of a whole check: every stage and what was learned.
type Outcome struct {
	Target       Target        // what was checked
	Mode         Mode          // the data modes requested
	TLSMode      TLSMode       // the TLS mode requested
	PassiveRange *PortRange    // the declared passive range, if any
	Server       ServerInfo    // the server software
	Results      []Result      // one per stage, in stage order
	Transcript   []Exchange    // every control connection's exchanges, password redacted, grouped by connection
	TLS          TLSInfo       // what the check learned about TLS
	Duration     time.Duration // wall time of the whole run
	Interrupted  bool          // the whole run's deadline ended the check before every stage finished

	Accounts     []AccountOutcome // with CheckAccounts: one per account, the first from the whole check
	AccountLimit *Exchange        // with CheckAccounts: a 421 for too many connections that went away when the account was checked alone
}

// Server holds what a check learns about the server, shared by every login
// against it: many accounts can be checked without repeating DNS, control
// and firewall. Addrs, Peer and Local are written once, by the dns and
// control stages, before any stage that needs them starts; what stages
// learn later (the software, FEAT, SYST, the passive ports) is written
// through methods that take the lock.
type Server struct {
	Addrs []net.IP     // resolved addresses, in the order they are tried
	Peer  *net.TCPAddr // the address the control connection reached; nil until control succeeds
	Local *net.TCPAddr // this machine's end of that connection

	mu         sync.Mutex
	info       ServerInfo // software, banner, SYST, FEAT
	advertised []string   // passive address:port pairs the server advertised
	reached    []Dial     // passive data connections that connected
}

// Info returns what the check learned about the server software so far.
func (sv *Server) Info() ServerInfo {
	sv.mu.Lock()
	defer sv.mu.Unlock()
	info := sv.info
	info.Features = slices.Clone(info.Features)
	return info
}

// learn changes what is known of the server software, under the lock.
func (sv *Server) learn(change func(*ServerInfo)) {
	sv.mu.Lock()
	defer sv.mu.Unlock()
	change(&sv.info)
}

// advertise records a passive address:port the server handed out.
func (sv *Server) advertise(addr string) {
	sv.mu.Lock()
	defer sv.mu.Unlock()
	sv.advertised = append(sv.advertised, addr)
}

// reach records a passive data connection that connected.
func (sv *Server) reach(d Dial) {
	sv.mu.Lock()
	defer sv.mu.Unlock()
	sv.reached = append(sv.reached, d)
}

// reachedBy returns the passive data connection that connected to addr,
// if one did.
func (sv *Server) reachedBy(addr string) (Dial, bool) {
	sv.mu.Lock()
	defer sv.mu.Unlock()
	i := slices.IndexFunc(sv.reached, func(d Dial) bool { return d.Address == addr })
	if i < 0 {
		return Dial{}, false
	}
	return sv.reached[i], true
}

// Advertised returns the passive address:port pairs the server handed out.
func (sv *Server) Advertised() []string {
	sv.mu.Lock()
	defer sv.mu.Unlock()
	return slices.Clone(sv.advertised)
}

// detect adds what a reply text reveals about the software.
func (sv *Server) detect(text string) { sv.learn(func(i *ServerInfo) { i.Detect(text) }) }

// Account is one account's state: its credentials, its control connection
// and whether it is logged in.
type Account struct {
	User      string // login name
	Password  Secret // never printed
	Anonymous bool   // log in as anonymous with the conventional password
	LoggedIn  bool   // USER/PASS succeeded

	conn atomic.Pointer[Conn] // the login's control connection, set by the control stage; used only through Session.ControlConn
}

// Session is the state of one check: the configuration, the outside world,
// what was learned about the server and the login's state.
type Session struct {
	Config
	Env
	Start   time.Time // when the run began
	Server  *Server   // what the server is, learned once
	Account *Account  // the account being checked

	tls        *tlsState     // whether and how control connections are protected
	trust      *certTrust    // which certificates the run's TLS connections accept, shared by every connection of the run
	parallel   bool          // open extra control connections so that data attempts run side by side
	pool       *pool         // the extra control connections that data attempts run on
	turn       chan struct{} // holds a token while a stage uses the login's own connection (see ControlConn)
	transcript *transcript   // every exchange on every control connection
	proven     provenPaths   // the data paths the data stages proved, for the transfer stage
}

// NewSession prepares a check of cfg in env, with defaults applied.
func NewSession(cfg Config, env Env) *Session {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 5 * time.Second
	}
	if cfg.Mode == "" {
		cfg.Mode = ModeBoth
	}
	if cfg.TLS == "" {
		cfg.TLS = TLSAuto
	}
	if env.Now == nil {
		env.Now = time.Now
	}
	s := &Session{
		Config:     cfg,
		Env:        env,
		Start:      env.Now(),
		Server:     &Server{},
		Account:    &Account{User: cfg.Target.User, Password: cfg.Password, Anonymous: cfg.Anonymous},
		transcript: &transcript{},
		turn:       make(chan struct{}, 1),
		tls:        &tlsState{decided: make(chan struct{}), offered: make(chan struct{}), implicit: cfg.TLS == TLSImplicit},
		trust:      newCertTrust(cfg, env.Now),
	}
	s.proven.keepNext = cfg.Transfer != nil && cfg.Transfer.File == ""
	return s
}

// Transcript returns every control-connection exchange so far, grouped by
// connection in the order the connections first spoke.
func (s *Session) Transcript() []Exchange { return s.transcript.grouped() }

// ControlConn waits for its turn on the login's own control connection
// and returns it with the function that gives it back; release must be
// called once the stage has read every reply it asked for. Stages that run
// side by side (passive and active, any further stage after login) so
// never interleave their commands on one connection, as net/textproto's
// Pipeline orders them. It returns nil, and a release that does nothing,
// when there is no control connection or ctx ends first.
func (s *Session) ControlConn(ctx context.Context) (c *Conn, release func()) {
	select {
	case s.turn <- struct{}{}:
	case <-ctx.Done():
		return nil, func() {}
	}
	var once sync.Once
	release = func() { once.Do(func() { <-s.turn }) }
	if c = s.Account.conn.Load(); c == nil {
		release()
		return nil, func() {}
	}
	return c, release
}

// hasControl reports whether the control stage left a connection.
func (s *Session) hasControl() bool { return s.Account.conn.Load() != nil }

// Close ends the session: QUIT on every control connection, unanswered.
// Every stage has ended by then.
func (s *Session) Close(ctx context.Context) {
	if s.pool != nil {
		s.pool.close(ctx)
	}
	if c, release := s.ControlConn(context.WithoutCancel(ctx)); c != nil {
		c.quit(ctx)
		release()
	}
}
