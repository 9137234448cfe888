package report

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/ftpdoctor/ftpdoctor/probes"
	"github.com/ftpdoctor/ftpdoctor/verdict"
)

// Build turns the outcome of a check into a Report. It is pure: no I/O, no
// clock, and the outcome is not modified.
func Build(o probes.Outcome) Report {
	if o.Mode == "" {
		o.Mode = probes.ModeBoth
	}
	o = redactOutcome(o)
	r := Report{
		SchemaVersion: SchemaVersion,
		Target: Target{
			Host:         o.Target.Host,
			Port:         o.Target.Port,
			User:         o.Target.User,
			Mode:         string(o.Mode),
			TLS:          string(o.TLSMode),
			PassiveRange: o.PassiveRange,
		},
		DurationMS:  millis(o.Duration),
		Interrupted: o.Interrupted || anyInterrupted(o.Results),
		Server:      o.Server,
		TLS:         o.TLS,
		Stages:      make([]Stage, 0, len(o.Results)),
		Causes:      []Cause{},
	}
	if r.TLS.Mode == "" {
		r.TLS.Mode = "none"
	}
	if r.Server.Features == nil {
		r.Server.Features = []string{}
	}
	for _, res := range o.Results {
		r.Stages = append(r.Stages, Stage{
			ID:         res.Stage,
			Status:     res.Status,
			Code:       res.Code,
			Summary:    res.Summary,
			StartedMS:  millis(res.Started),
			DurationMS: millis(res.Duration),
			Evidence:   res.Evidence,
		})
	}
	for _, f := range findings(o) {
		r.Causes = append(r.Causes, f.cause())
	}
	var accountCauses []Cause
	r.Accounts, accountCauses = buildAccounts(o)
	r.Causes = append(r.Causes, accountCauses...)
	sort.SliceStable(r.Causes, func(i, j int) bool {
		return severityRank(r.Causes[i].Severity) < severityRank(r.Causes[j].Severity)
	})
	dropRepeatedFixes(r.Causes)
	referSharedFixes(r.Causes, r.Accounts)
	r.Verdict = overallVerdict(o)
	for _, a := range r.Accounts {
		r.Verdict = verdict.Worst(r.Verdict, a.Verdict)
	}
	if len(accountCauses) > 0 && r.Verdict == verdict.OK {
		r.Verdict = verdict.Warning
	}
	r.ExitCode = r.Verdict.ExitCode()
	r.Recommendation = recommend(o)
	return r
}

// dropRepeatedFixes keeps each fix only with the first cause that gives
// it: two causes of one problem (a dropped passive port seen by the data
// and the firewall stages) share their fix, and the report gives it once.
// A cause left with no fix of its own points to the cause that has it.
func dropRepeatedFixes(causes []Cause) {
	first := map[Fix]int{}
	for i := range causes {
		var kept []Fix
		for _, f := range causes[i].Fixes {
			if _, seen := first[f]; !seen {
				first[f] = i
				kept = append(kept, f)
			}
		}
		if len(kept) == 0 && len(causes[i].Fixes) > 0 {
			f, j := causes[i].Fixes[0], first[causes[i].Fixes[0]]
			kept = []Fix{{f.Side, fmt.Sprintf(referencePrefix+"cause %d (%s) above.", j+1, causes[j].Code)}}
		}
		if kept == nil {
			kept = []Fix{}
		}
		causes[i].Fixes = kept
	}
}

// millis converts a duration to milliseconds rounded to 0.1 ms.
func millis(d time.Duration) float64 {
	return float64(d.Round(100*time.Microsecond)) / float64(time.Millisecond)
}

// anyInterrupted reports whether the deadline ended any stage early.
func anyInterrupted(results []probes.Result) bool {
	for _, r := range results {
		if r.Status == probes.StatusInterrupted {
			return true
		}
	}
	return false
}

func severityRank(s Severity) int {
	if s == SeverityCritical {
		return 0
	}
	return 1
}

// finding is one problem code seen in the outcome and where it was seen.
type finding struct {
	code    probes.Code     // the result or attempt code
	result  probes.Result   // the stage result that holds it
	attempt *probes.Attempt // the attempt that raised it; nil for a stage-level code
	outcome probes.Outcome  // the whole check, for context
}

// status is the status of whatever raised the finding.
func (f finding) status() probes.Status {
	if f.attempt != nil {
		return f.attempt.Status
	}
	return f.result.Status
}

// findings lists every problem code in stage order, each once: the code of
// each failed or warned stage, then the distinct codes of its failed or
// warned attempts.
func findings(o probes.Outcome) []finding {
	var out []finding
	seen := map[probes.Code]bool{}
	for _, res := range o.Results {
		if res.Status != probes.StatusFail && res.Status != probes.StatusWarn {
			continue
		}
		if !seen[res.Code] {
			seen[res.Code] = true
			out = append(out, finding{code: res.Code, result: res, attempt: attemptWith(res, res.Code), outcome: o})
		}
		for i := range res.Evidence.Attempts {
			a := &res.Evidence.Attempts[i]
			if a.Status != probes.StatusFail && a.Status != probes.StatusWarn {
				continue
			}
			info, _ := a.Code.Info()
			if seen[a.Code] || info.Optional || probes.Covers(res.Code, a.Code) {
				continue
			}
			seen[a.Code] = true
			out = append(out, finding{code: a.Code, result: res, attempt: a, outcome: o})
		}
	}
	return out
}

// attemptWith returns the first attempt of res carrying code, or nil.
func attemptWith(res probes.Result, code probes.Code) *probes.Attempt {
	for i := range res.Evidence.Attempts {
		if res.Evidence.Attempts[i].Code == code {
			return &res.Evidence.Attempts[i]
		}
	}
	return nil
}

// stageResult returns the result of one stage, or nil when it is absent.
func stageResult(o probes.Outcome, id probes.StageID) *probes.Result {
	for i := range o.Results {
		if o.Results[i].Stage == id {
			return &o.Results[i]
		}
	}
	return nil
}

func ran(r *probes.Result) bool {
	return r != nil && r.Status != probes.StatusSkip && r.Status != probes.StatusInterrupted && r.Status != ""
}
func worked(r *probes.Result) bool {
	return r != nil && (r.Status == probes.StatusPass || r.Status == probes.StatusWarn)
}

// dataWorks reports whether at least one data mode transferred a listing.
func dataWorks(o probes.Outcome) bool {
	for _, st := range probes.DataStages() {
		if worked(stageResult(o, st.ID)) {
			return true
		}
	}
	return false
}

var validStatus = map[probes.Status]bool{
	probes.StatusPass: true, probes.StatusWarn: true, probes.StatusFail: true, probes.StatusSkip: true,
	probes.StatusInterrupted: true,
}

// overallVerdict applies the rules in docs/json.md: ok when every stage
// that ran passed; warning when a data mode works but something failed or
// warned; critical when a critical stage failed or no requested data mode
// works; unknown when the check could not run. A check the deadline cut
// short is unknown unless a real failure was seen before: an interrupted
// stage counts as one that did not run.
func overallVerdict(o probes.Outcome) verdict.Verdict {
	if len(o.Results) == 0 {
		return verdict.Unknown
	}
	var failed, warned, anyWorked, interrupted bool
	for _, r := range o.Results {
		if !validStatus[r.Status] {
			return verdict.Unknown
		}
		failed = failed || r.Status == probes.StatusFail
		warned = warned || r.Status == probes.StatusWarn
		interrupted = interrupted || r.Status == probes.StatusInterrupted
		anyWorked = anyWorked || worked(&r)
	}
	if interrupted && !failed {
		return verdict.Unknown
	}
	for _, r := range o.Results {
		if st, _ := r.Stage.Facts(); st.Critical && r.Status == probes.StatusFail {
			return verdict.Critical
		}
	}
	dataRan := false
	for _, st := range probes.DataStages() {
		dataRan = dataRan || (o.Mode.Includes(st.Data) && ran(stageResult(o, st.ID)))
	}
	switch {
	case dataRan && !dataWorks(o):
		return verdict.Critical
	case failed && !anyWorked:
		return verdict.Critical
	case failed || warned:
		return verdict.Warning
	}
	return verdict.OK
}

// recommend picks the client's data mode from what worked.
func recommend(o probes.Outcome) Recommendation {
	p, a := stageResult(o, probes.StagePassive), stageResult(o, probes.StageActive)
	if !ran(p) && !ran(a) {
		return Recommendation{ModeUnknown, "The data stages did not run (" + firstStop(o) + "), so no data mode could be tested."}
	}
	pw, aw := worked(p), worked(a)
	// Passive is preferred whenever it works from here: it needs no
	// connection into the client, so it also works behind NAT.
	switch {
	case pw && aw && p.Status == probes.StatusPass && a.Status == probes.StatusPass:
		return Recommendation{ModeEither, "Passive and active mode both work from here. Keep the client's default, passive, which also works when the client is behind NAT."}
	case pw && p.Status == probes.StatusWarn:
		return Recommendation{ModePassive, "Use passive mode: a passive listing arrived from here, but the server needs a fix (" + string(p.Code) + ", see the causes) for other clients and networks; " + otherMode(a, "active") + "."}
	case pw:
		return Recommendation{ModePassive, "Use passive mode: a passive listing arrived; " + otherMode(a, "active") + "."}
	case aw:
		return Recommendation{ModeActive, "Use active mode: " + otherMode(p, "passive") + ", while an active listing arrived. Active mode needs the server to connect to this client, so it fails behind most home and office NAT: fix passive mode on the server or firewall for other users."}
	}
	var failed []string
	for _, r := range []*probes.Result{p, a} {
		if ran(r) {
			failed = append(failed, string(r.Stage)+" ("+string(r.Code)+")")
		}
	}
	return Recommendation{ModeNone, "No data mode works: " + strings.Join(failed, " and ") + " failed. Changing the client's mode will not help until the server or firewall is fixed (see the causes)."}
}

// otherMode describes the outcome of the mode not recommended.
func otherMode(r *probes.Result, name string) string {
	switch {
	case r == nil:
		return name + " mode was not tested"
	case r.Status == probes.StatusSkip:
		return name + " mode was not tested (" + r.Summary + ")"
	case r.Status == probes.StatusInterrupted:
		return name + " mode was not finished before the run's deadline"
	case worked(r):
		return name + " mode works too"
	}
	return name + " mode failed (" + string(r.Code) + ")"
}

// firstStop names the first stage that failed, or why the data stages were
// skipped.
func firstStop(o probes.Outcome) string {
	for _, r := range o.Results {
		if r.Status == probes.StatusFail {
			return string(r.Stage) + " failed: " + string(r.Code)
		}
	}
	if r := stageResult(o, probes.StagePassive); r != nil && r.Summary != "" {
		return r.Summary
	}
	return "no data stage in the results"
}
