package probes

import (
	"context"
	"crypto/sha256"
	"errors"
	"hash"
	"io"
	"math/rand/v2"
	"net"
	"strings"
	"time"
)

// Pipeline sends lines in one write and reads one reply to each, in order:
// commands whose replies decide nothing that follows (TYPE, SIZE, MDTM,
// REST) cost one round trip together. A server reads the control
// connection as a stream and answers commands in the order they came.
func (c *Conn) Pipeline(ctx context.Context, timeout time.Duration, lines ...string) ([]Reply, error) {
	if c.broken != nil {
		return nil, c.broken
	}
	for _, l := range lines {
		if strings.ContainsAny(l, "\r\n") {
			return nil, errors.New("command contains a line break")
		}
	}
	c.nc.SetWriteDeadline(deadline(ctx, c.now(), timeout))
	if _, err := c.nc.Write([]byte(strings.Join(lines, "\r\n") + "\r\n")); err != nil {
		c.broken = err
		return nil, err
	}
	out := make([]Reply, 0, len(lines))
	for _, l := range lines {
		reply, _, err := c.Read(ctx, timeout, redact(l))
		if err != nil {
			return out, err
		}
		out = append(out, reply)
	}
	return out, nil
}

// errStalled means data stopped arriving (or leaving) for a whole timeout
// while the transfer was not over.
var errStalled = errors.New("no data moved for a whole timeout")

// xferResult is what one RETR or STOR did.
type xferResult struct {
	Data      Exchange      // the data command's exchange (EPSV, PASV, EPRT, PORT)
	Reply     Exchange      // the decisive reply: the refusal in place of 150, else the final one
	Code      int           // Reply's code; 0 when none came
	Opened    bool          // a preliminary 150/125 came: the data connection was in use
	Bytes     int64         // bytes moved
	Stopped   bool          // the client stopped reading at its limit, on purpose
	DataErr   error         // why the data connection ended badly; nil for a clean end
	ReplyErr  error         // why no decisive reply came
	Took      time.Duration // from sending the command to the last byte
	Asked     bool          // NOOP was sent when the final reply did not come within a timeout of the data's end
	Late      bool          // the final reply came after that NOOP
	MSS       int           // the MSS the data connection announced, in bytes, when known
	MTU       int           // the data connection's path MTU, in bytes, when known
	DataError error         // why no data connection could be set up
}

// mover moves a transfer's bytes over an open data connection: it returns
// the bytes moved and whether it stopped on purpose before the end.
type mover func(ctx context.Context, dc net.Conn) (int64, bool, error)

// xfer runs one transfer command over a new data connection of path p (its
// MSS clamped when mss > 0). After a stall it does not wait for the final
// reply: the server is still trying to send, and its reply would come late
// on the connection, so the connection is left broken.
func (s *Session) xfer(ctx context.Context, c *Conn, p dataPath, mss int, command string, move mover) xferResult {
	var x xferResult
	pd, dex, err := s.prepare(ctx, c, p, mss)
	x.Data = dex
	if err != nil {
		x.DataError = err
		return x
	}
	defer pd.close()
	sent := s.Now()
	first, ex, err := c.Cmd(ctx, s.Timeout, "%s", command)
	x.Reply, x.Code = ex, first.Code
	if err != nil {
		x.ReplyErr = err
		return x
	}
	if first.Code != ReplyOpening && first.Code != ReplyAlreadyOpen {
		return x
	}
	x.Opened = true
	dc, err := pd.get(ctx, s.Timeout, s.Now)
	if err != nil {
		x.DataErr = err
	} else {
		pd.conn = nil
		x.MSS, x.MTU = tcpPath(dc)
		if dc, err = c.openData(ctx, dc); err != nil {
			x.DataErr = err
		} else {
			x.Bytes, x.Stopped, x.DataErr = move(ctx, dc)
			dc.Close()
		}
	}
	x.Took = s.Now().Sub(sent)
	if errors.Is(x.DataErr, errStalled) {
		c.broken = errStalled
		return x
	}
	ended := s.Now()
	final, fex, err := c.Read(ctx, s.Timeout, "")
	if err != nil && Classify(err) == KindTimeout && x.DataErr == nil && !deadlineReached(ctx, s.Now()) {
		final, fex, err = s.lateFinal(ctx, c)
		fex.Elapsed = s.Now().Sub(ended)
		fex.ElapsedMS = ms(fex.Elapsed)
		x.Asked, x.Late = true, err == nil
	}
	fex.Command, fex.Verb = ex.Command, ex.Verb
	x.Reply, x.Code, x.ReplyErr = fex, final.Code, err
	return x
}

// lateFinal is asked when a transfer's data ended but its final reply did
// not come within the timeout: it sends NOOP and waits one timeout more. A
// server that answers late (it scans or syncs the file first) then sends
// the final reply and NOOP's; a control connection that a NAT or firewall
// forgot while the data moved carries neither, and the connection stays
// broken. It returns the final reply.
func (s *Session) lateFinal(ctx context.Context, c *Conn) (Reply, Exchange, error) {
	c.broken = nil
	if err := c.Send(ctx, s.Timeout, "NOOP"); err != nil {
		c.broken = err
		return Reply{}, Exchange{Error: describe(err)}, err
	}
	final, fex, err := c.Read(ctx, s.Timeout, "")
	if err == nil {
		c.Read(ctx, s.Timeout, "NOOP") // a failure leaves c broken
	}
	return final, fex, err
}

// transferBuffer is the size of each read and write of file data.
const transferBuffer = 64 << 10

// receive returns a mover that reads at most limit bytes, copying them to
// w (which may be nil), and stops there; a read that waits a whole timeout
// is a stall.
func (s *Session) receive(limit int64, w io.Writer) mover {
	return func(ctx context.Context, dc net.Conn) (int64, bool, error) {
		stop := context.AfterFunc(ctx, func() { dc.SetReadDeadline(time.Unix(1, 0)) })
		defer stop()
		buf := make([]byte, transferBuffer)
		var n int64
		for n < limit {
			dc.SetReadDeadline(deadline(ctx, s.Now(), s.Timeout))
			k, err := dc.Read(buf[:min(int64(len(buf)), limit-n)])
			if w != nil {
				w.Write(buf[:k])
			}
			n += int64(k)
			switch {
			case err == io.EOF:
				return n, false, nil
			case err != nil && Classify(err) == KindTimeout && ctx.Err() == nil:
				return n, false, errStalled
			case err != nil:
				return n, false, err
			}
		}
		return n, true, nil
	}
}

// send returns a mover that writes size bytes of src, copying them to w;
// a write that waits a whole timeout is a stall.
func (s *Session) send(size int64, src io.Reader, w io.Writer) mover {
	return func(ctx context.Context, dc net.Conn) (int64, bool, error) {
		stop := context.AfterFunc(ctx, func() { dc.SetWriteDeadline(time.Unix(1, 0)) })
		defer stop()
		buf := make([]byte, transferBuffer)
		var n int64
		for n < size {
			k, _ := io.ReadFull(src, buf[:min(int64(len(buf)), size-n)])
			w.Write(buf[:k])
			dc.SetWriteDeadline(deadline(ctx, s.Now(), s.Timeout))
			w, err := dc.Write(buf[:k])
			n += int64(w)
			if err != nil {
				if Classify(err) == KindTimeout && ctx.Err() == nil {
					return n, false, errStalled
				}
				return n, false, err
			}
		}
		return n, false, nil
	}
}

// testData returns a reader of random bytes, which no server or proxy
// compresses or mistakes for text.
func testData() io.Reader {
	var seed [32]byte
	for i := range seed {
		seed[i] = byte(rand.Uint32())
	}
	return rand.NewChaCha8(seed)
}

// sum returns a new SHA-256 hash.
func sum() hash.Hash { return sha256.New() }
