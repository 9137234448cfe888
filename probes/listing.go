package probes

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/ftpdoctor/ftpdoctor/internal/lazy"
)

// MaxListingBytes bounds how much of a listing is read; a server that sends
// more is cut off (the listing only proves the data path works).
const MaxListingBytes = 4 << 20

// dataTLS matches replies that demand an encrypted data channel
// (RFC 4217 section 9: 521/522/534 and vendor texts).
var dataTLS = lazy.Regexp(`(?i)\b(tls|ssl|encrypt|prot p|protection level)`)

// dataAttempts runs one attempt per command and returns them in the
// order of cmds; the stage records their exchanges in that order too. An
// attempt runs on an extra control connection from the pool when one
// logs in, beside the others; the rest take turns, in order, on the
// login's own connection. With firstOnPrimary the first command starts
// there at once, leaving the extras to the other commands. Where each
// command runs is fixed by these rules, not by timing: a connection that
// asked AUTH TLS can look different to the network in between (a firewall's
// FTP helper may stop reading it), so the same check must put the same
// command on the same kind of connection every time.
func (s *Session) dataAttempts(ctx context.Context, cmds []string, firstOnPrimary bool, run func(ctx context.Context, c *Conn, cmd string) Attempt) []Attempt {
	out := make([]Attempt, len(cmds))
	recs := make([]*recorder, len(cmds))
	attempt := func(i int, c *Conn, setup []Exchange) {
		actx, rec := recordingApart(ctx)
		recs[i] = rec
		record(actx, setup...)
		out[i] = run(actx, c, cmds[i])
	}
	// placed[i] says whether attempt i got an extra connection; the
	// others run on the login's own connection, in cmds order.
	placed := make([]chan bool, len(cmds))
	var wg sync.WaitGroup
	for i := range cmds {
		placed[i] = make(chan bool, 1)
		if i == 0 && firstOnPrimary {
			placed[i] <- false
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			e := s.takeExtra(ctx)
			placed[i] <- e != nil
			if e == nil {
				return
			}
			defer s.pool.retire(ctx, e)
			attempt(i, e.conn, e.setup)
		}()
	}
	for i := range cmds {
		if <-placed[i] {
			continue
		}
		c, release := s.ControlConn(ctx)
		if c == nil {
			out[i] = Attempt{Command: cmds[i], Status: StatusSkip, Code: CodeSkipped, Reply: Exchange{Error: "not sent: the run ended before the control connection was free"}}
			continue
		}
		attempt(i, c, nil)
		release()
	}
	wg.Wait()
	for _, rec := range recs {
		if rec != nil { // nil: the attempt never got a connection
			record(ctx, rec.exchanges()...)
		}
	}
	return out
}

// listCommand is the listing command for the configured path.
func (s *Session) listCommand() string {
	if s.Target.Path == "" {
		return "LIST"
	}
	return "LIST " + s.Target.Path
}

// readListing reads the data connection to its end within the deadline and
// returns the number of bytes received; keep, when not nil, gets a copy of
// the listing's text (the transfer stage picks its file from it).
func readListing(ctx context.Context, dc net.Conn, timeout time.Duration, now func() time.Time, keep *bytes.Buffer) (int64, error) {
	defer dc.Close()
	stop := context.AfterFunc(ctx, func() { dc.SetReadDeadline(time.Unix(1, 0)) })
	defer stop()
	dc.SetReadDeadline(deadline(ctx, now(), timeout))
	var sink io.Writer = io.Discard
	if keep != nil {
		sink = keep
	}
	n, err := io.Copy(sink, io.LimitReader(dc, MaxListingBytes))
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
	transferFailed Code // 425/426 or a broken data connection
	listTimeout    Code // no reply to LIST in time
	controlClosed  Code // the control connection closed instead of replying
	tlsRequired    Code // the server wants encrypted data connections
	listDenied     Code // any other 5xx: the path cannot be listed
	tlsReuse       Code // the server wants the data connection to resume the control connection's TLS session
	tlsFailed      Code // the data connection's TLS handshake failed
}

var (
	passiveCodes = modeCodes{PassiveTransferFailed, PassiveListTimeout, PassiveControlClosed, PassiveTLSRequired, PassiveListDenied, PassiveTLSReuse, PassiveTLSFailed}
	activeCodes  = modeCodes{ActiveTransferFailed, ActiveListTimeout, ActiveControlClosed, ActiveTLSRequired, ActiveListDenied, ActiveTLSReuse, ActiveTLSFailed}
)

// noReply names a reply on the control connection that did not come: the
// connection closed (the server's session ended, or a firewall between
// reset it), or the wait timed out.
func (m modeCodes) noReply(err error) Code {
	if Classify(err) == KindClosed {
		return m.controlClosed
	}
	return m.listTimeout
}

// classifyListReply maps a negative reply to LIST to a code.
func (m modeCodes) classifyListReply(reply Reply) Code {
	switch {
	case dataTLS().MatchString(reply.Text()) && ClassOf(reply.Code) == ReplyPermanent:
		return m.tlsRequired
	case reply.Code == ReplyCantOpenData || reply.Code == ReplyTransferAborted:
		return m.transferFailed
	case ClassOf(reply.Code) == ReplyPermanent:
		return m.listDenied
	}
	return m.transferFailed
}

// finish completes an attempt: it sets its status and code and records
// its elapsed time.
func (a *Attempt) finish(start time.Time, now func() time.Time, status Status, code Code) {
	a.Status, a.Code = status, code
	a.Elapsed = now().Sub(start)
	a.ElapsedMS = ms(a.Elapsed)
}

// list sends the listing command over an open data connection and reads
// the listing and the final reply.
func (s *Session) list(ctx context.Context, c *Conn, a *Attempt, dc net.Conn, m modeCodes) (Status, Code) {
	sent := s.Now()
	first, ex, err := c.Cmd(ctx, s.Timeout, "%s", s.listCommand())
	a.List = &ex
	if err != nil {
		dc.Close()
		return StatusFail, m.noReply(err)
	}
	if first.Code != ReplyOpening && first.Code != ReplyAlreadyOpen {
		dc.Close()
		return StatusFail, m.classifyListReply(first)
	}
	return s.finishListing(ctx, c, a, dc, m, sent)
}

// finishListing reads the data and the final reply of a transfer whose
// listing command was sent at sent.
func (s *Session) finishListing(ctx context.Context, c *Conn, a *Attempt, dc net.Conn, m modeCodes, sent time.Time) (Status, Code) {
	n, derr := int64(0), error(nil)
	dc, herr := c.openData(ctx, dc)
	if herr == nil {
		if tc, ok := dc.(*tls.Conn); ok {
			resumed := tc.ConnectionState().DidResume
			a.Protected, a.Resumed = true, &resumed
		}
		var keep *bytes.Buffer
		if s.proven.wantsListing() {
			keep = &bytes.Buffer{}
		}
		n, derr = readListing(ctx, dc, s.Timeout, s.Now, keep)
		if keep != nil && derr == nil {
			s.proven.keep(keep.Bytes())
		}
	}
	a.Bytes = n
	opening := *a.List
	a.Opening = &opening
	final, fex, err := c.Read(ctx, s.Timeout, "")
	fex.Command, fex.Verb = opening.Command, opening.Verb
	fex.Elapsed = s.Now().Sub(sent)
	fex.ElapsedMS = ms(fex.Elapsed)
	a.List = &fex
	if herr != nil {
		a.Error = "data connection TLS handshake: " + tlsError(herr)
	}
	var changed *CertChangedError
	switch {
	case errors.As(herr, &changed):
		return StatusFail, TLSCertChanged
	case err != nil && herr != nil:
		return StatusFail, m.tlsFailed
	case err != nil:
		return StatusFail, m.noReply(err)
	case final.Code != ReplyTransferDone && final.Code != ReplyFileActionOK:
		if resumeRefused(final.Text()) || (a.Resumed != nil && !*a.Resumed && final.Code == ReplyCantOpenData) {
			return StatusFail, m.tlsReuse
		}
		if herr != nil {
			return StatusFail, m.tlsFailed
		}
		return StatusFail, m.classifyListReply(final)
	case herr != nil:
		return StatusFail, m.tlsFailed
	case derr != nil && Classify(derr) != KindClosed:
		a.Error = describe(derr)
		return StatusFail, m.transferFailed
	}
	return StatusPass, ""
}

// summarize turns a data stage's attempts into its status and code: pass
// when every attempt passed (a refused EPSV or EPRT alone is fine: clients
// fall back to PASV and PORT), warn when at least one transfer worked but
// something is wrong, fail when none worked.
func summarize(r Result, mode string) Result {
	var worked []string
	var warnCode, failCode Code
	tried := 0
	for _, a := range r.Evidence.Attempts {
		if a.Status != StatusSkip {
			tried++
		}
	}
	for _, a := range r.Evidence.Attempts {
		switch a.Status {
		case StatusPass, StatusWarn:
			worked = append(worked, fmt.Sprintf("%s (%d bytes, %s)", a.Command, a.Bytes, human(a.Elapsed)))
		}
		if a.Status == StatusPass || a.Status == StatusSkip {
			continue
		}
		// A refused EPSV or EPRT is no problem while PASV or PORT is tried
		// too; alone (over IPv6) it is the mode's failure.
		info, _ := a.Code.Info()
		optional := info.Optional && tried > 1
		switch {
		case a.Status == StatusWarn && warnCode == "":
			warnCode = a.Code
		case a.Status == StatusFail && !optional && failCode == "":
			failCode = a.Code
		}
	}
	problemText := attemptProblems(r.Evidence.Attempts)
	if tried == 0 {
		why := "no command was sent"
		if len(r.Evidence.Attempts) > 0 {
			why = r.Evidence.Attempts[0].Reply.Error
		}
		return r.with(StatusSkip, CodeSkipped, "%s mode not tried: %s", mode, why)
	}
	over := strings.Join(worked, ", ")
	if failCode == "" && len(worked) == 0 && len(r.Evidence.Attempts) > 0 {
		failCode = r.Evidence.Attempts[0].Code
	}
	switch {
	case len(worked) == 0:
		return r.with(StatusFail, failCode, "no %s listing arrived: %s", mode, problemText)
	case warnCode != "":
		return r.with(StatusWarn, warnCode, "%s listing arrived over %s; %s", mode, over, problemText)
	case failCode != "":
		return r.with(StatusWarn, failCode, "%s listing arrived over %s; %s", mode, over, problemText)
	case problemText != "":
		return r.with(StatusPass, Code(mode+".ok"), "%s listing arrived over %s; %s", mode, over, problemText)
	}
	return r.with(StatusPass, Code(mode+".ok"), "%s listing arrived over %s", mode, over)
}

// attemptProblems lists the attempts that neither passed nor were skipped,
// each as "COMMAND: code", for a stage's summary.
func attemptProblems(attempts []Attempt) string {
	var out []string
	for _, a := range attempts {
		if a.Status != StatusPass && a.Status != StatusSkip {
			out = append(out, a.Command+": "+string(a.Code))
		}
	}
	return strings.Join(out, "; ")
}
