package probes

import (
	"context"
	"sync"
)

// Stage is one step of a check, as a value: what it needs, what it does
// and every fact the rest of ftpdoctor knows about it. The runner, the
// many-accounts check and the report read these facts; none of them keeps
// a list of stages of its own. See the package doc for how to add one.
type Stage struct {
	ID    StageID                                      // the stage's name in results and JSON
	Needs []Need                                       // preconditions, checked in order
	Run   func(ctx context.Context, s *Session) Result // the probe; it returns data and never prints

	Critical   bool   // its failure alone makes the verdict critical: nothing can work without it
	Data       Mode   // the data mode whose listing it transfers (ModePassive, ModeActive); empty for a stage that moves no data
	Family     Family // the cause family of a problem code of this stage that the code table does not know
	PerAccount bool   // it runs again for every further account of a many-accounts check; false: once per server
	Phase      Phase  // where an account's session ended when this stage failed (PhaseUser: refined by the refused command); empty: its failure ends no session

	Asked func(Config) bool // nil: every check runs it; else only a check whose configuration it accepts (an opt-in stage such as transfer)
}

// Need is one precondition of a stage. The runner waits for After to
// finish; when After was skipped, the stage is skipped with After's
// reason (unless Settled), and when Met is false with Why.
type Need struct {
	After   StageID             // a stage that must finish first; empty for none
	Settled bool                // After only has to be over: its being skipped is no reason to skip
	Met     func(*Session) bool // whether the precondition holds; nil means it always does
	Why     string              // the skip reason when Met is false
}

// Registry lists every stage of a full check, in report order.
var Registry = []Stage{
	dnsStage,
	controlStage,
	tlsStage,
	loginStage,
	passiveStage,
	activeStage,
	firewallStage,
	transferStage,
}

// Facts returns the Registry entry of a stage; ok is false for a stage
// that is not in Registry.
func (id StageID) Facts() (st Stage, ok bool) {
	for _, st := range Registry {
		if st.ID == id {
			return st, true
		}
	}
	return Stage{}, false
}

// Select returns the stages of Registry that keep accepts, in Registry
// order.
func Select(keep func(Stage) bool) []Stage {
	var out []Stage
	for _, st := range Registry {
		if keep(st) {
			out = append(out, st)
		}
	}
	return out
}

// DataStages returns the stages that transfer a listing in one data mode.
func DataStages() []Stage { return Select(func(st Stage) bool { return st.Data != "" }) }

// upTo returns the stage id and every stage it needs, directly or through
// others, in Registry order: the stages a command that stops at id runs.
func upTo(id StageID) []Stage {
	want := map[StageID]bool{id: true}
	for i := len(Registry) - 1; i >= 0; i-- {
		if want[Registry[i].ID] {
			for _, n := range Registry[i].Needs {
				if n.After != "" {
					want[n.After] = true
				}
			}
		}
	}
	return Select(func(st Stage) bool { return want[st.ID] })
}

// Run runs stages, each as soon as its needs are met and concurrently
// where they are independent, and returns their results in the order of
// stages. The runner owns skipping, timing and recording: a stage's result
// gets its start offset, duration and every control-connection exchange
// made under its context.
func (s *Session) Run(ctx context.Context, stages []Stage) []Result {
	done := make(map[StageID]chan struct{}, len(stages))
	for _, st := range stages {
		done[st.ID] = make(chan struct{})
	}
	results := make([]Result, len(stages))
	index := func(id StageID) int {
		for i, st := range stages {
			if st.ID == id {
				return i
			}
		}
		return -1
	}
	var wg sync.WaitGroup
	for i, st := range stages {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(done[st.ID])
			defer func() {
				if s.Progress != nil {
					s.Progress(results[i])
				}
			}()
			results[i] = s.runStage(ctx, st, func(id StageID) *Result {
				j := index(id)
				if j < 0 {
					return nil
				}
				<-done[id]
				return &results[j]
			})
		}()
	}
	wg.Wait()
	return results
}

// runStage waits for a stage's needs and runs it, or skips it with the
// reason of its first unmet need.
func (s *Session) runStage(ctx context.Context, st Stage, wait func(StageID) *Result) Result {
	for _, n := range st.Needs {
		if n.After != "" {
			r := wait(n.After)
			if r != nil && r.Status == StatusInterrupted {
				return NotReached(st.ID)
			}
			if r != nil && r.Status == StatusSkip && !n.Settled {
				return Skipped(st.ID, r.Summary)
			}
		}
		if n.Met != nil && !n.Met(s) {
			return Skipped(st.ID, n.Why)
		}
	}
	if !s.Mode.Includes(st.Data) {
		return Skipped(st.ID, "--mode "+string(s.Mode))
	}
	if deadlineReached(ctx, s.Now()) {
		return NotReached(st.ID)
	}
	rctx, rec := recording(ctx)
	start := s.Now()
	r := st.Run(rctx, s)
	r.Stage = st.ID
	if r.Status == StatusSkip {
		return r
	}
	if r.Status == StatusFail && deadlineReached(ctx, s.Now()) {
		// What failed is the deadline's doing as likely as the server's:
		// the stage is reported unfinished, not failed (issue 18).
		r.Status, r.Summary = StatusInterrupted, "cut short by the run's deadline: "+r.Summary
	}
	r.Started = start.Sub(s.Start)
	r.Duration = s.Now().Sub(start)
	r.Evidence.Replies = append(rec.exchanges(), r.Evidence.Replies...)
	return r
}

// The needs the stages share.
var (
	needAddresses = Need{After: StageDNS, Met: func(s *Session) bool { return len(s.Server.Addrs) > 0 }, Why: "the name did not resolve"}
	needControl   = Need{After: StageControl, Met: (*Session).hasControl, Why: "no FTP control connection"}
	needLogin     = Need{After: StageLogin, Met: func(s *Session) bool { return s.Account.LoggedIn }, Why: "not logged in"}
	needTLS       = Need{After: StageTLS, Settled: true, Met: func(s *Session) bool { return !s.tls.isBlocked() }, Why: "TLS failed (see the tls stage)"}
)
