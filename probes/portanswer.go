package probes

import "strings"

// service is the protocol found on the FTP port when no FTP greeting came.
type service int

// The services the control stage tells apart.
const (
	serviceFTP   service = iota // nothing else was found: FTP, or a silent or slow server
	serviceTLS                  // a TLS server: an implicit-FTPS port (RFC 4217 section 1, port 990)
	serviceSSH                  // an SSH server's identification line (RFC 4253 section 4.2): SFTP
	serviceHTTP                 // an HTTP server's status line or an HTML page
	serviceOther                // text that is neither FTP nor one of the above
)

// portAnswer is what answered on the FTP port in place of an FTP greeting:
// the first line of a reply that is not FTP, or the answer to a TLS
// handshake on a second connection.
type portAnswer struct {
	service service // which protocol answered; serviceFTP when nothing else did
	line    string  // what it sent, as evidence; empty for TLS, whose bytes are not text
}

// answerOf names the service behind a first line that is not an FTP reply.
func answerOf(line string) portAnswer {
	switch {
	case strings.HasPrefix(line, "SSH-"):
		return portAnswer{serviceSSH, line}
	case strings.HasPrefix(line, "HTTP/"), strings.HasPrefix(strings.ToLower(line), "<!doctype"), strings.HasPrefix(line, "<html"):
		return portAnswer{serviceHTTP, line}
	case len(line) > 1 && (line[0] == 0x15 || line[0] == 0x16) && line[1] == 0x03:
		// A TLS alert (0x15) or handshake (0x16) record of TLS 1.x.
		return portAnswer{service: serviceTLS}
	}
	return portAnswer{serviceOther, line}
}
