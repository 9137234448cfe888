package scan

import (
	"bufio"
	"net"
	"strconv"
	"strings"
	"time"
)

// TokenCheck is what an open port answered when a token was expected.
type TokenCheck string

// The token outcomes.
const (
	TokenMatch     TokenCheck = "match"      // our listener answered with the token, on this very port: reaches the right host
	TokenWrongPort TokenCheck = "wrong_port" // our token, but from the listener on another port: forwarded to another port of the right host
	TokenMismatch  TokenCheck = "mismatch"   // something else answered (another token or another service): forwarded to some other host
	TokenSilent    TokenCheck = "silent"     // connected, but nothing was sent before the timeout: another service, not our listener
)

// tokenPrefix starts the line a listener sends on every connection.
const tokenPrefix = "FTPDOCTOR-LISTEN"

// maxBanner bounds how much of a foreign answer is kept.
const maxBanner = 80

// TokenLine is the line Listen sends on port: "FTPDOCTOR-LISTEN token=T port=P".
func TokenLine(token string, port int) string {
	return tokenPrefix + " token=" + token + " port=" + strconv.Itoa(port) + "\r\n"
}

// parseTokenLine reads a token line; ok is false for anything else.
func parseTokenLine(line string) (token string, port int, ok bool) {
	f := strings.Fields(line)
	if len(f) != 3 || f[0] != tokenPrefix || !strings.HasPrefix(f[1], "token=") || !strings.HasPrefix(f[2], "port=") {
		return "", 0, false
	}
	port, err := strconv.Atoi(strings.TrimPrefix(f[2], "port="))
	if err != nil {
		return "", 0, false
	}
	return strings.TrimPrefix(f[1], "token="), port, true
}

// JudgeToken compares what port answered (first line, or silence) with the
// expected token.
func JudgeToken(line string, silent bool, want string, port int) TokenCheck {
	if silent {
		return TokenSilent
	}
	tok, p, ok := parseTokenLine(line)
	switch {
	case !ok || tok != want:
		return TokenMismatch
	case p != port:
		return TokenWrongPort
	}
	return TokenMatch
}

// checkToken reads the first line an open connection sends, within timeout
// (at least 500 ms: the listener writes at once, but a busy host may be slow).
func checkToken(c net.Conn, want string, port int, timeout time.Duration) (TokenCheck, string) {
	c.SetReadDeadline(time.Now().Add(max(timeout, 500*time.Millisecond)))
	r := bufio.NewReaderSize(c, 256)
	line, err := r.ReadString('\n')
	if line == "" && err != nil {
		return TokenSilent, ""
	}
	check := JudgeToken(line, false, want, port)
	if check == TokenMismatch {
		return check, printable(line)
	}
	return check, ""
}

// printable trims a foreign banner to maxBanner bytes of printable ASCII.
func printable(s string) string {
	s = strings.TrimRight(s, "\r\n")
	var b strings.Builder
	for i := 0; i < len(s) && b.Len() < maxBanner; i++ {
		if c := s[i]; c >= 0x20 && c < 0x7f {
			b.WriteByte(c)
		} else {
			b.WriteByte('.')
		}
	}
	return b.String()
}
