package probes

import (
	"fmt"
	"time"
)

// StageID names a probe stage; each stage declares its own in its file.
type StageID string

// Status is the outcome of a stage or of one attempt within a stage.
type Status string

// The statuses. Skip means "not checked", which is not the same as fail.
const (
	StatusPass Status = "pass"
	StatusWarn Status = "warn"
	StatusFail Status = "fail"
	StatusSkip Status = "skip"
	// StatusInterrupted: the run's deadline (check's --deadline, serve's
	// scrape timeout) ended the stage before it finished, or before it
	// began. It is not a failure: nothing is known of what the stage checks.
	StatusInterrupted Status = "interrupted"
)

// Result is what one stage learned.
type Result struct {
	Stage    StageID       `json:"id"`       // which stage
	Status   Status        `json:"status"`   // pass, warn, fail, skip or interrupted
	Code     Code          `json:"code"`     // stable machine code, e.g. "passive.private_address"
	Summary  string        `json:"summary"`  // one line: what happened
	Duration time.Duration `json:"-"`        // wall time of the stage
	Evidence Evidence      `json:"evidence"` // what was seen
	Started  time.Duration `json:"-"`        // offset of the stage start from the start of the run
}

// Evidence holds the facts a stage observed. Only the fields a stage fills
// are set; the report builds explanations from them.
type Evidence struct {
	Host         string      `json:"host,omitempty"`          // name or literal that was looked up
	Addresses    []string    `json:"addresses,omitempty"`     // resolved addresses (dns)
	Remote       string      `json:"remote,omitempty"`        // address:port dialled for the control connection
	Local        string      `json:"local,omitempty"`         // local address:port of the control connection
	Error        string      `json:"error,omitempty"`         // the classified low-level error, e.g. "connection refused"
	Liveness     []PortCheck `json:"liveness,omitempty"`      // other ports on the host tried when the control connect failed
	Tried        []Dial      `json:"tried,omitempty"`         // control connects to the name's other resolved addresses
	Replies      []Exchange  `json:"replies,omitempty"`       // control-connection commands and replies of this stage
	Attempts     []Attempt   `json:"attempts,omitempty"`      // data-connection attempts (passive, active)
	Ports        []PortCheck `json:"ports,omitempty"`         // ports checked by the firewall stage
	Anonymous    bool        `json:"anonymous,omitempty"`     // login used anonymous credentials
	ServerError  string      `json:"server_error,omitempty"`  // an FTP server's own error text when it cannot start the session (vsftpd "500 OOPS: ...")
	OtherService string      `json:"other_service,omitempty"` // the first line another service sent on the FTP port in place of a greeting: an SSH banner, an HTTP status line, other text
	Reason       string      `json:"reason,omitempty"`        // what the server's error text means, when ftpdoctor knows it: see Reason constants

	Transfer *TransferEvidence `json:"transfer,omitempty"` // what the transfer stage moved and measured
}

// Exchange is one command sent on the control connection and the reply to
// it. The password is never stored: PASS is recorded as "PASS ****".
type Exchange struct {
	Conn      string        `json:"conn,omitempty"`    // the control connection, local -> server address, as "127.0.0.1:40000 -> 127.0.0.1:21"
	Command   string        `json:"command,omitempty"` // the command as sent, password redacted; empty for the greeting
	Verb      string        `json:"verb,omitempty"`    // the command's first word in upper case (USER, PASS, EPSV, ...); empty for the greeting
	Code      int           `json:"code"`              // reply code, 0 when no reply came
	Text      string        `json:"text"`              // reply text, lines joined with "\n", without the codes
	Error     string        `json:"error,omitempty"`   // why no reply came (timeout, closed)
	Elapsed   time.Duration `json:"-"`                 // time from sending to the end of the reply
	ElapsedMS float64       `json:"elapsed_ms"`        // Elapsed in milliseconds
}

// Attempt is one data-connection attempt: EPSV, PASV, EPRT or PORT followed
// by a listing.
type Attempt struct {
	Command     string        `json:"command"`                // EPSV, PASV, EPRT or PORT
	Status      Status        `json:"status"`                 // outcome of this attempt
	Code        Code          `json:"code"`                   // stable code for this attempt
	Reason      string        `json:"reason,omitempty"`       // what the refusal's text means, when ftpdoctor knows it: see Reason constants
	Reply       Exchange      `json:"reply"`                  // reply to the data command
	Advertised  string        `json:"advertised,omitempty"`   // passive: address:port the server advertised
	Sent        string        `json:"sent,omitempty"`         // active: address:port sent in PORT/EPRT
	Negotiated  string        `json:"negotiated,omitempty"`   // the tls stage's follow-up (AUTH TLS offering at most TLS 1.2): the TLS version and cipher suite agreed
	Dials       []Dial        `json:"dials,omitempty"`        // passive: data connections tried
	ConnectFrom string        `json:"connect_from,omitempty"` // active: address:port the server connected from
	Opening     *Exchange     `json:"opening,omitempty"`      // the preliminary 150/125 reply to LIST, when one came
	List        *Exchange     `json:"list,omitempty"`         // the decisive reply to LIST: the final 226/4xx, or a refusal in place of 150
	Bytes       int64         `json:"bytes"`                  // listing bytes received
	Error       string        `json:"error,omitempty"`        // what failed beside the replies: the data connection (its TLS handshake, a broken transfer), or the handshake after AUTH TLS's 234; why no reply came is in that exchange's error
	Protected   bool          `json:"protected,omitempty"`    // the data connection was encrypted (PROT P)
	Resumed     *bool         `json:"tls_resumed,omitempty"`  // the data connection's TLS session resumed the control connection's; absent when plain
	Elapsed     time.Duration `json:"-"`                      // wall time of the attempt
	ElapsedMS   float64       `json:"elapsed_ms"`             // Elapsed in milliseconds
}

// Dial is one TCP connection attempt to a data port.
type Dial struct {
	Address   string        `json:"address"`         // address:port dialled
	Why       string        `json:"why"`             // "advertised" or "control_peer" (the fallback FileZilla and curl use)
	Outcome   string        `json:"outcome"`         // a port state: "open" (connected), "closed" (refused), "filtered" (timed out), "unreachable", "error"; or "not_allowed" (DialNotAllowed: not attempted)
	Error     string        `json:"error,omitempty"` // low-level error text
	Elapsed   time.Duration `json:"-"`               // time to connect or fail
	ElapsedMS float64       `json:"elapsed_ms"`      // Elapsed in milliseconds
}

// PortCheck is one bare TCP connect to a port, with no protocol spoken.
type PortCheck struct {
	Address   string        `json:"address"`         // address:port
	State     string        `json:"state"`           // "open", "closed" (refused), "filtered" (timeout), "unreachable", "error"
	Error     string        `json:"error,omitempty"` // low-level error text
	Elapsed   time.Duration `json:"-"`               // time to connect or fail
	ElapsedMS float64       `json:"elapsed_ms"`      // Elapsed in milliseconds
	Seen      string        `json:"seen,omitempty"`  // "data_connection": a passive data connection of this run already connected to the port, so no bare connect was made; empty for a bare connect
}

// SeenDataConnection marks a port check answered by a passive data
// connection of the run rather than a bare connect.
const SeenDataConnection = "data_connection"

// Reasons: what a server's reply text means, classified where the reply is
// read so that the report never reads server text.
const (
	ReasonForeignAddress  = "foreign_address"  // vsftpd "Illegal PORT command": the PORT/EPRT address is not the control connection's, or the port is below 1024
	ReasonWritableChroot  = "writable_chroot"  // vsftpd "refusing to run with writable root inside chroot()"
	ReasonHomeMissing     = "home_missing"     // the home directory cannot be entered ("cannot change directory", chdir)
	ReasonConnectionLimit = "connection_limit" // the server is at its limit of sessions (per address, per user or in all)
)

// with sets the status, code and summary of a result.
func (r Result) with(status Status, code Code, format string, args ...any) Result {
	r.Status, r.Code, r.Summary = status, code, fmt.Sprintf(format, args...)
	return r
}

// NotReached is the result of a stage that the run's deadline ended before
// it began: status interrupted, code skipped.
func NotReached(stage StageID) Result {
	return Result{Stage: stage, Status: StatusInterrupted, Code: CodeSkipped,
		Summary: "not run: the run's deadline ended the check before this stage began"}
}

// Skipped is the result of a stage that did not run, and why.
func Skipped(stage StageID, why string) Result {
	return Result{Stage: stage, Status: StatusSkip, Code: CodeSkipped, Summary: why}
}
