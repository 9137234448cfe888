// Package web is ftpdoctor's page for the helpdesk: a form (target, user,
// password, data mode, TLS mode, module) that runs a check and shows its
// report as the table does, with a timeline of the stages, the causes with
// their fixes by side and links to their docs pages served from the
// binary. It follows the target rules of the exporter (module pinning,
// --allow), keeps the password out of every URL, log, page and stored
// report, and needs basic auth to listen beyond loopback.
//
// Progress: a running check is a job that collects each stage's result as
// the stage ends (probes.Env.Progress) and its report when the check ends;
// the page streams the stages and the job's state (server-sent events, or
// a meta refresh without JavaScript) and then shows the whole report.
package web

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/ftpdoctor/ftpdoctor/history"
	"github.com/ftpdoctor/ftpdoctor/modules"
	"github.com/ftpdoctor/ftpdoctor/probes"
)

// Defaults of Options.
const (
	DefaultMaxConcurrent = 8                // checks at once; more get 503
	DefaultMaxReports    = 200              // reports kept in memory
	DefaultReportTTL     = 30 * time.Minute // how long a report is kept
	DefaultRate          = 0.2              // checks a client may start per second, on average
	DefaultBurst         = 5                // checks a client may start at once
	DefaultMaxDeadline   = 60 * time.Second // longest a check may run
)

// Preset is a target the page offers by name (the demo's fixture
// servers): its whole configuration and network, so a newcomer needs no
// server. A preset is trusted: the target rules do not apply to it.
type Preset struct {
	Name        string        // the scenario's name
	Description string        // one line
	Config      probes.Config // target, credentials, TLS
	Env         probes.Env    // the scenario's network (its dialer)
}

// Options configure a Server.
type Options struct {
	Modules       map[string]modules.Module // by name; modules.Defaults() when nil
	Allow         modules.HostList          // targets of checks without stored credentials; empty: any
	Users         Users                     // basic auth; nil: none (loopback only, see NeedsAuth)
	Listen        string                    // the address listened on (--listen): its host is a name the page answers as
	Hosts         []string                  // further names the page answers as (--host); loopback and localhost always
	Presets       []Preset                  // targets offered by name (demo --web)
	MaxConcurrent int                       // checks at once
	MaxReports    int                       // reports kept; at least MaxConcurrent
	ReportTTL     time.Duration             // how long a finished report is kept
	Rate          float64                   // checks per second per client address (token bucket)
	Burst         int                       // bucket size
	MaxDeadline   time.Duration             // cap on a check's whole deadline
	Env           probes.Env                // the network; probes.DefaultEnv() when zero
	History       *history.Store            // where finished reports are saved past the process (see history.go); nil: memory only
	Logger        *slog.Logger              // one line per check and per refusal; never a password
	Now           func() time.Time          // the clock; time.Now when nil
}

// Server is the web page.
type Server struct {
	opts    Options
	store   *store
	limiter *limiter                    // checks started per client
	auth    *auth                       // basic auth; nil without Users
	hosts   hostNames                   // what the Host header may name
	origin  *http.CrossOriginProtection // refuses cross-site POSTs
	csrf    csrf
	slots   chan struct{}
	ctx     context.Context // checks run under it: cancelled by Close
	unsaved sync.Map        // job id -> why its report could not be saved in the history
	cancel  context.CancelFunc

	mu      sync.Mutex     // guards closed, and running's Add against Close's Wait
	closed  bool           // Close has begun
	running sync.WaitGroup // checks started and not yet saved
}

// New builds a Server, with defaults for the options left zero.
func New(opts Options) *Server {
	if opts.Modules == nil {
		opts.Modules = modules.Defaults()
	}
	if opts.MaxConcurrent <= 0 {
		opts.MaxConcurrent = DefaultMaxConcurrent
	}
	if opts.MaxReports <= 0 {
		opts.MaxReports = DefaultMaxReports
	}
	opts.MaxReports = max(opts.MaxReports, opts.MaxConcurrent)
	if opts.ReportTTL <= 0 {
		opts.ReportTTL = DefaultReportTTL
	}
	if opts.Rate <= 0 {
		opts.Rate = DefaultRate
	}
	if opts.Burst <= 0 {
		opts.Burst = DefaultBurst
	}
	if opts.MaxDeadline <= 0 {
		opts.MaxDeadline = DefaultMaxDeadline
	}
	if opts.Env.Dialer == nil {
		opts.Env = probes.DefaultEnv()
	}
	if opts.Allow.Len() > 0 && opts.Env.AllowData == nil { // a 227 naming another address does not lead a check past --allow
		opts.Env.AllowData = func(ip net.IP) bool { return opts.Allow.Allows(ip.String()) }
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{opts: opts, store: newStore(opts.MaxReports, opts.ReportTTL, opts.Now),
		limiter: newLimiter(opts.Rate, opts.Burst, opts.Now), csrf: newCSRF(),
		hosts: newHostNames(opts.Listen, opts.Hosts), origin: http.NewCrossOriginProtection(),
		slots: make(chan struct{}, opts.MaxConcurrent), ctx: ctx, cancel: cancel}
	if opts.Users != nil {
		s.auth = newAuth(opts.Users, newLimiter(opts.Rate, opts.Burst, opts.Now), opts.Now)
	}
	return s
}

// Close cancels the checks still running and waits until each has saved
// its report, which says it was interrupted, so that a history closed
// after Close keeps them.
func (s *Server) Close() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.cancel()
	s.running.Wait()
}

// track counts a check Close must wait for, unless Close has begun.
func (s *Server) track() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.running.Add(1)
	return true
}

// Handler serves the form, the reports, the docs pages and the static
// files, behind basic auth when Users is set, with the security headers on
// every answer.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.form)
	mux.HandleFunc("POST /check", s.check)
	mux.HandleFunc("GET /report/{id}", s.report)
	mux.HandleFunc("GET /report/{id}/events", s.events)
	mux.HandleFunc("GET /report/{id}/download", s.download)
	mux.HandleFunc("GET /report/{id}/json", s.json)
	mux.HandleFunc("GET /docs/{path...}", s.doc)
	mux.HandleFunc("GET /static/{file}", s.static)
	s.historyRoutes(mux)
	return s.secure(mux)
}

// csp allows the page's own script and stylesheet and nothing inline.
const csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
	"form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// secure sets the headers of every answer, then refuses in this order,
// each before any work of the next: a Host header that names another
// server (421), a cross-site POST (403, from Sec-Fetch-Site or Origin),
// and, with Users, a client over its rate of password checks (429, even
// with the right password) or without a known user and password (401).
func (s *Server) secure(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		if !s.hosts.allows(r.Host) {
			s.refuse(w, r, http.StatusMisdirectedRequest, "this server does not answer as "+quoteHost(r.Host)+": open it by the name it listens as (see --host)")
			return
		}
		if err := s.origin.Check(r); err != nil {
			s.refuse(w, r, http.StatusForbidden, "a form sent from another site is refused: open the form on this server and send it from there")
			return
		}
		if s.auth == nil {
			next.ServeHTTP(w, r)
			return
		}
		switch _, res := s.auth.check(r); res {
		case authOK:
			next.ServeHTTP(w, r)
		case authLimited:
			h.Set("Retry-After", "10")
			s.refuse(w, r, http.StatusTooManyRequests, "too many attempts: wait a little and try again")
		default:
			h.Set("WWW-Authenticate", `Basic realm="ftpdoctor", charset="UTF-8"`)
			s.refuse(w, r, http.StatusUnauthorized, "this page needs a user name and password")
		}
	})
}

// quoteHost quotes a Host header for a message, cut short and with its
// control characters made visible.
func quoteHost(h string) string {
	if len(h) > 80 {
		h = h[:80] + "..."
	}
	return fmt.Sprintf("%q", h)
}

// signedIn is the basic-auth user of a request that passed secure, or ""
// without Users.
func (s *Server) signedIn(r *http.Request) string {
	if s.auth == nil {
		return ""
	}
	name, _, _ := r.BasicAuth()
	return name
}

// refuse answers with a short page (or line) and logs the refusal.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, status int, msg string) {
	s.opts.Logger.Info("web refused", "status", status, "reason", msg, "remote", r.RemoteAddr, "path", r.URL.Path)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_ = templates().ExecuteTemplate(w, "error", pageData{Title: http.StatusText(status), Data: msg})
}
