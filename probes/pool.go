package probes

import (
	"context"
	"net"
	"slices"
	"sync"
)

// MaxControlConnections is the most control connections a check holds open
// at once: the login's own and up to three more, so that every data
// attempt (EPSV, PASV, EPRT, PORT) runs on a connection of its own, side
// by side. A server that refuses the extra connections still gets a full
// check: the attempts then take turns on the login's connection.
const MaxControlConnections = 4

// pool holds the extra control connections. They connect and send USER
// while the login's own connection logs in, and send PASS only once that
// login succeeded, so that wrong credentials are tried once, not four
// times.
type pool struct {
	gate      chan struct{} // closed when the login's outcome is known
	done      chan struct{} // closed when the pool closes
	admitted  bool          // the login succeeded: extras may send PASS
	admitOnce sync.Once     // the first admit decides

	wg      sync.WaitGroup // one per extra being set up
	mu      sync.Mutex
	closed  bool          // close ran: an extra set up late is closed at once
	pending int           // extras still being set up
	ready   []*extra      // logged in, not yet taken
	taken   []*extra      // handed to an attempt
	refused []Exchange    // refusals of extras: the reply that turned one away
	changed chan struct{} // closed and replaced whenever ready or pending changes
}

// extra is one extra control connection and the exchanges that set it up.
type extra struct {
	conn  *Conn
	setup []Exchange
}

// dataAttempts counts the data attempts a check of this session makes.
func (s *Session) attemptCount(peer net.IP) int {
	perMode := 2
	if peer.To4() == nil {
		perMode = 1 // no PASV or PORT over IPv6
	}
	n := 0
	if s.Mode != ModeActive {
		n += perMode
	}
	if s.Mode != ModePassive {
		n += perMode
	}
	return n
}

// startPool opens the extra connections to the control connection's peer.
func (s *Session) startPool(ctx context.Context) {
	if !s.parallel {
		return
	}
	if s.TLS == TLSOff {
		s.tls.decide(false)
	}
	p := &pool{gate: make(chan struct{}), done: make(chan struct{}), changed: make(chan struct{})}
	s.pool = p
	n := min(s.attemptCount(s.Server.Peer.IP), MaxControlConnections) - 1
	p.pending = n
	p.wg.Add(n)
	for range n {
		go func() {
			defer p.wg.Done()
			p.add(ctx, s.openExtra(ctx, p))
		}()
	}
}

// openExtra connects, greets and sends USER, waits for the login's outcome
// and then sends PASS. It returns nil when the connection cannot be used.
func (s *Session) openExtra(ctx context.Context, p *pool) *extra {
	ctx, rec := recordingApart(ctx) // the stage that takes the connection files these exchanges
	c, _, err := s.dialControl(ctx, s.Server.Peer.String())
	if err != nil {
		return nil
	}
	if s.tls.implicit {
		if _, err := s.secure(ctx, c); err != nil {
			c.Close()
			return nil
		}
	}
	refuse := func(ex Exchange) *extra {
		if ClassOf(ex.Code) >= ReplyTransient {
			p.mu.Lock()
			p.refused = append(p.refused, ex)
			p.mu.Unlock()
		}
		c.Close()
		return nil
	}
	greeting, ex, err := c.Read(ctx, s.Timeout, "")
	if err == nil && greeting.Code == ReplyReadySoon {
		greeting, ex, err = c.Read(ctx, s.Timeout, "")
	}
	if err != nil || greeting.Code != ReplyReady {
		return refuse(ex)
	}
	if !s.extraTLS(ctx, c, p) {
		return refuse(Exchange{})
	}
	reply, ex, err := c.Cmd(ctx, s.Timeout, "USER %s", s.loginName())
	if err != nil || (reply.Code != ReplyNeedPassword && reply.Code != ReplyLoggedIn) {
		return refuse(ex)
	}
	admitted := false
	select {
	case <-p.gate:
		admitted = p.admitted // written before the gate closed
	case <-ctx.Done(): // the run's deadline: admit may be writing admitted now
	}
	if !admitted {
		c.Close()
		return nil
	}
	if reply.Code == ReplyNeedPassword {
		reply, ex, err = c.Cmd(ctx, s.passWait(), "PASS %s", s.loginPassword())
		if err != nil || (reply.Code != ReplyLoggedIn && reply.Code != ReplyLoggedInAuth) {
			return refuse(ex)
		}
	}
	s.protectData(ctx, c)
	return &extra{conn: c, setup: rec.exchanges()}
}

// extraTLS protects an extra connection as the tls stage protected the
// login's own. As soon as the server accepted AUTH TLS there, it sends
// AUTH TLS and starts its handshake; the handshake judges the certificate
// only once the tls stage decided, so that the login's connection stays
// the run's first and a bad certificate stops the extra before any
// command. It reports whether the connection can go on.
func (s *Session) extraTLS(ctx context.Context, c *Conn, p *pool) bool {
	select {
	case <-s.tls.decided:
	case <-s.tls.offered:
	case <-p.done:
		return false
	case <-ctx.Done():
		return false
	}
	if s.tls.isBlocked() {
		return false
	}
	if s.tls.implicit || !s.tls.offeredYet() {
		// Implicit TLS shook hands at connect; without a 234 the login's
		// connection stayed plain.
		return true
	}
	reply, _, err := c.Cmd(ctx, s.Timeout, "AUTH TLS")
	if err != nil || reply.Code != ReplyAuthOK {
		return false
	}
	_, err = s.secureUpTo(ctx, c, s.TLSMax, func() error { return s.tls.wait(ctx) })
	return err == nil && s.tls.protected()
}

// add files the outcome of one extra's set-up.
func (p *pool) add(ctx context.Context, e *extra) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.pending--
	if e != nil && p.closed {
		e.conn.quit(ctx)
	} else if e != nil {
		p.ready = append(p.ready, e)
	}
	close(p.changed)
	p.changed = make(chan struct{})
}

// admit opens the gate: ok says whether the login succeeded. Only the
// first call counts.
func (p *pool) admit(ok bool) {
	p.admitOnce.Do(func() {
		p.admitted = ok
		close(p.gate)
	})
}

// refusals returns the replies that turned extras away. Once close has
// run, every extra is accounted for.
func (p *pool) refusals() []Exchange {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.refused)
}

// takeExtra lends an extra control connection to one data attempt, or
// returns nil when the pool has none left.
func (s *Session) takeExtra(ctx context.Context) *extra {
	if s.pool == nil {
		return nil
	}
	return s.pool.take(ctx)
}

// take returns a ready extra connection, waiting while some are still
// being set up; nil when none is left.
func (p *pool) take(ctx context.Context) *extra {
	for {
		p.mu.Lock()
		if n := len(p.ready); n > 0 {
			e := p.ready[n-1]
			p.ready = p.ready[:n-1]
			p.taken = append(p.taken, e)
			p.mu.Unlock()
			return e
		}
		pending, changed := p.pending, p.changed
		p.mu.Unlock()
		if pending == 0 {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return nil
		}
	}
}

// retire ends an extra connection whose attempt is over, so that the
// check holds no more connections than it uses.
func (p *pool) retire(ctx context.Context, e *extra) {
	p.mu.Lock()
	p.taken = slices.DeleteFunc(p.taken, func(t *extra) bool { return t == e })
	p.mu.Unlock()
	e.conn.quit(ctx)
}

// close ends every extra connection, waiting for those still being set up.
func (p *pool) close(ctx context.Context) {
	p.admit(false)
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	close(p.done)
	p.wg.Wait()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, e := range append(p.ready, p.taken...) {
		e.conn.quit(ctx)
	}
	p.ready, p.taken = nil, nil
}
