package report

import (
	"fmt"
	"strings"

	"github.com/ftpdoctor/ftpdoctor/probes"
	"github.com/ftpdoctor/ftpdoctor/verdict"
)

// Account is one account's part of a check of many accounts.
type Account struct {
	User       string          `json:"user"`              // login name
	Verdict    verdict.Verdict `json:"verdict"`           // this account's verdict
	ExitCode   int             `json:"exit_code"`         // its exit code
	Phase      probes.Phase    `json:"phase"`             // where its session ended: connect, tls, user, pass, after_login, data, ok, or interrupted (the deadline came first)
	Code       probes.Code     `json:"code"`              // the code of the stage that ended it, or the login's
	Reply      string          `json:"reply"`             // the server's decisive reply, e.g. "530 Login incorrect."
	DurationMS float64         `json:"duration_ms"`       // wall time of its check in milliseconds
	Retried    bool            `json:"retried,omitempty"` // refused for too many connections at first, checked again alone
	Stages     []Stage         `json:"stages"`            // its login and data stages (and control and tls when they failed for it)
	Causes     []Cause         `json:"causes"`            // in the shape of the top-level causes
}

// accountShows reports whether an account's part shows a stage: one that
// runs for every account, from login on; a stage before login (control,
// tls), which every account goes through alike, only when it failed.
func accountShows(s Stage) bool {
	st, _ := s.ID.Facts()
	return st.PerAccount && (!st.Phase.Connecting() || s.Status == probes.StatusFail)
}

// buildAccounts reports each account through Build and adds the findings
// that only comparing accounts shows. It returns the accounts and the
// further causes.
func buildAccounts(o probes.Outcome) ([]Account, []Cause) {
	var out []Account
	for _, a := range o.Accounts {
		sub := Build(probes.Outcome{Target: probes.Target{Host: o.Target.Host, Port: o.Target.Port, User: a.User, Path: o.Target.Path},
			Mode: a.Mode, TLSMode: o.TLSMode, Server: o.Server, TLS: o.TLS, Results: a.Results, Duration: a.Duration})
		acc := Account{User: a.User, Verdict: sub.Verdict, ExitCode: sub.ExitCode, Phase: a.Phase,
			DurationMS: millis(a.Duration), Retried: a.Retried, Causes: sub.Causes, Stages: []Stage{}}
		for _, s := range sub.Stages {
			if accountShows(s) {
				acc.Stages = append(acc.Stages, s)
			}
		}
		acc.Code, acc.Reply = decisive(sub.Stages)
		out = append(out, acc)
	}
	var causes []Cause
	if f, ok := accountsFinding(o, out); ok {
		causes = append(causes, f.cause())
	}
	if o.AccountLimit != nil {
		r := probes.Result{Stage: probes.StageLogin, Status: probes.StatusWarn, Code: probes.LoginAccountsLimited,
			Evidence: probes.Evidence{Replies: []probes.Exchange{redactExchange(*o.AccountLimit)}}}
		causes = append(causes, finding{code: r.Code, result: r, outcome: o}.cause())
	}
	return out, causes
}

// decisive is the code of the first stage that failed, or the login's, and
// the reply that decided it.
func decisive(stages []Stage) (probes.Code, string) {
	pick := -1
	for i, s := range stages {
		if s.Status == probes.StatusFail {
			pick = i
			break
		}
		if s.ID == probes.StageLogin {
			pick = i
		}
	}
	if pick < 0 {
		return "", ""
	}
	s := stages[pick]
	reply := ""
	if n := len(s.Evidence.Replies); n > 0 {
		ex := s.Evidence.Replies[n-1]
		if s.ID == probes.StageLogin && s.Status != probes.StatusFail {
			own := s.Evidence.Replies[0].Conn // the account's own connection, not an extra one's refusal
			for _, e := range s.Evidence.Replies {
				if e.Conn == own && (e.Verb == "PASS" || e.Verb == "USER" && e.Code == probes.ReplyLoggedIn) {
					ex = e
				}
			}
		}
		if ex.Code != 0 {
			reply = fmt.Sprintf("%d %s", ex.Code, firstLine(ex.Text))
		} else {
			reply = ex.Error
		}
	}
	for _, a := range s.Evidence.Attempts {
		if a.Status == probes.StatusFail && a.List != nil && a.List.Code != 0 {
			reply = fmt.Sprintf("%d %s", a.List.Code, firstLine(a.List.Text))
			break
		}
	}
	return s.Code, reply
}

// accountsFinding compares the accounts: when some log in and list and
// others do not, the server, the network and the data path are fine, and
// the failing accounts are what to look at.
func accountsFinding(o probes.Outcome, accounts []Account) (finding, bool) {
	var ok, failed []string
	byPhase := map[probes.Phase][]string{}
	var phases []probes.Phase
	for _, a := range accounts {
		if a.Phase == probes.PhaseOK {
			ok = append(ok, a.User)
			continue
		}
		if a.Phase == probes.PhaseInterrupted {
			continue // neither works nor fails: the deadline came first
		}
		failed = append(failed, a.User)
		if len(byPhase[a.Phase]) == 0 {
			phases = append(phases, a.Phase)
		}
		byPhase[a.Phase] = append(byPhase[a.Phase], a.User)
	}
	if len(ok) == 0 || len(failed) == 0 {
		return finding{}, false
	}
	var parts []string
	for _, p := range phases {
		parts = append(parts, fmt.Sprintf("%s %s %s", joinNames(byPhase[p]), isAre(len(byPhase[p])), phaseWords[p]))
	}
	summary := fmt.Sprintf("%d of %d accounts log in and list, so the server, the network and the data path are fine for them; %s",
		len(ok), len(accounts), strings.Join(parts, "; "))
	// As severe as the worst failing account: the top level's verdict is
	// that account's.
	status := probes.StatusWarn
	for _, a := range accounts {
		if a.Verdict == verdict.Critical {
			status = probes.StatusFail
		}
	}
	r := probes.Result{Stage: probes.StageLogin, Status: status, Code: probes.LoginAccountsRefused, Summary: summary}
	return finding{code: r.Code, result: r, outcome: o}, true
}

// phaseWords says where a session ended, after "alice is ...".
var phaseWords = map[probes.Phase]string{
	probes.PhaseConnect:    "turned away at connect",
	probes.PhaseTLS:        "stopped at TLS",
	probes.PhaseUser:       "refused at USER, before the password is sent",
	probes.PhasePass:       "refused at PASS",
	probes.PhaseAfterLogin: "accepted, then the session fails (its home directory or chroot)",
	probes.PhaseData:       "logged in but cannot list",
}

func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

// joinNames writes "alice", "alice and bob", "alice, bob and carol".
func joinNames(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// referSharedFixes gives a fix shared by several accounts once: in each
// further account's causes (the first account's are the check's own), a
// fix already given by the check's causes or by an earlier account is
// replaced by a reference to where it stands, one reference per side and
// place.
func referSharedFixes(causes []Cause, accounts []Account) {
	where := map[Fix]string{}
	for i, c := range causes {
		for _, f := range c.Fixes {
			if _, seen := where[f]; !seen && !strings.HasPrefix(f.Text, referencePrefix) {
				where[f] = fmt.Sprintf("cause %d (%s) above", i+1, c.Code)
			}
		}
	}
	for i := range accounts {
		if i == 0 {
			continue
		}
		for j := range accounts[i].Causes {
			c := &accounts[i].Causes[j]
			kept := []Fix{}
			referred := map[string]bool{}
			for _, f := range c.Fixes {
				place, seen := where[f]
				switch {
				case !seen:
					where[f] = fmt.Sprintf("account %s's cause %d (%s) above", accounts[i].User, j+1, c.Code)
					kept = append(kept, f)
				case !referred[string(f.Side)+place]:
					referred[string(f.Side)+place] = true
					kept = append(kept, Fix{f.Side, referencePrefix + place + "."})
				}
			}
			c.Fixes = kept
		}
	}
}
