package probes

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"syscall"
)

// NetKind classifies a network error once, where it is born.
type NetKind string

// The kinds of network failure the stages tell apart.
const (
	KindNone        NetKind = ""
	KindRefused     NetKind = "refused"         // RST: the host is up, nothing listens (or a reject rule)
	KindTimeout     NetKind = "timeout"         // no answer before the deadline: dropped or host down
	KindUnreachable NetKind = "unreachable"     // no route, host or network unreachable
	KindLocal       NetKind = "blocked_locally" // the local system refused to send (EPERM, EACCES)
	KindClosed      NetKind = "closed"          // the peer closed or reset an established connection
	KindCanceled    NetKind = "canceled"        // the run's own deadline ended the step
	KindOther       NetKind = "error"           // anything else
)

// Classify maps an error from net or a read to a NetKind.
func Classify(err error) NetKind {
	switch {
	case err == nil:
		return KindNone
	case errors.Is(err, syscall.ECONNREFUSED):
		return KindRefused
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH),
		errors.Is(err, syscall.EHOSTDOWN), errors.Is(err, syscall.ENETDOWN), errors.Is(err, syscall.EADDRNOTAVAIL):
		return KindUnreachable
	case errors.Is(err, syscall.EPERM), errors.Is(err, syscall.EACCES):
		return KindLocal
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.EPIPE), errors.Is(err, net.ErrClosed):
		return KindClosed
	case errors.Is(err, context.Canceled):
		return KindCanceled
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded):
		return KindTimeout
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return KindTimeout
	}
	return KindOther
}

// describe turns an error into a short text for evidence: the kind's words
// for the common kinds, the error itself otherwise.
func describe(err error) string {
	switch Classify(err) {
	case KindRefused:
		return "connection refused"
	case KindTimeout:
		return "timed out"
	case KindUnreachable:
		return "no route to host"
	case KindLocal:
		return "blocked by the local system (operation not permitted)"
	case KindClosed:
		return "connection closed by the server"
	case KindCanceled:
		return "canceled: the run's deadline ended"
	}
	var nf *NotFTPError
	if errors.As(err, &nf) {
		return nf.Error()
	}
	if errors.Is(err, ErrReplyTooLong) {
		return "reply too long"
	}
	return err.Error()
}
