package web

import (
	"crypto/rand"
	"encoding/hex"
	"sync"
	"time"

	"github.com/ftpdoctor/ftpdoctor/probes"
	"github.com/ftpdoctor/ftpdoctor/report"
)

// State is where a job stands.
type State string

// The states of a job, in order.
const (
	StateRunning State = "running" // the check is under way
	StateDone    State = "done"    // the report is ready
)

// job is one check started from the form. It never holds the password:
// the check's goroutine has it, and the report it stores is redacted.
type job struct {
	ID      string    // random, unguessable: the report's address is its only key
	Target  string    // host:port as shown, without credentials
	Module  string    // the module used, or the demo scenario
	Created time.Time // when the form was posted

	mu     sync.Mutex
	stages []StageEvent  // the stages that ended so far, in the order they ended
	state  State         // running or done
	rep    report.Report // set once, when state becomes done
	doneCh chan struct{} // closed when the report is ready
}

// StageEvent is one stage that ended, as the running page shows it: the
// summary is cleaned of control characters and the password masked.
type StageEvent struct {
	ID         string  `json:"id"`          // dns, control, tls, ...
	Status     string  `json:"status"`      // pass, warn, fail or skip
	Code       string  `json:"code"`        // the stage's code
	Summary    string  `json:"summary"`     // one line
	StartedMS  float64 `json:"started_ms"`  // from the start of the check
	DurationMS float64 `json:"duration_ms"` // wall time of the stage
}

// stageEvent turns a stage's result into what the page shows of it.
func stageEvent(r probes.Result, secret probes.Secret) StageEvent {
	summary := secret.MaskIn(r.Summary)
	ms := func(d time.Duration) float64 {
		return float64(d.Round(100*time.Microsecond)) / float64(time.Millisecond)
	}
	return StageEvent{ID: string(r.Stage), Status: string(r.Status), Code: string(r.Code), Summary: report.Clean(summary),
		StartedMS: ms(r.Started), DurationMS: ms(r.Duration)}
}

// progress records a stage that ended.
func (j *job) progress(e StageEvent) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.stages = append(j.stages, e)
}

// stagesSince returns the stages that ended after the first n.
func (j *job) stagesSince(n int) []StageEvent {
	j.mu.Lock()
	defer j.mu.Unlock()
	if n >= len(j.stages) {
		return nil
	}
	return append([]StageEvent(nil), j.stages[n:]...)
}

// snapshot returns the job's state and, once done, its report.
func (j *job) snapshot() (State, report.Report) {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.state, j.rep
}

// finish stores the report and wakes every watcher.
func (j *job) finish(rep report.Report) {
	j.mu.Lock()
	j.state, j.rep = StateDone, rep
	j.mu.Unlock()
	close(j.doneCh)
}

// store keeps jobs in memory for a bounded time and count: the oldest
// finished job goes first when the store is full, and a job older than ttl
// is forgotten.
type store struct {
	mu    sync.Mutex
	jobs  map[string]*job
	order []string // ids, oldest first
	max   int
	ttl   time.Duration
	now   func() time.Time
}

func newStore(max int, ttl time.Duration, now func() time.Time) *store {
	return &store{jobs: map[string]*job{}, max: max, ttl: ttl, now: now}
}

// add makes a running job; false when the store is full of running jobs.
func (s *store) add(target, module string) (*job, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expire()
	if len(s.order) >= s.max && !s.evictOldestDone() {
		return nil, false
	}
	j := &job{ID: newID(), Target: target, Module: module, Created: s.now(), state: StateRunning, doneCh: make(chan struct{})}
	s.jobs[j.ID] = j
	s.order = append(s.order, j.ID)
	return j, true
}

// get finds a job that has not expired.
func (s *store) get(id string) (*job, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expire()
	j, ok := s.jobs[id]
	return j, ok
}

// len is the number of jobs kept.
func (s *store) len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.order)
}

// expire forgets finished jobs older than ttl. Callers hold mu.
func (s *store) expire() {
	cut := s.now().Add(-s.ttl)
	kept := s.order[:0]
	for _, id := range s.order {
		j := s.jobs[id]
		if st, _ := j.snapshot(); st == StateDone && j.Created.Before(cut) {
			delete(s.jobs, id)
			continue
		}
		kept = append(kept, id)
	}
	s.order = kept
}

// evictOldestDone forgets the oldest finished job. Callers hold mu.
func (s *store) evictOldestDone() bool {
	for i, id := range s.order {
		if st, _ := s.jobs[id].snapshot(); st == StateDone {
			delete(s.jobs, id)
			s.order = append(s.order[:i], s.order[i+1:]...)
			return true
		}
	}
	return false
}

// newID is 128 random bits in hex.
func newID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b)
}
