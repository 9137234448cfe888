package probes

import (
	"context"
	"io"
	"net"
	"regexp"
	"time"
)

// MaxListingBytes bounds how much of a listing is read; a server that sends
// more is cut off (the listing only proves the data path works).
const MaxListingBytes = 4 << 20

// Reply codes around a transfer (RFC 959 section 4.2).
const (
	codeAlreadyOpen  = 125
	codeOpening      = 150
	codeTransferDone = 226
	codeClosingData  = 250
	codeCantOpenData = 425
	codeTransferLost = 426
)

// dataTLS matches replies that demand an encrypted data channel
// (RFC 4217 section 9: 521/522/534 and vendor texts).
var dataTLS = regexp.MustCompile(`(?i)\b(tls|ssl|encrypt|prot p|protection level)`)

// listCommand is the listing command for the configured path.
func (s *Session) listCommand() string {
	if s.Target.Path == "" {
		return "LIST"
	}
	return "LIST " + s.Target.Path
}

// readListing reads the data connection to its end within the deadline and
// returns the number of bytes received.
func readListing(ctx context.Context, dc net.Conn, timeout time.Duration, now func() time.Time) (int64, error) {
	defer dc.Close()
	stop := context.AfterFunc(ctx, func() { dc.SetReadDeadline(time.Unix(1, 0)) })
	defer stop()
	dc.SetReadDeadline(deadline(ctx, now(), timeout))
	n, err := io.Copy(io.Discard, io.LimitReader(dc, MaxListingBytes))
	if err == nil && n == MaxListingBytes {
		return n, errListingTooLong
	}
	return n, err
}

// listingError is an error of the data connection itself.
type listingError string

// Error implements error.
func (e listingError) Error() string { return string(e) }

const errListingTooLong = listingError("listing larger than 4 MiB: cut off")

// modeCodes names the codes for a failed transfer in one data mode.
type modeCodes struct {
	transferFailed string // 425/426 or a broken data connection
	listTimeout    string // no reply to LIST in time
	tlsRequired    string // the server wants encrypted data connections
	listDenied     string // any other 5xx: the path cannot be listed
}

var (
	passiveCodes = modeCodes{PassiveTransferFailed, PassiveListTimeout, PassiveTLSRequired, PassiveListDenied}
	activeCodes  = modeCodes{ActiveTransferFailed, ActiveListTimeout, ActiveTLSRequired, ActiveListDenied}
)

// classifyListReply maps a negative reply to LIST to a code.
func (m modeCodes) classifyListReply(reply Reply) string {
	switch {
	case dataTLS.MatchString(reply.Text()) && reply.Code/100 == 5:
		return m.tlsRequired
	case reply.Code == codeCantOpenData || reply.Code == codeTransferLost:
		return m.transferFailed
	case reply.Code/100 == 5:
		return m.listDenied
	}
	return m.transferFailed
}

// finish completes an attempt: it sets its status and code and records
// its elapsed time.
func (a *Attempt) finish(start time.Time, now func() time.Time, status Status, code string) {
	a.Status, a.Code = status, code
	a.Elapsed = now().Sub(start)
	a.ElapsedMS = ms(a.Elapsed)
}
