package probes

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestRunnerOwnsSkipsTimingAndConcurrency(t *testing.T) {
	var running, most atomic.Int32
	busy := func(id StageID, status Status) func(context.Context, *Session) Result {
		return func(context.Context, *Session) Result {
			n := running.Add(1)
			for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
			}
			time.Sleep(20 * time.Millisecond)
			running.Add(-1)
			return Result{Status: status, Code: Code(string(id) + ".ok")}
		}
	}
	never := func(*Session) bool { return false }
	stages := []Stage{
		{ID: "a", Run: busy("a", StatusPass)},
		{ID: "b", Needs: []Need{{After: "a"}}, Run: busy("b", StatusPass)},
		{ID: "c", Needs: []Need{{After: "a"}}, Run: busy("c", StatusPass)},
		{ID: "d", Needs: []Need{{After: "b"}, {Met: never, Why: "d's own reason"}}, Run: busy("d", StatusPass)},
		{ID: "e", Needs: []Need{{After: "d", Met: never, Why: "not this one"}}, Run: busy("e", StatusPass)},
	}
	s := NewSession(Config{}, Env{})
	got := s.Run(context.Background(), stages)
	want := []struct {
		id     StageID
		status Status
		why    string
	}{{"a", StatusPass, ""}, {"b", StatusPass, ""}, {"c", StatusPass, ""}, {"d", StatusSkip, "d's own reason"}, {"e", StatusSkip, "d's own reason"}}
	for i, w := range want {
		r := got[i]
		if r.Stage != w.id || r.Status != w.status || (w.why != "" && r.Summary != w.why) {
			t.Errorf("result %d: %s %s %q, want %s %s %q", i, r.Stage, r.Status, r.Summary, w.id, w.status, w.why)
		}
	}
	if most.Load() < 2 {
		t.Errorf("b and c need only a, but never ran at the same time")
	}
	if got[1].Started < got[0].Started+got[0].Duration {
		t.Errorf("b started at %s, before a ended at %s", got[1].Started, got[0].Started+got[0].Duration)
	}
	if got[0].Duration < 20*time.Millisecond || got[3].Duration != 0 {
		t.Errorf("durations: a %s, skipped d %s", got[0].Duration, got[3].Duration)
	}
}

func TestEveryRegistryStageNeedsOnlyEarlierStages(t *testing.T) {
	seen := map[StageID]bool{}
	for _, st := range Registry {
		for _, n := range st.Needs {
			if n.After != "" && !seen[n.After] {
				t.Errorf("%s needs %s, which is not before it in Registry", st.ID, n.After)
			}
		}
		seen[st.ID] = true
	}
}

func TestEveryStageCodeIsInTheCodeTable(t *testing.T) {
	for _, code := range Codes() {
		info, _ := code.Info()
		if code != CodeSkipped && !seenStage(info.Stage) {
			t.Errorf("%s names stage %q, which is not in Registry", code, info.Stage)
		}
		if info.Problem != (info.Family != "") {
			t.Errorf("%s: a problem code has a family and an ok code none (%+v)", code, info)
		}
	}
}

func seenStage(id StageID) bool {
	for _, st := range Registry {
		if st.ID == id {
			return true
		}
	}
	return false
}

func TestProgressSeesEachStageAsItEnds(t *testing.T) {
	var mu sync.Mutex
	var seen []StageID
	s := NewSession(Config{}, Env{Progress: func(r Result) {
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, r.Stage)
	}})
	stages := []Stage{
		{ID: "a", Run: func(context.Context, *Session) Result { return Result{Status: StatusPass} }},
		{ID: "b", Needs: []Need{{After: "a", Met: func(*Session) bool { return false }, Why: "no"}}, Run: nil},
		{ID: "c", Needs: []Need{{After: "a"}}, Run: func(context.Context, *Session) Result { return Result{Status: StatusFail} }},
	}
	s.Run(context.Background(), stages)
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 3 || seen[0] != "a" {
		t.Fatalf("progress saw %v, want a first, then b and c", seen)
	}
}
