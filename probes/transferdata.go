package probes

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
	"time"
)

// dataPath is how the transfer stage opens data connections: the mode and
// command of the first listing that arrived in the passive or active stage.
type dataPath struct {
	Mode        string // "passive" or "active"
	Command     string // EPSV, PASV, EPRT or PORT
	PeerAddress bool   // PASV whose advertised address did not answer: dial the control peer at the advertised port, as FileZilla and curl do
}

// provenPaths holds what the data stages proved, for the transfer stage:
// the data paths that carried a listing, and the first listing's text when
// the transfer stage has to pick a file from it.
type provenPaths struct {
	mu       sync.Mutex
	paths    map[string]dataPath // by mode
	largest  int64               // the largest listing that arrived whole, in bytes
	listing  []byte              // the first listing that arrived whole, when kept
	keepNext bool                // the transfer stage wants a listing kept
}

// note files the first attempt of a data stage's result that carried a
// listing.
func (p *provenPaths) note(mode string, r Result) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, a := range r.Evidence.Attempts {
		if a.Status != StatusPass && a.Status != StatusWarn {
			continue
		}
		p.largest = max(p.largest, a.Bytes)
		if _, seen := p.paths[mode]; seen || a.Command == "EPSV (TLS 1.2)" || a.Command == "PASV (plain text)" {
			continue
		}
		d := dataPath{Mode: mode, Command: a.Command}
		if len(a.Dials) > 0 && a.Dials[0].Outcome != PortOpen {
			d.PeerAddress = true
		}
		if p.paths == nil {
			p.paths = map[string]dataPath{}
		}
		p.paths[mode] = d
	}
}

// keep stores a listing's text when none is kept yet and one is wanted.
func (p *provenPaths) keep(text []byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.keepNext && p.listing == nil {
		p.listing = text
	}
}

// wantsListing reports whether a listing's text should be kept.
func (p *provenPaths) wantsListing() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.keepNext && p.listing == nil
}

// best returns the path for the transfer: passive when it worked (what
// clients use by default), else active; ok is false when neither did.
func (p *provenPaths) best() (dataPath, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if d, ok := p.paths["passive"]; ok {
		return d, true
	}
	d, ok := p.paths["active"]
	return d, ok
}

// pendingData is a data connection being set up for one transfer command:
// passive mode has connected already, active mode waits for the server.
type pendingData struct {
	conn net.Conn     // passive: connected before the command
	ln   net.Listener // active: where the server connects
}

// errNoDataConnection means the server never connected back in active mode.
var errNoDataConnection = errors.New("the server did not connect back")

// get returns the data connection, accepting the server's in active mode.
func (pd *pendingData) get(ctx context.Context, timeout time.Duration, now func() time.Time) (net.Conn, error) {
	if pd.conn != nil {
		return pd.conn, nil
	}
	if tl, ok := pd.ln.(*net.TCPListener); ok {
		tl.SetDeadline(deadline(ctx, now(), timeout))
	}
	c, err := pd.ln.Accept()
	pd.ln.Close()
	if err != nil {
		return nil, errNoDataConnection
	}
	return c, nil
}

// close releases whatever was not handed out.
func (pd *pendingData) close() {
	if pd.conn != nil {
		pd.conn.Close()
	}
	if pd.ln != nil {
		pd.ln.Close()
	}
}

// prepare sends the data command of path p on c and sets up the data
// connection: it dials in passive mode (with the TCP MSS clamped to mss
// when mss > 0) and listens in active mode. The exchange is the data
// command's; an error means no data connection can follow.
func (s *Session) prepare(ctx context.Context, c *Conn, p dataPath, mss int) (*pendingData, Exchange, error) {
	if p.Mode == "active" {
		return s.prepareActive(ctx, c, p)
	}
	reply, ex, err := c.Cmd(ctx, s.Timeout, "%s", p.Command)
	if err != nil {
		return nil, ex, err
	}
	peer := c.RemoteAddr().IP
	var ip net.IP
	var port int
	switch {
	case p.Command == "EPSV" && reply.Code == ReplyExtendedPassive:
		ip = peer
		port, err = ParseEPSV(reply.Text())
	case p.Command == "PASV" && reply.Code == ReplyPassive:
		ip, port, err = ParsePASV(reply.Text())
	default:
		return nil, ex, fmt.Errorf("%s refused: %d %s", p.Command, reply.Code, firstLine(reply))
	}
	if err != nil {
		return nil, ex, err
	}
	if p.PeerAddress {
		ip = peer
	}
	dc, err := s.dialMSS(ctx, net.JoinHostPort(ip.String(), strconv.Itoa(port)), mss)
	if err != nil {
		return nil, ex, err
	}
	return &pendingData{conn: dc}, ex, nil
}

// prepareActive listens as the active stage does and sends EPRT or PORT.
func (s *Session) prepareActive(ctx context.Context, c *Conn, p dataPath) (*pendingData, Exchange, error) {
	local := c.LocalAddr().IP
	ln, err := s.Listen("tcp", net.JoinHostPort(local.String(), "0"))
	if err != nil {
		ex := NewExchange(p.Command)
		ex.Error = describe(err)
		return nil, ex, err
	}
	send := local
	if s.ActiveAddress != nil {
		send = s.ActiveAddress
	}
	port := ln.Addr().(*net.TCPAddr).Port
	arg := FormatEPRT(send, port)
	if p.Command == "PORT" {
		if arg, err = FormatPORT(send, port); err != nil {
			ln.Close()
			ex := NewExchange(p.Command)
			ex.Error = err.Error()
			return nil, ex, err
		}
	}
	reply, ex, err := c.Cmd(ctx, s.Timeout, "%s %s", p.Command, arg)
	if err == nil && reply.Code != ReplyCommandOK {
		err = fmt.Errorf("%s refused: %d %s", p.Command, reply.Code, firstLine(reply))
	}
	if err != nil {
		ln.Close()
		return nil, ex, err
	}
	return &pendingData{ln: ln}, ex, nil
}

// dialMSS opens a passive data connection; with mss > 0 the connection
// announces that maximum segment size, so the server sends no larger
// segments (what MSS clamping on a tunnel does).
func (s *Session) dialMSS(ctx context.Context, addr string, mss int) (net.Conn, error) {
	d := s.Dialer
	if mss > 0 {
		nd, ok := d.(*net.Dialer)
		if !ok {
			return nil, errors.New("cannot clamp the MSS with this dialer")
		}
		clamped := *nd
		clamped.Control = clampMSS(mss)
		d = &clamped
	}
	c, pc := connect(ctx, d, addr, s.Timeout, s.Now)
	if c == nil {
		return nil, fmt.Errorf("data connection to %s: %s", addr, pc.Error)
	}
	return c, nil
}
