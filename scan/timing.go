package scan

import (
	"sync"
	"time"
)

// estimator keeps a smoothed round-trip time from the answers seen so far
// and derives the per-try timeout from it, as TCP does for retransmissions
// (RFC 6298 section 2) and nmap does for its probes: srtt + 4*rttvar,
// clamped to [min, max]. Before the first answer the timeout is max, which
// is nmap's --initial-rtt-timeout role.
type estimator struct {
	mu     sync.Mutex
	min    time.Duration // floor of the timeout
	max    time.Duration // ceiling, and the timeout before any sample
	srtt   time.Duration // smoothed RTT
	rttvar time.Duration // RTT variation
	have   bool          // at least one sample seen
}

func newEstimator(min, max time.Duration) *estimator {
	return &estimator{min: min, max: max}
}

// sample adds one measured RTT (RFC 6298 section 2.2 and 2.3).
func (e *estimator) sample(rtt time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.have {
		e.srtt, e.rttvar, e.have = rtt, rtt/2, true
		return
	}
	diff := e.srtt - rtt
	if diff < 0 {
		diff = -diff
	}
	e.rttvar = (3*e.rttvar + diff) / 4
	e.srtt = (7*e.srtt + rtt) / 8
}

// timeout is how long a try waits for an answer now.
func (e *estimator) timeout() time.Duration {
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.have {
		return e.max
	}
	return min(max(e.srtt+4*e.rttvar, e.min), e.max)
}

// uncalibratedPoll is how often a try re-reads the timeout while no answer
// has come back yet, so that the first tries shrink to the RTT-based
// timeout as soon as one is known instead of waiting the initial one.
const uncalibratedPoll = 20 * time.Millisecond

// wait is how much longer a try that has waited elapsed should wait before
// it checks again; 0 or less means give up now.
func (e *estimator) wait(elapsed time.Duration) time.Duration {
	left := e.timeout() - elapsed
	e.mu.Lock()
	have := e.have
	e.mu.Unlock()
	if !have && left > 0 {
		return min(left, uncalibratedPoll)
	}
	return left
}
