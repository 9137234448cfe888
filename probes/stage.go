package probes

import (
	"context"
	"sync"
)

// Stage is one step of a check, as a value: what it needs and what it
// does. Adding a stage is a new file that declares one and a line in
// Registry.
type Stage struct {
	ID    StageID                                      // the stage's name in results and JSON
	Needs []Need                                       // preconditions, checked in order
	Run   func(ctx context.Context, s *Session) Result // the probe; it returns data and never prints
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
	needControl   = Need{After: StageControl, Met: func(s *Session) bool { return s.Account.Conn != nil }, Why: "no FTP control connection"}
	needLogin     = Need{After: StageLogin, Met: func(s *Session) bool { return s.Account.LoggedIn }, Why: "not logged in"}
	needTLS       = Need{After: StageTLS, Settled: true, Met: func(s *Session) bool { return !s.tls.isBlocked() }, Why: "TLS failed (see the tls stage)"}
)
