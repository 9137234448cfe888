package probes

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Reply-size bounds (RFC 959 sets none; a hostile server must not be able to
// make the client buffer without limit).
const (
	MaxLineBytes  = 8 << 10 // longest reply line kept
	MaxReplyLines = 512     // most lines in one multi-line reply
)

// Reply is one parsed server reply (RFC 959 section 4.2).
type Reply struct {
	Code  int      // three-digit reply code
	Lines []string // text of each line, without the code and separator
}

// Text joins the reply's lines with "\n".
func (r Reply) Text() string { return strings.Join(r.Lines, "\n") }

// ErrNotFTP is returned when the first line received is not an FTP reply.
// The raw line is kept in *NotFTPError.
var ErrNotFTP = errors.New("not an FTP reply")

// NotFTPError carries the bytes that were not an FTP reply.
type NotFTPError struct {
	Line string // the first line received, possibly cut at MaxLineBytes
}

// Error implements error.
func (e *NotFTPError) Error() string { return fmt.Sprintf("not an FTP reply: %q", e.Line) }

// Unwrap lets errors.Is(err, ErrNotFTP) match.
func (e *NotFTPError) Unwrap() error { return ErrNotFTP }

// ErrReplyTooLong is returned when a reply exceeds MaxReplyLines.
var ErrReplyTooLong = errors.New("reply too long")

// readLine reads one line ending in LF (CR optional), keeping at most
// MaxLineBytes of it and discarding the rest of an over-long line.
func readLine(r *bufio.Reader) (string, error) {
	var buf []byte
	for {
		chunk, err := r.ReadSlice('\n')
		if room := MaxLineBytes - len(buf); room > 0 {
			if len(chunk) > room {
				buf = append(buf, chunk[:room]...)
			} else {
				buf = append(buf, chunk...)
			}
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil {
			if err == io.EOF && len(buf) > 0 {
				err = io.ErrUnexpectedEOF
			}
			return strings.TrimRight(string(buf), "\r\n"), err
		}
		return strings.TrimRight(string(buf), "\r\n"), nil
	}
}

// parseCode reads "ddd" followed by ' ', '-' or end of line.
func parseCode(line string) (code int, sep byte, ok bool) {
	if len(line) < 3 {
		return 0, 0, false
	}
	for i := 0; i < 3; i++ {
		if line[i] < '0' || line[i] > '9' {
			return 0, 0, false
		}
		code = code*10 + int(line[i]-'0')
	}
	if line[0] < '1' || line[0] > '5' {
		return 0, 0, false
	}
	if len(line) == 3 {
		return code, ' ', true
	}
	if line[3] != ' ' && line[3] != '-' {
		return 0, 0, false
	}
	return code, line[3], true
}

// looksLikeReply reports whether a partial line could be the start of a
// reply: up to three digits, then a separator.
func looksLikeReply(partial string) bool {
	for i := 0; i < len(partial) && i < 4; i++ {
		c := partial[i]
		if i < 3 && (c < '0' || c > '9') {
			return false
		}
		if i == 3 && c != ' ' && c != '-' {
			return false
		}
	}
	return true
}

// ReadReply reads one reply, single- or multi-line. A multi-line reply
// starts with "ddd-" and ends with a line "ddd " carrying the same code;
// lines between may hold anything (RFC 959 section 4.2).
func ReadReply(r *bufio.Reader) (Reply, error) {
	first, err := readLine(r)
	if err != nil && (first == "" || looksLikeReply(first)) {
		// Nothing, or an unfinished reply, arrived: a timeout or a close,
		// not a foreign protocol.
		return Reply{}, err
	}
	code, sep, ok := parseCode(first)
	if !ok {
		return Reply{}, &NotFTPError{Line: first}
	}
	reply := Reply{Code: code, Lines: []string{strings.TrimSpace(first[min(4, len(first)):])}}
	if sep == ' ' {
		return reply, nil
	}
	for {
		line, err := readLine(r)
		if err != nil {
			if line != "" {
				reply.Lines = append(reply.Lines, line)
			}
			return reply, err
		}
		if c, s, ok := parseCode(line); ok && c == code && s == ' ' {
			reply.Lines = append(reply.Lines, strings.TrimSpace(line[min(4, len(line)):]))
			return reply, nil
		}
		// Continuation lines may repeat the code with '-' (common) or not.
		if c, s, ok := parseCode(line); ok && c == code && s == '-' {
			line = line[4:]
		}
		reply.Lines = append(reply.Lines, strings.TrimSpace(line))
		if len(reply.Lines) >= MaxReplyLines {
			return reply, ErrReplyTooLong
		}
	}
}
