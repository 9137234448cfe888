package probes

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/ftpdoctor/ftpdoctor/internal/lazy"
)

// permissionText matches refusals that name this user's permission
// (vsftpd "550 Permission denied.", ProFTPD "550 f: Operation not permitted",
// IIS "550 Access is denied.").
var permissionText = lazy.Regexp(`(?i)permission denied|access is denied|not allowed|no permission|access denied|operation not permitted`)

// writeCode maps a negative reply to STOR to a code.
func writeCode(code int, text string) Code {
	switch {
	case code == ReplyExceededStorage:
		return TransferQuotaExceeded
	case code == ReplyInsufficientStorage:
		return TransferDiskFull
	case permissionText().MatchString(text):
		return TransferWriteDenied
	}
	return TransferWriteRefused
}

// uniqueName is a file name no other run picks: ftpdoctor-, 12 random hex
// digits, and ext.
func uniqueName(ext string) string {
	b := make([]byte, 6)
	rand.Read(b)
	return "ftpdoctor-" + hex.EncodeToString(b) + "." + ext
}

// roundTrip uploads a file of random bytes in TYPE I, reads it back and
// compares size and SHA-256, then runs the TYPE A test. The files are
// deleted by cleanup.
func (t *transferRun) roundTrip(ctx context.Context) {
	s := t.s
	if t.lost != nil {
		why := "upload not tried: the control connection failed during the download"
		if t.lost == errStalled {
			why = "upload not tried: it would stall too and leave a partial file"
		}
		t.ev.Skipped = strings.TrimPrefix(t.ev.Skipped+"; "+why, "; ")
		t.parts = append(t.parts, why)
		return
	}
	name := inDir(s.Target.Path, uniqueName("bin"))
	size := t.limit()
	sent := sum()
	x := s.xfer(ctx, t.c, t.p, 0, "STOR "+name, s.send(size, testData(), sent))
	if x.Opened {
		t.created = append(t.created, name)
	}
	tr := t.record(DirectionUpload, "I", name, x, size)
	upIndex := len(t.ev.Transfers) - 1
	switch {
	case !x.Opened && ClassOf(x.Code) >= ReplyTransient:
		code := writeCode(x.Code, x.Reply.Text)
		t.markFailed(tr, code)
		t.fail(code, "upload refused: STOR %s: %d %s", name, x.Code, firstLineText(x.Reply.Text))
		return
	case stalledOff(x):
		t.lose(errStalled)
		t.markFailed(tr, TransferStalled)
		t.fail(TransferStalled, "upload of %s stalled after %d of %d bytes: nothing moved for %s", name, x.Bytes, size, human(s.Timeout))
		return
	case x.Opened && x.DataErr == nil && x.ReplyErr != nil:
		t.controlLost(tr, x)
		return
	case x.Code == ReplyExceededStorage || x.Code == ReplyInsufficientStorage || (ClassOf(x.Code) == ReplyPermanent && x.Opened):
		code := writeCode(x.Code, x.Reply.Text)
		t.markFailed(tr, code)
		t.fail(code, "upload of %s refused after %d bytes: %d %s", name, x.Bytes, x.Code, firstLineText(x.Reply.Text))
		return
	case x.Code != ReplyTransferDone && x.Code != ReplyFileActionOK:
		t.markFailed(tr, TransferWriteRefused)
		t.fail(TransferWriteRefused, "upload of %s failed: %s", name, xferError(x))
		return
	}
	t.readBack(ctx, upIndex, x, sent.Sum(nil))
	if t.lost == nil {
		t.asciiTest(ctx)
	}
}

// stalledOff reports whether a transfer stalled: data stopped moving.
func stalledOff(x xferResult) bool { return x.DataErr == errStalled }

// readBack downloads the uploaded file (upX is its upload) and compares its
// size and SHA-256 with what was sent.
func (t *transferRun) readBack(ctx context.Context, upIndex int, upX xferResult, want []byte) {
	s := t.s
	got := sum()
	path, size := t.ev.Transfers[upIndex].Path, t.ev.Transfers[upIndex].Bytes
	x := s.xfer(ctx, t.c, t.p, 0, "RETR "+path, s.receive(size+1, got))
	back := t.record(DirectionDownload, "I", path, x, size)
	up := &t.ev.Transfers[upIndex] // after record: the slice may have moved
	switch {
	case stalledOff(x):
		t.lose(errStalled)
		t.markFailed(back, TransferStalled)
		t.fail(TransferStalled, "reading back %s stalled after %d bytes", up.Path, x.Bytes)
		return
	case x.Opened && x.DataErr == nil && x.ReplyErr != nil:
		t.controlLost(back, x)
		return
	case !x.Opened || x.DataErr != nil || (x.Code != ReplyTransferDone && x.Code != ReplyFileActionOK):
		t.markFailed(back, TransferNotStored)
		t.fail(TransferNotStored, "upload of %s accepted (%d %s) but reading it back failed: %s", up.Path, up.Reply.Code, firstLineText(up.Reply.Text), xferError(x))
		return
	}
	match := x.Bytes == up.Bytes && bytes.Equal(got.Sum(nil), want)
	up.SHA256Match, back.SHA256Match = &match, &match
	if !match {
		t.markFailed(back, TransferMismatch)
		t.fail(TransferMismatch, "upload of %s: %d bytes sent, %d bytes read back, SHA-256 differs", up.Path, up.Bytes, x.Bytes)
		return
	}
	t.parts = append(t.parts, fmt.Sprintf("upload of %s: %s%s; read back %s%s, equal (size and SHA-256)", up.Path, rate(up), lateNote(upX), rate(back), lateNote(x)))
}

// asciiText is the TYPE A test file: CRLF and bare LF line endings.
const asciiText = "ftpdoctor line-ending test\r\nthis line ends in CRLF\r\nthis line ends in LF\nend\r\n"

// asciiTest uploads a small text file in TYPE A and reads it back in TYPE I
// to see whether the server rewrites line endings.
func (t *transferRun) asciiTest(ctx context.Context) {
	s := t.s
	name := inDir(s.Target.Path, uniqueName("txt"))
	if r, err := t.c.Pipeline(ctx, s.Timeout, "TYPE A"); err != nil || ClassOf(r[0].Code) != ReplyCompletion {
		t.lose(err)
		return
	}
	x := s.xfer(ctx, t.c, t.p, 0, "STOR "+name, s.send(int64(len(asciiText)), strings.NewReader(asciiText), &bytes.Buffer{}))
	if x.Opened {
		t.created = append(t.created, name)
	}
	up := t.record(DirectionUpload, "A", name, x, int64(len(asciiText)))
	if r, err := t.c.Pipeline(ctx, s.Timeout, "TYPE I"); err != nil || ClassOf(r[0].Code) != ReplyCompletion {
		t.lose(err)
		return
	}
	if x.Code != ReplyTransferDone && x.Code != ReplyFileActionOK {
		up.Status = StatusWarn
		t.parts = append(t.parts, "TYPE A upload not stored: "+xferError(x))
		return
	}
	var stored bytes.Buffer
	y := s.xfer(ctx, t.c, t.p, 0, "RETR "+name, s.receive(4096, &stored))
	t.record(DirectionDownload, "I", name, y, -1)
	if y.Code != ReplyTransferDone && y.Code != ReplyFileActionOK {
		t.parts = append(t.parts, "TYPE A file could not be read back: "+xferError(y))
		return
	}
	t.ev.LineEndings = lineEndings(stored.String())
	t.parts = append(t.parts, "TYPE A: line endings "+strings.ReplaceAll(t.ev.LineEndings, "_", " "))
}

// lineEndings says what the server did with asciiText's line endings.
func lineEndings(stored string) string {
	switch stored {
	case asciiText:
		return "kept"
	case strings.ReplaceAll(asciiText, "\r\n", "\n"):
		return "crlf_to_lf"
	case strings.ReplaceAll(strings.ReplaceAll(asciiText, "\r\n", "\n"), "\n", "\r\n"):
		return "lf_to_crlf"
	}
	return "changed"
}

// cleanup deletes every file the run created, on a new control connection
// when the login's is lost; a file that cannot be deleted and is still
// there is named in the evidence.
func (t *transferRun) cleanup(ctx context.Context) {
	if len(t.created) == 0 {
		return
	}
	c := t.c
	if t.lost != nil {
		fresh, err := t.s.freshLogin(ctx, t.c)
		if err != nil {
			t.leave(t.created, "no control connection to delete them: "+describe(err))
			return
		}
		defer fresh.quit(ctx)
		c = fresh
	}
	var left []string
	for _, name := range t.created {
		reply, _, err := c.Cmd(ctx, t.s.Timeout, "DELE %s", name)
		if err == nil && ClassOf(reply.Code) == ReplyCompletion {
			continue
		}
		if err == nil {
			// a refused DELE of a file the server never kept leaves nothing
			if size, _, err := c.Cmd(ctx, t.s.Timeout, "SIZE %s", name); err == nil && size.Code == ReplyFileUnavailable {
				continue
			}
		}
		left = append(left, name)
	}
	if len(left) > 0 {
		t.leave(left, "DELE failed")
	}
}

// leave reports files left on the server.
func (t *transferRun) leave(names []string, why string) {
	t.ev.LeftBehind = names
	t.codes = append(t.codes, TransferLeftBehind)
	t.parts = append(t.parts, fmt.Sprintf("left on the server (%s): %s", why, strings.Join(names, ", ")))
}
