package web

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ftpdoctor/ftpdoctor/internal/target"
	"github.com/ftpdoctor/ftpdoctor/modules"
	"github.com/ftpdoctor/ftpdoctor/probes"
)

// formFields are the fields the form posts; anything else is refused.
var formFields = map[string]bool{"csrf": true, "scenario": true, "target": true, "user": true,
	"password": true, "accounts": true, "mode": true, "tls": true, "module": true}

// maxFormBytes bounds the posted form.
const maxFormBytes = 16 << 10

// checkSpec is a validated form: what to check and how.
type checkSpec struct {
	cfg      probes.Config       // the check; its password never leaves the job's goroutine
	env      probes.Env          // the network (a preset's dialer, or the server's)
	label    string              // host:port as shown
	module   string              // the module, or "demo:" and the scenario
	deadline time.Duration       // the whole check's deadline
	accounts []probes.Credential // with several accounts: each, the first as in cfg; their passwords never leave the job
}

// formData is what the form template shows.
type formData struct {
	CSRF    string           // the token of the client's session and user
	Modules []modules.Module // the modules offered
	Presets []Preset         // the demo scenarios offered
	Error   string           // why the form came back; empty on a fresh form
	Values  formValues       // what was typed, to fill the form in again
}

// formValues are the fields a refused form comes back with: never the
// password.
type formValues struct {
	Scenario, Target, User, Mode, TLS, Module string
}

// typedValues are the posted fields fit to show again: the target without
// a password it held, control characters removed.
func typedValues(f url.Values) formValues {
	target, _ := withoutPassword(f.Get("target"))
	strip := func(s string) string {
		return strings.Map(func(r rune) rune {
			if isControl(r) {
				return -1
			}
			return r
		}, s)
	}
	return formValues{Scenario: strip(f.Get("scenario")), Target: strip(target), User: strip(f.Get("user")),
		Mode: f.Get("mode"), TLS: f.Get("tls"), Module: strip(f.Get("module"))}
}

// withoutPassword removes the password from the user part of a target,
// "user:password@host" or "ftp://user:password@host/" alike, and says
// whether there was one.
func withoutPassword(raw string) (string, bool) {
	prefix, rest := "", raw
	if i := strings.Index(raw, "://"); i >= 0 {
		prefix, rest = raw[:i+3], raw[i+3:]
	}
	at := strings.LastIndex(rest, "@")
	if at < 0 {
		return raw, false
	}
	colon := strings.Index(rest[:at], ":")
	if colon < 0 {
		return raw, false
	}
	return prefix + rest[:colon] + rest[at:], true
}

// isControl is a rune no FTP command may carry: C0 controls (CR and LF
// among them) and DEL.
func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

// modules lists the modules, "default" first, then by name.
func (s *Server) modules() []modules.Module {
	var out []modules.Module
	for _, m := range s.opts.Modules {
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool {
		if (out[i].Name == modules.DefaultName) != (out[j].Name == modules.DefaultName) {
			return out[i].Name == modules.DefaultName
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// parseForm checks the posted fields and builds the check, or says why
// not with an HTTP status. Messages never quote the password.
func (s *Server) parseForm(f url.Values) (checkSpec, int, string) {
	var spec checkSpec
	for k, v := range f {
		if !formFields[k] {
			return spec, http.StatusBadRequest, fmt.Sprintf("unknown field %q", k)
		}
		if len(v) > 1 {
			return spec, http.StatusBadRequest, fmt.Sprintf("field %q given %d times", k, len(v))
		}
	}
	mode, tls := probes.Mode(f.Get("mode")), probes.TLSMode(f.Get("tls"))
	switch mode {
	case "", probes.ModeBoth, probes.ModePassive, probes.ModeActive:
	default:
		return spec, http.StatusBadRequest, fmt.Sprintf("data mode must be both, passive or active, got %q", mode)
	}
	switch tls {
	case "", probes.TLSAuto, probes.TLSRequire, probes.TLSImplicit, probes.TLSOff:
	default:
		return spec, http.StatusBadRequest, fmt.Sprintf("TLS must be auto, require, implicit or off, got %q", tls)
	}
	if name := f.Get("scenario"); name != "" {
		return s.presetSpec(name, mode)
	}
	name := f.Get("module")
	if name == "" {
		name = modules.DefaultName
	}
	m, ok := s.opts.Modules[name]
	if !ok {
		return spec, http.StatusBadRequest, fmt.Sprintf("unknown module %q", name)
	}
	raw := f.Get("target")
	if raw == "" {
		return spec, http.StatusBadRequest, "give a target: a host name, host:port or ftp:// URL"
	}
	if _, had := withoutPassword(raw); had {
		return spec, http.StatusBadRequest, "put the password in the password field, not in the target (the target was kept without it)"
	}
	t, urlPass, err := target.Parse(raw)
	if err != nil {
		return spec, http.StatusBadRequest, fmt.Sprintf("bad target %q: %s", target.Mask(raw), err)
	}
	if urlPass != "" {
		return spec, http.StatusBadRequest, "put the password in the password field, not in the target"
	}
	user, pass := f.Get("user"), probes.Secret(f.Get("password"))
	if strings.ContainsFunc(user, isControl) {
		return spec, http.StatusBadRequest, "the user name holds a line break or another control character: FTP cannot send it"
	}
	if strings.ContainsFunc(string(pass), isControl) {
		return spec, http.StatusBadRequest, "the password holds a line break or another control character: FTP cannot send it"
	}
	switch {
	case t.User != "" && user != "" && t.User != user:
		return spec, http.StatusBadRequest, fmt.Sprintf("the target names user %q and the user field %q: give one", t.User, user)
	case user == "":
		user = t.User
	}
	more, msg := parseAccounts(f.Get("accounts"), pass)
	if msg != "" {
		return spec, http.StatusBadRequest, msg
	}
	if err := modules.Permit(m, s.opts.Allow, t); err != nil {
		return spec, http.StatusForbidden, err.Error()
	}
	cfg := probes.Config{Target: t, Timeout: m.Timeout, Mode: m.Mode, TLS: m.TLS, PassiveRange: m.PassiveRange}
	if m.HasCredentials() {
		if user != "" || pass != "" || len(more) > 0 {
			return spec, http.StatusBadRequest, fmt.Sprintf("module %q logs in with its own stored credentials: leave user, password and accounts empty", name)
		}
		user, pass = m.User, m.Password
	}
	if user == "" || user == "anonymous" || user == "ftp" {
		cfg.Anonymous = pass == ""
		if user == "" {
			user = "anonymous"
		}
	}
	cfg.Target.User, cfg.Password = user, pass
	switch {
	case len(more) > 0 && f.Get("user") == "" && t.User == "": // the list alone names the accounts
		cfg.Target.User, cfg.Password, cfg.Anonymous = more[0].User, more[0].Password, more[0].Anonymous
		spec.accounts = more
	case len(more) > 0:
		spec.accounts = append([]probes.Credential{{User: user, Password: pass, Anonymous: cfg.Anonymous}}, more...)
	}
	if mode != "" {
		cfg.Mode = mode
	}
	if tls != "" {
		cfg.TLS = tls
	}
	if want, ok := target.SchemeTLS[t.Scheme]; ok {
		cfg.TLS = want
	}
	if cfg.TLS == "" {
		cfg.TLS = probes.TLSAuto
	}
	spec.cfg, spec.env, spec.module = cfg, s.opts.Env, name
	spec.label = t.Host + ":" + strconv.Itoa(t.Port)
	spec.deadline = 12 * m.Timeout
	if n := len(spec.accounts); n > 1 { // as check: the first account's check, then the others formParallel at a time
		spec.deadline += spec.deadline * time.Duration(n-1) / formParallel
	}
	spec.deadline = min(spec.deadline, s.opts.MaxDeadline)
	return spec, 0, ""
}

// presetSpec is the check of a demo scenario.
func (s *Server) presetSpec(name string, mode probes.Mode) (checkSpec, int, string) {
	for _, p := range s.opts.Presets {
		if p.Name != name {
			continue
		}
		cfg := p.Config
		if mode != "" {
			cfg.Mode = mode
		}
		return checkSpec{cfg: cfg, env: p.Env, module: "demo:" + name,
			label:    cfg.Target.Host + ":" + strconv.Itoa(cfg.Target.Port),
			deadline: min(12*cfg.Timeout+10*time.Second, s.opts.MaxDeadline)}, 0, ""
	}
	return checkSpec{}, http.StatusBadRequest, fmt.Sprintf("unknown demo scenario %q", name)
}

// refuseForm answers a refused POST with the form filled in again as it
// was sent (the password excepted) and the reason above it.
func (s *Server) refuseForm(w http.ResponseWriter, r *http.Request, status int, msg string) {
	s.opts.Logger.Info("web refused", "status", status, "reason", msg, "remote", r.RemoteAddr, "path", r.URL.Path)
	w.Header().Set("Cache-Control", "no-store")
	if strings.TrimSpace(r.PostForm.Get("accounts")) != "" {
		msg += " (the accounts are never sent back: paste them again)"
	}
	data := formData{CSRF: s.csrf.token(w, r, s.signedIn(r)), Modules: s.modules(), Presets: s.opts.Presets,
		Error: msg, Values: typedValues(r.PostForm)}
	s.render(w, status, "form", pageData{Title: "Check an FTP server", Data: data})
}
