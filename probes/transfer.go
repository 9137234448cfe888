package probes

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// StageTransfer is the opt-in stage that moves real files (--transfer).
const StageTransfer StageID = "transfer"

// transferStage moves real files once a data mode has carried a listing.
// It runs once per server (for the first account), only when asked (Asked):
// Check leaves it out without --transfer.
var transferStage = Stage{
	ID: StageTransfer,
	Needs: []Need{
		{Met: func(s *Session) bool { return s.Transfer != nil }, Why: "not asked for (--transfer)"},
		needLogin,
		{After: StagePassive, Settled: true},
		{After: StageActive, Settled: true},
		{Met: func(s *Session) bool { _, ok := s.proven.best(); return ok }, Why: "no data mode carried a listing"},
	},
	Run: Transfer,

	Family: FamilyServerConfig,
	Asked:  func(cfg Config) bool { return cfg.Transfer != nil },
}

// transferRun is the state of one transfer stage.
type transferRun struct {
	s       *Session
	c       *Conn             // the login's control connection
	p       dataPath          // how data connections are opened
	ev      *TransferEvidence // what is reported
	lost    error             // why c can no longer be used; nil while it can
	created []string          // files this run created on the server and has not deleted
	codes   []Code            // problem codes, in the order they were found
	parts   []string          // the summary, part by part
	clamped int               // the index of the transfer tried with a clamped MSS; -1 for none
}

// Transfer downloads a file in the data mode that carried a listing
// (passive first), and with --write uploads one, reads it back, compares
// it and deletes it, then tests TYPE A line endings. It measures bytes,
// time and throughput, and diagnoses refused writes, stalls after the
// first segments (a path-MTU black hole) and a control connection lost
// while the data moved.
func Transfer(ctx context.Context, s *Session) Result {
	p, _ := s.proven.best()
	c, release := s.ControlConn(ctx)
	defer release()
	if c == nil {
		return Skipped(StageTransfer, "no FTP control connection")
	}
	t := &transferRun{s: s, c: c, p: p, clamped: -1,
		ev: &TransferEvidence{Mode: p.Mode, Command: p.Command, Transfers: []FileTransfer{}}}
	s.proven.mu.Lock()
	t.ev.LargestOKBytes = s.proven.largest
	s.proven.mu.Unlock()
	t.download(ctx)
	if s.Transfer.Write {
		t.roundTrip(ctx)
	}
	t.cleanup(ctx)
	return t.result()
}

// limit is the most bytes read from the downloaded file.
func (t *transferRun) limit() int64 {
	if t.s.Transfer.Size > 0 {
		return t.s.Transfer.Size
	}
	return DefaultTransferSize
}

// pickFile returns the file to download and how it was chosen.
func (t *transferRun) pickFile() (string, string) {
	if f := t.s.Transfer.File; f != "" {
		return f, "--file"
	}
	t.s.proven.mu.Lock()
	listing := string(t.s.proven.listing)
	t.s.proven.mu.Unlock()
	if f, ok := largestFile(ParseListing(listing)); ok {
		return inDir(t.s.Target.Path, f.Name), "largest regular file of the listing"
	}
	return "", ""
}

// download reads the file in TYPE I up to the limit, after SIZE and MDTM
// sent together with TYPE I in one round trip.
func (t *transferRun) download(ctx context.Context) {
	s := t.s
	file, how := t.pickFile()
	if file == "" {
		t.ev.Skipped = "download not tried: no regular file in the first listing, and no --file"
		t.parts = append(t.parts, t.ev.Skipped)
		if replies, err := t.c.Pipeline(ctx, s.Timeout, "TYPE I"); err != nil || ClassOf(replies[0].Code) != ReplyCompletion {
			t.lose(err)
		}
		return
	}
	t.ev.File, t.ev.FileChosen = file, how
	replies, err := t.c.Pipeline(ctx, s.Timeout, "TYPE I", "SIZE "+file, "MDTM "+file)
	if err != nil {
		t.lose(err)
		t.fail(TransferControlLost, "no reply to TYPE I, SIZE and MDTM: %s", describe(err))
		return
	}
	expected := int64(-1)
	sizeOK, mdtmOK := replies[1].Code == ReplyFileStatus, replies[2].Code == ReplyFileStatus
	t.ev.SizeSupported, t.ev.MDTMSupported = &sizeOK, &mdtmOK
	if sizeOK {
		if n, err := strconv.ParseInt(strings.TrimSpace(replies[1].Text()), 10, 64); err == nil {
			expected = min(n, t.limit())
		}
	}
	if slices.ContainsFunc(s.Server.Info().Features, func(f string) bool { return strings.HasPrefix(strings.ToUpper(f), "REST STREAM") }) {
		yes := true
		t.ev.RESTSupported = &yes
	}
	x := s.xfer(ctx, t.c, t.p, 0, "RETR "+file, s.receive(t.limit(), nil))
	tr := t.record(DirectionDownload, "I", file, x, expected)
	switch {
	case errors.Is(x.DataErr, errStalled):
		t.lose(errStalled)
		t.stalled(ctx, tr, x)
	case x.Opened && x.DataErr == nil && x.ReplyErr != nil:
		t.controlLost(tr, x)
	case !t.downloadDone(x, expected):
		t.markFailed(tr, TransferDownloadFailed)
		t.fail(TransferDownloadFailed, "download of %s failed: %s", file, xferError(x))
	default:
		t.parts = append(t.parts, fmt.Sprintf("download of %s in %s mode (%s): %s", file, t.p.Mode, t.p.Command, rate(tr))+lateNote(x)+t.supportText())
		t.noopAfter(ctx, tr, x)
	}
}

// downloadDone reports whether a download arrived: whole with a positive
// final reply, or stopped on purpose at the limit (the server then answers
// 426 or 451, or 226 when it had sent everything already).
func (t *transferRun) downloadDone(x xferResult, expected int64) bool {
	switch {
	case !x.Opened || x.DataErr != nil || x.ReplyErr != nil:
		return false
	case x.Stopped:
		return true
	case x.Code != ReplyTransferDone && x.Code != ReplyFileActionOK:
		return false
	}
	return expected < 0 || x.Bytes == expected
}

// supportText says which of SIZE, MDTM and REST the server supports.
func (t *transferRun) supportText() string {
	var yes, no []string
	for _, f := range []struct {
		name string
		ok   *bool
	}{{"SIZE", t.ev.SizeSupported}, {"MDTM", t.ev.MDTMSupported}, {"REST", t.ev.RESTSupported}} {
		if f.ok != nil && *f.ok {
			yes = append(yes, f.name)
		} else {
			no = append(no, f.name)
		}
	}
	out := ""
	if len(yes) > 0 {
		out += "; supports " + strings.Join(yes, ", ")
	}
	if len(no) > 0 {
		out += "; no " + strings.Join(no, ", ")
	}
	return out
}

// noopAfter sends NOOP after a transfer that kept the control connection
// idle for a second or more: a NAT or firewall that forgot the connection
// meanwhile lets the 226 through only if it was sent before it forgot.
func (t *transferRun) noopAfter(ctx context.Context, tr *FileTransfer, x xferResult) {
	if x.Took < time.Second {
		return
	}
	if _, _, err := t.c.Cmd(ctx, t.s.Timeout, "NOOP"); err != nil {
		t.controlLost(tr, x)
	}
}

// controlLost diagnoses a control connection that died while the data
// moved: the data arrived, the final reply (or NOOP's) did not.
func (t *transferRun) controlLost(tr *FileTransfer, x xferResult) {
	t.lose(x.ReplyErr)
	t.markFailed(tr, TransferControlLost)
	t.ev.ControlIdleMS = ms(x.Took)
	asked := ""
	if x.Asked {
		asked = ", nor a reply to NOOP sent a timeout later"
	}
	t.fail(TransferControlLost, "%s: %d bytes arrived in %s, but the control connection then carried nothing (%s%s) after being idle for %s",
		tr.Path, tr.Bytes, human(tr.Duration), describe(errOr(x.ReplyErr, t.c.Broken())), asked, human(x.Took))
}

// lose marks the control connection unusable.
func (t *transferRun) lose(err error) {
	if t.lost == nil {
		t.lost = errOr(err, errors.New("the control connection failed"))
	}
}

// fail adds a problem code and its part of the summary.
func (t *transferRun) fail(code Code, format string, args ...any) {
	t.codes = append(t.codes, code)
	t.parts = append(t.parts, fmt.Sprintf(format, args...))
}

// markFailed marks a recorded transfer as failed with code.
func (t *transferRun) markFailed(tr *FileTransfer, code Code) {
	tr.Status, tr.Code = StatusFail, code
}

// record files a transfer's facts in the evidence and returns it.
func (t *transferRun) record(direction, typ, path string, x xferResult, expected int64) *FileTransfer {
	tr := FileTransfer{Direction: direction, Type: typ, Path: path, Status: StatusPass, Bytes: x.Bytes, ExpectedBytes: expected,
		Stopped: x.Stopped, MSS: x.MSS, Duration: x.Took, DurationMS: ms(x.Took), Reply: x.Reply}
	if !x.Opened && x.DataError != nil {
		tr.Reply = x.Data
	}
	if x.Took > 0 {
		tr.ThroughputBytesPerS = float64(x.Bytes) / x.Took.Seconds()
	}
	if err := errOr(x.DataError, x.DataErr); err != nil {
		tr.Error = describe(err)
	}
	t.ev.Transfers = append(t.ev.Transfers, tr)
	return &t.ev.Transfers[len(t.ev.Transfers)-1]
}

// errOr returns err, or other when err is nil.
func errOr(err, other error) error {
	if err != nil {
		return err
	}
	return other
}

// xferError says why a transfer failed: the reply, or the error.
func xferError(x xferResult) string {
	switch {
	case x.DataError != nil:
		return describe(x.DataError)
	case x.Code != 0 && x.DataErr == nil:
		return fmt.Sprintf("%d %s", x.Code, firstLineText(x.Reply.Text))
	case x.DataErr != nil:
		return "data connection: " + describe(x.DataErr)
	case x.ReplyErr != nil:
		return "no reply: " + describe(x.ReplyErr)
	}
	return "no data"
}

// firstLineText is the first line of a reply text.
func firstLineText(text string) string {
	line, _, _ := strings.Cut(text, "\n")
	return line
}

// rate writes a transfer's bytes, time and throughput.
// lateNote says when a transfer's final reply came only after NOOP asked
// for a sign of life, and how long after the data ended.
func lateNote(x xferResult) string {
	if !x.Late {
		return ""
	}
	return fmt.Sprintf(" (the final reply came %s after the data ended, once NOOP was sent: a slow server, not a lost connection)", human(x.Reply.Elapsed))
}

func rate(tr *FileTransfer) string {
	out := fmt.Sprintf("%d bytes in %s (%.1f MiB/s)", tr.Bytes, human(tr.Duration), tr.ThroughputBytesPerS/(1<<20))
	if tr.Stopped {
		out += ", stopped at --transfer-size"
	}
	return out
}
