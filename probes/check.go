package probes

import (
	"context"
	"net"
	"slices"
	"time"
)

// record returns the recorder that files each exchange under r and in the
// session's whole transcript.
func (s *Session) record(r *Result) func(Exchange) {
	return func(ex Exchange) {
		r.Evidence.Replies = append(r.Evidence.Replies, ex)
		s.Transcript = append(s.Transcript, ex)
	}
}

// stageFunc is the shape every stage shares.
type stageFunc func(context.Context, *Session) Result

// timed runs one stage and stamps its start offset and duration.
func (s *Session) timed(ctx context.Context, f stageFunc) Result {
	start := s.Now()
	r := f(ctx, s)
	r.Started = start.Sub(s.Start)
	r.Duration = s.Now().Sub(start)
	return r
}

// Check runs the stages in order: dns, control, login, passive, active and
// firewall. A stage whose prerequisite failed is recorded as skipped. The
// firewall stage runs beside the active stage, as neither depends on the
// other. ctx carries the deadline of the whole run.
func Check(ctx context.Context, cfg Config, env Env) Outcome {
	s := &Session{Config: cfg, Env: env, Start: env.Now()}
	if s.Timeout <= 0 {
		s.Timeout = 5 * time.Second
	}
	if s.Mode == "" {
		s.Mode = ModeBoth
	}
	results := s.run(ctx)
	s.Transcript = append(s.Transcript, s.extraTranscript...)
	if s.Control != nil {
		s.Control.record = func(Exchange) {}
		s.Control.Send(ctx, time.Second, "QUIT")
		s.Control.Close()
	}
	return Outcome{
		Target:       cfg.Target,
		Mode:         s.Mode,
		PassiveRange: cfg.PassiveRange,
		Server:       s.Server,
		Results:      results,
		Transcript:   s.Transcript,
		Duration:     s.Now().Sub(s.Start),
		Interrupted:  deadlineReached(ctx, s.Now()),
	}
}

// deadlineReached reports whether ctx has ended or its deadline has come
// (a socket deadline set from it can fire just before its own timer).
func deadlineReached(ctx context.Context, now time.Time) bool {
	dl, ok := ctx.Deadline()
	return ctx.Err() != nil || (ok && !now.Before(dl))
}

func (s *Session) run(ctx context.Context) []Result {
	var out []Result
	skipRest := func(from int, why string) []Result {
		for _, id := range stageOrder[from:] {
			out = append(out, Skipped(id, why))
		}
		return out
	}
	out = append(out, s.timed(ctx, DNS))
	if len(s.Addrs) == 0 {
		return skipRest(1, "the name did not resolve")
	}
	out = append(out, s.timed(ctx, Control))
	if s.Control == nil {
		return skipRest(2, "no FTP control connection")
	}
	out = append(out, s.timed(ctx, Login))
	if !s.LoggedIn {
		return skipRest(3, "not logged in")
	}
	if s.Mode == ModeActive {
		out = append(out, Skipped(StagePassive, "--mode active"))
		out = append(out, s.timed(ctx, Active))
		return append(out, s.timed(ctx, Firewall))
	}
	// Active mode runs beside passive mode on a second control connection,
	// so that a full check costs little more than one mode's round trips.
	active := make(chan Result, 1)
	if s.Mode == ModeBoth {
		go func() { active <- s.activeOnSecondConnection(ctx) }()
	}
	out = append(out, s.timed(ctx, Passive))
	fw := make(chan Result, 1)
	go func() { fw <- s.timed(ctx, Firewall) }()
	if s.Mode == ModePassive {
		out = append(out, Skipped(StageActive, "--mode passive"))
	} else if r := <-active; r.Stage != "" {
		out = append(out, r)
	} else {
		out = append(out, s.timed(ctx, Active))
	}
	return append(out, <-fw)
}

// activeOnSecondConnection opens and logs in a second control connection
// and runs the active stage on it. It returns a zero Result when the second
// login fails (a server may limit connections per client), and the active
// stage then runs on the first connection.
func (s *Session) activeOnSecondConnection(ctx context.Context) Result {
	sub := &Session{Config: s.Config, Env: s.Env, Start: s.Start, extra: true,
		Addrs: []net.IP{s.Control.RemoteAddr().IP}}
	start := s.Now()
	Control(ctx, sub)
	if sub.Control == nil {
		return Result{}
	}
	defer sub.Control.Close()
	if Login(ctx, sub); !sub.LoggedIn {
		return Result{}
	}
	setup := slices.Clip(sub.Transcript)
	r := Active(ctx, sub)
	r.Evidence.Replies = append(setup, r.Evidence.Replies...)
	r.Started = start.Sub(s.Start)
	r.Duration = s.Now().Sub(start)
	s.extraTranscript = sub.Transcript
	return r
}

var stageOrder = []StageID{StageDNS, StageControl, StageLogin, StagePassive, StageActive, StageFirewall}
