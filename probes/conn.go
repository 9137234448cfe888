package probes

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"
)

// Conn is a control connection. Every command and reply is recorded, with
// the password redacted: in the session's transcript through the record
// callback, and with the recorders of the context it was sent under.
type Conn struct {
	nc     net.Conn
	r      *bufio.Reader
	now    func() time.Time
	record func(Exchange)
	secret string // masked in every reply, should a server echo the password
	broken error  // why the connection can no longer be trusted: a reply may still be owed, or it closed

	// DataLayer, when set, wraps every data connection opened for this
	// control connection (a TLS layer protects them this way); nil means
	// plain TCP.
	DataLayer func(ctx context.Context, dc net.Conn) (net.Conn, error)

	tlsState *tls.ConnectionState // the control connection's TLS handshake; nil while plain
}

// TLS returns the control connection's TLS handshake, or nil while it is
// plain.
func (c *Conn) TLS() *tls.ConnectionState { return c.tlsState }

// Broken returns why the connection is no longer usable, or nil. After a
// failed read the server may still owe a reply, which would be taken as
// the reply to the next command, so no command is sent after one.
func (c *Conn) Broken() error { return c.broken }

// NewConn wraps an established control connection.
func NewConn(nc net.Conn, now func() time.Time, record func(Exchange)) *Conn {
	if record == nil {
		record = func(Exchange) {}
	}
	return &Conn{nc: nc, r: bufio.NewReaderSize(nc, 4096), now: now, record: record}
}

// Upgrade replaces the transport under the connection in place, as AUTH
// TLS does (RFC 4217 section 4): wrap gets the current transport and
// returns the new one. Bytes the server sent ahead of the upgrade would be
// read as if protected, so they make Upgrade fail.
func (c *Conn) Upgrade(wrap func(net.Conn) (net.Conn, error)) error {
	if c.r.Buffered() > 0 {
		c.broken = errors.New("the server sent data before the upgrade")
		return c.broken
	}
	nc, err := wrap(c.nc)
	if err != nil {
		c.broken = err
		return err
	}
	c.nc, c.r = nc, bufio.NewReaderSize(nc, 4096)
	return nil
}

// openData passes a new data connection through the DataLayer, if any.
func (c *Conn) openData(ctx context.Context, dc net.Conn) (net.Conn, error) {
	if c.DataLayer == nil {
		return dc, nil
	}
	wrapped, err := c.DataLayer(ctx, dc)
	if err != nil {
		dc.Close()
		return nil, err
	}
	return wrapped, nil
}

// quit sends QUIT without waiting for the reply, unrecorded, and closes.
func (c *Conn) quit(ctx context.Context) {
	if c.broken == nil {
		c.Send(ctx, time.Second, "QUIT")
	}
	c.Close()
}

// Close closes the connection.
func (c *Conn) Close() error { return c.nc.Close() }

// LocalAddr is the local end of the control connection.
func (c *Conn) LocalAddr() *net.TCPAddr { return tcpAddr(c.nc.LocalAddr()) }

// RemoteAddr is the server end of the control connection.
func (c *Conn) RemoteAddr() *net.TCPAddr { return tcpAddr(c.nc.RemoteAddr()) }

func tcpAddr(a net.Addr) *net.TCPAddr {
	if t, ok := a.(*net.TCPAddr); ok {
		return t
	}
	return &net.TCPAddr{}
}

// NewExchange starts the record of a command line: the line with the
// password redacted, and its verb, the command word readers compare
// instead of splitting the line again.
func NewExchange(line string) Exchange {
	verb, _, _ := strings.Cut(strings.TrimLeft(line, " "), " ")
	return Exchange{Command: redact(line), Verb: strings.ToUpper(verb)}
}

// redact hides the argument of PASS (RFC 959 section 4.1.1).
func redact(line string) string {
	if len(line) >= 4 && strings.EqualFold(line[:4], "PASS") {
		return "PASS ****"
	}
	return line
}

// Read reads one reply within timeout, or until ctx ends, and records it
// as the reply to command (empty for the greeting).
func (c *Conn) Read(ctx context.Context, timeout time.Duration, command string) (Reply, Exchange, error) {
	start := c.now()
	stop := context.AfterFunc(ctx, func() { c.nc.SetReadDeadline(time.Unix(1, 0)) })
	defer stop()
	c.nc.SetReadDeadline(deadline(ctx, start, timeout))
	reply, err := ReadReply(c.r)
	if c.secret != "" {
		for i, l := range reply.Lines {
			reply.Lines[i] = maskSecret(l, c.secret)
		}
		var nf *NotFTPError
		if errors.As(err, &nf) {
			nf.Line = maskSecret(nf.Line, c.secret)
		}
	}
	if err != nil && ctx.Err() != nil && reply.Code == 0 {
		err = ctx.Err()
	}
	if err != nil {
		c.broken = err
	}
	ex := exchange(command, reply, err, c.now().Sub(start))
	ex.Conn = c.name()
	c.record(ex)
	record(ctx, ex)
	return reply, ex, err
}

// name identifies the connection in exchanges: local -> remote.
func (c *Conn) name() string {
	return c.nc.LocalAddr().String() + " -> " + c.nc.RemoteAddr().String()
}

// Cmd sends one command line and reads its reply. The password in a PASS
// command is sent but never recorded.
func (c *Conn) Cmd(ctx context.Context, timeout time.Duration, format string, args ...any) (Reply, Exchange, error) {
	line := fmt.Sprintf(format, args...)
	if strings.ContainsAny(line, "\r\n") {
		return Reply{}, NewExchange(line), errors.New("command contains a line break")
	}
	if c.broken != nil {
		ex := NewExchange(line)
		ex.Error, ex.Conn = "not sent: "+describe(c.broken)+" earlier on this connection", c.name()
		return Reply{}, ex, c.broken
	}
	start := c.now()
	c.nc.SetWriteDeadline(deadline(ctx, start, timeout))
	if _, err := c.nc.Write([]byte(line + "\r\n")); err != nil {
		c.broken = err
		ex := exchange(redact(line), Reply{}, err, c.now().Sub(start))
		ex.Conn = c.name()
		c.record(ex)
		record(ctx, ex)
		return Reply{}, ex, err
	}
	return c.Read(ctx, timeout, redact(line))
}

// Send writes a command without waiting for its reply.
func (c *Conn) Send(ctx context.Context, timeout time.Duration, line string) error {
	c.nc.SetWriteDeadline(deadline(ctx, c.now(), timeout))
	_, err := c.nc.Write([]byte(line + "\r\n"))
	return err
}

func deadline(ctx context.Context, start time.Time, timeout time.Duration) time.Time {
	d := start.Add(timeout)
	if cd, ok := ctx.Deadline(); ok && cd.Before(d) {
		return cd
	}
	return d
}

func exchange(command string, reply Reply, err error, elapsed time.Duration) Exchange {
	ex := NewExchange(command)
	ex.Code, ex.Text, ex.Elapsed, ex.ElapsedMS = reply.Code, reply.Text(), elapsed, ms(elapsed)
	if err != nil {
		ex.Error = describe(err)
	}
	return ex
}

// human writes a duration the way the report does: "12.3 ms" below a
// second, "1.5 s" from a second on.
func human(d time.Duration) string {
	if d < time.Second {
		return fmt.Sprintf("%.1f ms", ms(d))
	}
	return fmt.Sprintf("%.1f s", d.Seconds())
}

// ms converts a duration to fractional milliseconds, rounded to 0.1 ms.
func ms(d time.Duration) float64 {
	return float64(d.Round(100*time.Microsecond)) / float64(time.Millisecond)
}
