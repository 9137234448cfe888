package probes

import (
	"context"
	"net"
	"time"
)

// Check runs every stage of Registry against cfg's target: dns, control,
// tls, login, then passive and active side by side, and firewall once
// passive has named its ports. ctx carries the deadline of the whole run.
func Check(ctx context.Context, cfg Config, env Env) Outcome {
	o, _ := check(ctx, cfg, env)
	return o
}

// check is Check, returning as well the run's certificate trust, which
// further accounts share.
func check(ctx context.Context, cfg Config, env Env) (Outcome, *certTrust) {
	s := NewSession(cfg, env)
	s.parallel = true
	results := s.Run(ctx, Wanted(cfg))
	s.Close(ctx)
	s.judgeConnectionLimit(results)
	s.judgeLaterCertificates(results)
	return Outcome{
		Target:       cfg.Target,
		Mode:         s.Mode,
		TLSMode:      s.TLS,
		PassiveRange: cfg.PassiveRange,
		Server:       s.Server.Info(),
		TLS:          s.tls.report(results),
		Results:      results,
		Transcript:   s.Transcript(),
		Duration:     s.Now().Sub(s.Start),
		Interrupted:  anyInterrupted(results),
	}, s.trust
}

// Wanted returns the stages of Registry a check of cfg runs: every stage
// but the opt-in ones cfg does not ask for.
func Wanted(cfg Config) []Stage {
	return Select(func(st Stage) bool { return st.Asked == nil || st.Asked(cfg) })
}

// LogIn runs the login stage and the stages it needs (dns, control, tls)
// against one address, on one
// control connection, for a command that goes on from there (range learns
// the passive ports this way). The session holds the logged-in connection;
// the caller closes it with Session.Close.
func LogIn(ctx context.Context, cfg Config, env Env, addr net.IP) (*Session, []Result) {
	cfg.Target.Host = addr.String()
	s := NewSession(cfg, env)
	return s, s.Run(ctx, upTo(StageLogin))
}

// Resolve runs the dns stage alone, so that a command that needs only the
// addresses (range) resolves names exactly as check does. The addresses
// come IPv4 first; the result says why there are none.
func Resolve(ctx context.Context, cfg Config, env Env) ([]net.IP, Result) {
	s := NewSession(cfg, env)
	r := s.Run(ctx, upTo(StageDNS))[0]
	return s.Server.Addrs, r
}

// anyInterrupted reports whether the deadline ended any stage early.
func anyInterrupted(results []Result) bool {
	for _, r := range results {
		if r.Status == StatusInterrupted {
			return true
		}
	}
	return false
}

// deadlineReached reports whether ctx has ended or its deadline has come
// (a socket deadline set from it can fire just before its own timer).
func deadlineReached(ctx context.Context, now time.Time) bool {
	dl, ok := ctx.Deadline()
	return ctx.Err() != nil || (ok && !now.Before(dl))
}
