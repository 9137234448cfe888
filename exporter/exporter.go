// Package exporter is ftpdoctor's Prometheus exporter, in blackbox_exporter's
// multi-target style: GET /probe?target=HOST&module=NAME runs one check and
// answers with its metrics, made for that request alone (expose.go);
// /metrics has the exporter's own. Modules (package modules) say how to probe;
// a module with credentials only probes the hosts it pins, and --allow
// limits anonymous probes, so that the exporter never sends a password, or
// a probe, where a visitor points it.
package exporter

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/ftpdoctor/ftpdoctor/internal/target"
	"github.com/ftpdoctor/ftpdoctor/modules"
	"github.com/ftpdoctor/ftpdoctor/output"
	"github.com/ftpdoctor/ftpdoctor/probes"
	"github.com/ftpdoctor/ftpdoctor/report"
)

// Defaults of Options.
const (
	DefaultMaxConcurrent = 20                     // probes at once
	DefaultTimeoutOffset = 500 * time.Millisecond // taken off Prometheus's scrape timeout
	DefaultMaxDeadline   = 60 * time.Second       // longest a probe may run, whatever the scrape timeout
)

// Options configure an Exporter.
type Options struct {
	Modules       map[string]modules.Module // by name; modules.Defaults() when nil
	Allow         modules.HostList          // targets of probes without credentials; empty: any
	MaxConcurrent int                       // probes at once; a request beyond gets 503
	TimeoutOffset time.Duration             // taken off X-Prometheus-Scrape-Timeout-Seconds
	MaxDeadline   time.Duration             // cap on a probe's whole deadline
	Env           probes.Env                // the network; probes.DefaultEnv() when zero
	Logger        *slog.Logger              // one line per probe and per refusal; never a password
}

// Exporter serves /probe and /metrics.
type Exporter struct {
	opts  Options
	slots chan struct{} // one per probe running; full: 503
	own   *counters     // the exporter's own metrics, served at /metrics
}

// New builds an Exporter, with defaults for the options left zero.
func New(opts Options) *Exporter {
	if opts.Modules == nil {
		opts.Modules = modules.Defaults()
	}
	if opts.MaxConcurrent <= 0 {
		opts.MaxConcurrent = DefaultMaxConcurrent
	}
	if opts.TimeoutOffset <= 0 {
		opts.TimeoutOffset = DefaultTimeoutOffset
	}
	if opts.MaxDeadline <= 0 {
		opts.MaxDeadline = DefaultMaxDeadline
	}
	if opts.Env.Dialer == nil {
		opts.Env = probes.DefaultEnv()
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &Exporter{opts: opts, slots: make(chan struct{}, opts.MaxConcurrent), own: newCounters()}
}

// Handler serves /probe, /metrics and a short index page at /.
func (e *Exporter) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /probe", e.probe)
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, _ *http.Request) { serveText(w, e.own.families()) })
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, "ftpdoctor exporter: /probe?target=HOST[:PORT]&module=NAME[&debug=true], /metrics")
	})
	return mux
}

// refuse answers a refused request with one line and counts it.
func (e *Exporter) refuse(w http.ResponseWriter, r *http.Request, status int, reason, msg string) {
	e.own.refusal(reason)
	e.opts.Logger.Info("probe refused", "status", status, "reason", msg, "remote", r.RemoteAddr)
	http.Error(w, msg, status)
}

// probeRequest is a validated probe request.
type probeRequest struct {
	module   modules.Module
	target   probes.Target
	deadline time.Duration
	debug    bool
}

// probe serves /probe.
func (e *Exporter) probe(w http.ResponseWriter, r *http.Request) {
	req, status, msg := e.parse(r)
	if status != 0 {
		reason := map[int]string{http.StatusBadRequest: "bad_request", http.StatusForbidden: "forbidden"}[status]
		e.refuse(w, r, status, reason, msg)
		return
	}
	select {
	case e.slots <- struct{}{}:
	default:
		e.refuse(w, r, http.StatusServiceUnavailable, "busy",
			fmt.Sprintf("busy: %d probes are running (--max-concurrent); try again later", e.opts.MaxConcurrent))
		return
	}
	e.own.running(1)
	rep := e.run(r.Context(), req)
	e.own.running(-1)
	<-e.slots
	e.own.probeDone(req.module.Name, string(rep.Verdict))
	e.opts.Logger.Info("probe", "module", req.module.Name, "target", req.target.Host, "port", req.target.Port,
		"verdict", string(rep.Verdict), "duration_ms", rep.DurationMS)
	if req.debug {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("X-Content-Type-Options", "nosniff") // server text in the report is never read as HTML
		report.WriteTable(w, rep, output.Options{Verbose: true, Redact: []probes.Secret{req.module.Password}})
		return
	}
	serveText(w, probeFamilies(rep))
}

// run checks the target with the module, within the request's deadline.
func (e *Exporter) run(ctx context.Context, req probeRequest) report.Report {
	ctx, cancel := context.WithTimeout(ctx, req.deadline)
	defer cancel()
	m := req.module
	cfg := probes.Config{Target: req.target, Password: m.Password, Timeout: min(m.Timeout, req.deadline),
		Mode: m.Mode, PassiveRange: m.PassiveRange, TLS: m.TLS, Transfer: m.Transfer}
	if scheme, ok := target.SchemeTLS[req.target.Scheme]; ok {
		cfg.TLS = scheme
	}
	cfg.Target.User = m.User
	if m.User == "" || (m.User == "anonymous" || m.User == "ftp") && m.Password == "" {
		cfg.Target.User, cfg.Anonymous = "anonymous", true
	}
	env := e.opts.Env
	if e.opts.Allow.Len() > 0 { // a 227 naming another address does not lead the check past --allow
		env.AllowData = func(ip net.IP) bool { return e.opts.Allow.Allows(ip.String()) }
	}
	return report.Build(probes.Check(ctx, cfg, env))
}

// parse validates a probe request: its query, the module, whether the
// module may probe the target, and the deadline. A refusal comes back as
// an HTTP status and a one-line reason.
func (e *Exporter) parse(r *http.Request) (probeRequest, int, string) {
	var req probeRequest
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return req, http.StatusBadRequest, "malformed query string"
	}
	for k, v := range q {
		if len(v) > 1 {
			return req, http.StatusBadRequest, fmt.Sprintf("parameter %q given %d times", k, len(v))
		}
	}
	name := q.Get("module")
	if name == "" {
		name = modules.DefaultName
	}
	m, ok := e.opts.Modules[name]
	if !ok {
		return req, http.StatusBadRequest, fmt.Sprintf("unknown module %q", name)
	}
	req.module = m
	raw := q.Get("target")
	if raw == "" {
		return req, http.StatusBadRequest, "missing target parameter: /probe?target=HOST[:PORT]&module=NAME"
	}
	t, pass, err := target.Parse(raw)
	if err != nil {
		return req, http.StatusBadRequest, fmt.Sprintf("bad target %q: %s", target.Mask(raw), err)
	}
	if pass != "" || t.User != "" {
		return req, http.StatusBadRequest, "credentials never go in the query: put them in a module (user, password_file)"
	}
	req.target = t
	if err := modules.Permit(m, e.opts.Allow, t); err != nil {
		return req, http.StatusForbidden, err.Error()
	}
	switch v := strings.ToLower(q.Get("debug")); v {
	case "", "false", "0":
	case "true", "1":
		req.debug = true
	default:
		return req, http.StatusBadRequest, fmt.Sprintf("debug must be true or false, got %q", v)
	}
	req.deadline, err = e.deadline(r.Header.Get("X-Prometheus-Scrape-Timeout-Seconds"), m)
	if err != nil {
		return req, http.StatusBadRequest, err.Error()
	}
	return req, 0, ""
}

// deadline is a probe's whole deadline: the scrape timeout Prometheus
// sends less --timeout-offset, else 12 times the module's step timeout (as
// check's --deadline), capped at MaxDeadline.
func (e *Exporter) deadline(header string, m modules.Module) (time.Duration, error) {
	d := 12 * m.Timeout
	if header != "" {
		s, err := strconv.ParseFloat(header, 64)
		if err != nil || s <= 0 || s > 1e6 {
			return 0, fmt.Errorf("X-Prometheus-Scrape-Timeout-Seconds must be a positive number of seconds, got %q", header)
		}
		d = time.Duration(s*float64(time.Second)) - e.opts.TimeoutOffset
		if d <= 0 {
			return 0, fmt.Errorf("scrape timeout %ss leaves no time after --timeout-offset %s", header, e.opts.TimeoutOffset)
		}
	}
	return min(d, e.opts.MaxDeadline), nil
}
