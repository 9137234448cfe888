package probes

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// The MSS the download is tried again with after a stall: a segment fits
// a 1280-byte packet, the smallest MTU IPv6 allows and one that tunnels,
// VPNs and PPPoE links carry.
const (
	clampedMSS4 = 1280 - 40 // IPv4 and TCP headers
	clampedMSS6 = 1280 - 60 // IPv6 and TCP headers
)

// stalled diagnoses a download that stopped arriving: the control
// connection is stuck behind the server's blocked send, so a new one logs
// in and reads the file again with a data connection whose MSS is clamped
// to fit 1280-byte packets. When that arrives, full-size packets are lost
// on the way and nothing tells the server: a path-MTU black hole.
func (t *transferRun) stalled(ctx context.Context, tr *FileTransfer, x xferResult) {
	s := t.s
	t.markFailed(tr, TransferStalled)
	stalledAt := x.Bytes
	t.ev.StalledBytes, t.ev.MSS, t.ev.MTU = &stalledAt, x.MSS, x.MTU
	what := fmt.Sprintf("download of %s stalled: %d bytes arrived, then nothing for %s; the largest transfer that arrived whole was %d bytes",
		tr.Path, x.Bytes, human(s.Timeout), t.ev.LargestOKBytes)
	if x.MSS > 0 {
		what += fmt.Sprintf("; the data connection carried segments of up to %d bytes of data in packets of up to %d bytes (the path MTU this end knew)", x.MSS, x.MTU)
	}
	clamp := clampedMSS4
	if t.c.RemoteAddr().IP.To4() == nil {
		clamp = clampedMSS6
	}
	retry, ok := t.clampedRetry(ctx, tr.Path, clamp)
	switch {
	case !ok:
		t.fail(TransferStalled, "%s", what)
	case retry.Status == StatusPass:
		t.ev.ClampedMSS = clamp
		t.fail(TransferStalled, "%s; again with the MSS clamped to %d bytes (packets of %d bytes): %s: a path-MTU black hole", what, clamp, 1280, rate(retry))
	default:
		t.ev.ClampedMSS = clamp
		t.fail(TransferStalled, "%s; again with the MSS clamped to %d bytes it failed too (%s)", what, clamp, retry.Error)
	}
}

// clampedRetry reads path again on a new control connection, in passive
// mode with the MSS clamped to mss; ok is false when it could not be tried.
func (t *transferRun) clampedRetry(ctx context.Context, path string, mss int) (*FileTransfer, bool) {
	s := t.s
	if t.p.Mode != "passive" {
		return nil, false
	}
	c, err := s.freshLogin(ctx, t.c)
	if err != nil {
		return nil, false
	}
	defer c.quit(ctx)
	if r, err := c.Pipeline(ctx, s.Timeout, "TYPE I"); err != nil || ClassOf(r[0].Code) != ReplyCompletion {
		return nil, false
	}
	x := s.xfer(ctx, c, t.p, mss, "RETR "+path, s.receive(t.limit(), nil))
	if x.DataError != nil {
		return nil, false
	}
	tr := t.record(DirectionDownload, "I", path, x, -1)
	t.clamped = len(t.ev.Transfers) - 1
	if errors.Is(x.DataErr, errStalled) || !t.downloadDone(x, -1) {
		t.markFailed(tr, TransferStalled)
		if tr.Error == "" && x.ReplyErr != nil { // record filed the data connection's error; the reply, if any, is tr.Reply
			tr.Error = "no reply: " + describe(x.ReplyErr)
		}
	}
	return tr, true
}

// freshLogin opens a new control connection to the server and logs in as
// the login did on like: TLS when like used it, protected data
// connections when it had them.
func (s *Session) freshLogin(ctx context.Context, like *Conn) (*Conn, error) {
	if s.Server.Peer == nil {
		return nil, errNoConnection
	}
	c, _, err := s.dialControl(ctx, s.Server.Peer.String())
	if err != nil {
		return nil, err
	}
	fail := func(err error) (*Conn, error) {
		c.quit(ctx)
		return nil, err
	}
	if s.tls.implicit {
		if _, err := s.secure(ctx, c); err != nil {
			return fail(err)
		}
	}
	if g, _, err := c.Read(ctx, s.Timeout, ""); err != nil || g.Code != ReplyReady {
		return fail(errOr(err, errors.New("no greeting")))
	}
	protected := like.TLS() != nil
	if protected && !s.tls.implicit {
		if reply, _, err := c.Cmd(ctx, s.Timeout, "AUTH TLS"); err != nil || reply.Code != ReplyAuthOK {
			return fail(errOr(err, errors.New("AUTH TLS refused")))
		}
		if _, err := s.secure(ctx, c); err != nil {
			return fail(err)
		}
	}
	reply, _, err := c.Cmd(ctx, s.Timeout, "USER %s", s.loginName())
	if err == nil && reply.Code == ReplyNeedPassword {
		reply, _, err = c.Cmd(ctx, s.passWait(), "PASS %s", s.loginPassword())
	}
	if err != nil || (reply.Code != ReplyLoggedIn && reply.Code != ReplyLoggedInAuth) {
		return fail(errOr(err, errors.New("login refused")))
	}
	if protected {
		s.protectData(ctx, c)
	}
	return c, nil
}

// result turns the run into the stage's result: fail at the first problem
// that stops a transfer, warn when only a file was left behind.
func (t *transferRun) result() Result {
	r := Result{Stage: StageTransfer}
	largest := t.ev.LargestOKBytes
	for i, tr := range t.ev.Transfers {
		if tr.Status == StatusPass && !tr.Stopped && i != t.clamped {
			largest = max(largest, tr.Bytes)
		}
	}
	t.ev.LargestOKBytes = max(t.ev.LargestOKBytes, largest)
	r.Evidence.Transfer = t.ev
	summary := strings.Join(t.parts, "; ")
	for _, code := range t.codes {
		if code != TransferLeftBehind {
			return r.with(StatusFail, code, "%s", summary)
		}
	}
	if len(t.codes) > 0 {
		return r.with(StatusWarn, TransferLeftBehind, "%s", summary)
	}
	return r.with(StatusPass, TransferOK, "%s", summary)
}
