package probes

import (
	"context"
	"net"
	"slices"
	"sync"
	"time"
)

// Credential is one account to check.
type Credential struct {
	User      string // login name
	Password  Secret // never printed
	Anonymous bool   // log in as anonymous with the conventional password
}

// Phase is where an account's session ended.
type Phase string

// The phases, in the order a session passes them.
const (
	PhaseConnect     Phase = "connect"     // the control connection or its greeting failed (421 session limits)
	PhaseTLS         Phase = "tls"         // TLS failed
	PhaseUser        Phase = "user"        // refused at USER, before the password was sent
	PhasePass        Phase = "pass"        // refused at PASS
	PhaseAfterLogin  Phase = "after_login" // accepted, then the session failed (a home directory that is missing, a writable chroot)
	PhaseData        Phase = "data"        // logged in, but the listing failed
	PhaseOK          Phase = "ok"          // logged in and listed
	PhaseInterrupted Phase = "interrupted" // the run's deadline ended the session before it was over: not known to work
)

// Connecting reports whether the phase comes before login: a part of the
// session that every account of one server goes through alike.
func (p Phase) Connecting() bool { return p == PhaseConnect || p == PhaseTLS }

// AccountOutcome is what the check of one account found.
type AccountOutcome struct {
	User     string        // login name
	Mode     Mode          // the data modes checked for it
	Phase    Phase         // where the session ended
	Results  []Result      // its own stages: control, tls, login and the data modes
	Retried  bool          // refused for too many connections at first, checked again alone
	Duration time.Duration // wall time of its check

	Transcript []Exchange `json:"-"` // its control connections' exchanges, password redacted
}

// CheckAccounts checks one server for many accounts. The first account
// gets the whole check of Registry, so DNS, the control connection, TLS and
// the firewall run once for the server; every further account gets a
// control connection of its own, TLS, its login and a listing in mode
// (the mode the first check found working when mode is empty), at most
// parallel accounts at once. An account refused for too many connections
// (421) is checked again alone afterwards, up to maxRetries times with a
// longer wait each time, and the server's limit becomes a finding of the
// outcome (AccountLimit).
func CheckAccounts(ctx context.Context, cfg Config, accounts []Credential, mode Mode, parallel int, env Env) Outcome {
	if len(accounts) == 0 {
		return Check(ctx, cfg, env)
	}
	now := env.Now
	if now == nil {
		now = time.Now
	}
	start := now()
	first := cfg
	first.Target.User, first.Password, first.Anonymous = accounts[0].User, accounts[0].Password, accounts[0].Anonymous
	o, trust := check(ctx, first, env)
	o.Accounts = []AccountOutcome{{User: accounts[0].User, Mode: o.Mode, Phase: phaseOf(o.Results), Results: o.Results, Duration: o.Duration,
		Transcript: o.Transcript}}
	peer := peerOf(o)
	if len(accounts) == 1 || peer == "" {
		phase := PhaseConnect
		if anyInterrupted(o.Results) {
			phase = PhaseInterrupted
		}
		for _, a := range accounts[1:] {
			o.Accounts = append(o.Accounts, AccountOutcome{User: a.User, Mode: o.Mode, Phase: phase,
				Results: []Result{Skipped(StageControl, "the server check found no working control connection")}})
		}
		return o
	}
	each := cfg
	each.Mode = accountMode(o, mode)
	switch o.TLS.Mode {
	case "implicit":
		each.TLS = TLSImplicit
	case "explicit":
		// TLS worked with this server in this run: no further login goes
		// without it, whatever a later AUTH TLS is answered.
		each.TLS = TLSRequire
	}
	each.ComparePlain = false // the password goes in clear text once at most
	each.Target.Host = peer
	rest := make([]AccountOutcome, len(accounts)-1)
	sem := make(chan struct{}, max(parallel, 1))
	var wg sync.WaitGroup
	for i, a := range accounts[1:] {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				rest[i] = AccountOutcome{User: a.User, Mode: each.Mode, Phase: PhaseInterrupted,
					Results: []Result{NotReached(StageControl)}}
				return
			}
			defer func() { <-sem }()
			rest[i] = checkAccount(ctx, each, a, env, trust)
		}()
	}
	wg.Wait()
	retries := Retries[AccountOutcome]{}
	for i, a := range accounts[1:] {
		refusal, limited := tooMany(rest[i])
		if !limited || parallel < 2 {
			continue
		}
		again, letIn := retries.Again(ctx, cfg.Timeout, func() AccountOutcome { return checkAccount(ctx, each, a, env, trust) },
			func(a AccountOutcome) bool { _, still := tooMany(a); return still })
		if letIn {
			again.Retried = true
			rest[i] = again
			if o.AccountLimit == nil {
				o.AccountLimit = &refusal
			}
		}
	}
	o.Accounts = append(o.Accounts, rest...)
	o.Duration = now().Sub(start)
	for _, a := range o.Accounts {
		o.Interrupted = o.Interrupted || anyInterrupted(a.Results)
	}
	return o
}

// Retries runs again, alone, the sessions a server turned away for too
// many connections while others of the same run held connections to it.
// The zero value is ready to use; one value serves one server.
type Retries[T any] struct {
	full bool // a session met the limit on every try: the server is full, not crowded by this run
}

// maxRetries is how many times Retries.Again runs a session again.
const maxRetries = 3

// Again runs check up to maxRetries times, each after twice the wait
// before (a quarter of timeout, at most 1 s, first): the server may count
// a session until its own process has seen the client leave, and a busy
// server sees it late. It returns the first outcome that limited says is
// no longer turned away, and true; else the last one and false. After a
// session that met the limit on every try, the server is taken for full
// and later sessions get one try each.
func (r *Retries[T]) Again(ctx context.Context, timeout time.Duration, check func() T, limited func(T) bool) (T, bool) {
	var last T
	tries := maxRetries
	if r.full {
		tries = 1
	}
	for try := range tries {
		select {
		case <-time.After(backOff(timeout) << try):
		case <-ctx.Done():
			return last, false
		}
		if last = check(); !limited(last) {
			return last, true
		}
	}
	r.full = true
	return last, false
}

// backOff is the first wait before a session refused for too many
// connections is run again.
func backOff(timeout time.Duration) time.Duration {
	if timeout <= 0 {
		timeout = 5 * time.Second
	}
	return min(timeout/4, time.Second)
}

// checkAccount runs one further account's own stages. Its TLS connections
// accept the certificates the server check's did (trust).
func checkAccount(ctx context.Context, cfg Config, a Credential, env Env, trust *certTrust) AccountOutcome {
	cfg.Target.User, cfg.Password, cfg.Anonymous = a.User, a.Password, a.Anonymous
	s := NewSession(cfg, env)
	s.trust = trust
	s.Server.Addrs = []net.IP{net.ParseIP(cfg.Target.Host)}
	results := s.Run(ctx, Select(func(st Stage) bool { return st.PerAccount }))
	s.Close(ctx)
	s.judgeLaterCertificates(results)
	return AccountOutcome{User: a.User, Mode: cfg.Mode, Phase: phaseOf(results), Results: results, Duration: s.Now().Sub(s.Start),
		Transcript: s.Transcript()}
}

// peerOf is the address the server check's control connection reached.
func peerOf(o Outcome) string {
	for _, r := range o.Results {
		if r.Stage == StageControl && r.Status != StatusFail && r.Status != StatusSkip {
			if host, _, err := net.SplitHostPort(r.Evidence.Remote); err == nil {
				return host
			}
		}
	}
	return ""
}

// accountMode is the data mode the further accounts are checked in: the
// one asked for, else the one the server check found working (passive
// first, as clients default to it).
func accountMode(o Outcome, asked Mode) Mode {
	if asked != "" {
		return asked
	}
	for _, r := range o.Results {
		if r.Stage == StageActive && (r.Status == StatusPass || r.Status == StatusWarn) && !dataWorked(o, StagePassive) {
			return ModeActive
		}
	}
	return ModePassive
}

// dataWorked reports whether a data stage transferred a listing.
func dataWorked(o Outcome, id StageID) bool {
	for _, r := range o.Results {
		if r.Stage == id {
			return r.Status == StatusPass || r.Status == StatusWarn
		}
	}
	return false
}

// phaseOf names where a session ended: the phase of its first failed
// stage that ends a session (see Stage.Phase).
func phaseOf(results []Result) Phase {
	for _, r := range results {
		st, _ := r.Stage.Facts()
		switch {
		case r.Status == StatusInterrupted:
			return PhaseInterrupted
		case r.Status != StatusFail || st.Phase == "":
			continue
		case st.Phase == PhaseUser:
			return loginPhase(r)
		}
		return st.Phase
	}
	return PhaseOK
}

// loginPhase tells a refusal at USER from one at PASS from a failure once
// the server had accepted the login.
func loginPhase(r Result) Phase {
	switch r.Code {
	case LoginUserRejected:
		return PhaseUser
	case LoginServerError:
		return PhaseAfterLogin
	}
	for i := len(r.Evidence.Replies) - 1; i >= 0; i-- {
		switch r.Evidence.Replies[i].Verb {
		case "USER":
			return PhaseUser
		case "PASS":
			return PhasePass
		case "FEAT", "SYST", "PBSZ", "PROT":
			return PhaseAfterLogin
		}
	}
	return PhaseUser
}

// tooMany reports whether an account was turned away by a limit on
// connections (421 at the greeting or during login) and returns that reply.
func tooMany(a AccountOutcome) (Exchange, bool) { return limitRefusal(a.Results) }

// MetConnectionLimit reports whether a check met the server's limit on
// connections from one client: turned away (TurnedAway), or logged in with
// a further connection refused. A caller that held other connections to
// the server meanwhile (batch) may have caused it.
func MetConnectionLimit(results []Result) bool {
	return TurnedAway(results) || slices.ContainsFunc(results, func(r Result) bool { return r.Code == LoginConnectionLimit })
}

// TurnedAway reports whether a session was refused at connect or login
// for too many connections.
func TurnedAway(results []Result) bool {
	_, refused := limitRefusal(results)
	return refused
}

// limitRefusal finds the reply that refused a session for too many
// connections.
func limitRefusal(results []Result) (Exchange, bool) {
	for _, r := range results {
		if r.Code != ControlUnavailable && r.Code != LoginUnavailable {
			continue
		}
		for i := len(r.Evidence.Replies) - 1; i >= 0; i-- {
			if ex := r.Evidence.Replies[i]; ex.Code == ReplyUnavailable || connectionLimit().MatchString(ex.Text) {
				return ex, true
			}
		}
	}
	return Exchange{}, false
}
