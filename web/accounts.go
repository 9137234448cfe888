package web

import (
	"context"
	"fmt"
	"strings"

	"github.com/ftpdoctor/ftpdoctor/probes"
)

// maxFormAccounts bounds the accounts one form may check.
const maxFormAccounts = 50

// formParallel is how many accounts of one check log in at once, as
// check's default --parallel.
const formParallel = 2

// parseAccounts reads the form's accounts field: one "user" or
// "user:password" a line, blank lines and # comments skipped, the
// password field's value for a line without a password. Messages name a
// line by its number and never quote it: it may hold a password.
func parseAccounts(text string, defaultPass probes.Secret) ([]probes.Credential, string) {
	var out []probes.Credential
	for n, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(strings.TrimSuffix(line, "\r"))
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		user, pass, hasPass := strings.Cut(line, ":")
		switch {
		case user == "":
			return nil, fmt.Sprintf("accounts, line %d: no user name before ':'", n+1)
		case strings.ContainsFunc(line, isControl):
			return nil, fmt.Sprintf("accounts, line %d: a control character: FTP cannot send it", n+1)
		case len(out) == maxFormAccounts:
			return nil, fmt.Sprintf("more than %d accounts: check at most %d at once", maxFormAccounts, maxFormAccounts)
		}
		c := probes.Credential{User: user, Password: probes.Secret(pass)}
		if !hasPass {
			c.Password = defaultPass
		}
		c.Anonymous = (user == "anonymous" || user == "ftp") && c.Password == ""
		out = append(out, c)
	}
	return out, ""
}

// outcome runs the check: every account of the form when it named more
// than one, else the one of cfg.
func (spec checkSpec) outcome(ctx context.Context, env probes.Env) probes.Outcome {
	if len(spec.accounts) > 1 {
		return probes.CheckAccounts(ctx, spec.cfg, spec.accounts, "", formParallel, env)
	}
	return probes.Check(ctx, spec.cfg, env)
}

// secrets are every password of the check, to redact.
func (spec checkSpec) secrets() []probes.Secret {
	out := []probes.Secret{spec.cfg.Password}
	for _, a := range spec.accounts {
		out = append(out, a.Password)
	}
	return out
}

// event is a stage that ended, every password of the check masked.
func (spec checkSpec) event(r probes.Result) StageEvent {
	for _, p := range spec.secrets() {
		if s := p.Reveal(); len(s) >= 3 {
			r.Summary = strings.ReplaceAll(r.Summary, s, "****")
		}
	}
	return stageEvent(r, "")
}
