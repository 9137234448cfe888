package probes

import "time"

// DefaultTransferSize is the default of --transfer-size: the most bytes
// read from a downloaded file, and the size of the uploaded one.
const DefaultTransferSize = 4 << 20

// TransferConfig asks for the transfer stage (--transfer). It changes the
// server only with Write.
type TransferConfig struct {
	File  string // --file: the file to download; empty: the largest regular file of the first listing
	Size  int64  // --transfer-size: most bytes read from the downloaded file, and the uploaded file's size
	Write bool   // --write: STOR a file of Size bytes, RETR it back, compare, DELE it; and the TYPE A line-ending test
}

// The directions of a transfer.
const (
	DirectionDownload = "download" // RETR: server to client
	DirectionUpload   = "upload"   // STOR: client to server
)

// TransferEvidence is what the transfer stage measured.
type TransferEvidence struct {
	Mode           string         `json:"mode"`                        // the data mode the files moved in: passive or active
	Command        string         `json:"command"`                     // the data command used: EPSV, PASV, EPRT or PORT
	File           string         `json:"file,omitempty"`              // the downloaded file's path; empty when none was found
	FileChosen     string         `json:"file_chosen,omitempty"`       // how the file was chosen: "--file" or "largest regular file of the listing"
	SizeSupported  *bool          `json:"size_supported,omitempty"`    // SIZE (RFC 3659) answered 213; absent when not asked
	MDTMSupported  *bool          `json:"mdtm_supported,omitempty"`    // MDTM (RFC 3659) answered 213; absent when not asked
	RESTSupported  *bool          `json:"rest_supported,omitempty"`    // REST (RFC 3659 stream restart) answered 350; absent when not asked
	Transfers      []FileTransfer `json:"transfers"`                   // every file transfer, in order
	LargestOKBytes int64          `json:"largest_ok_bytes"`            // the largest data transfer of the check that arrived whole, listings included
	StalledBytes   *int64         `json:"stalled_bytes,omitempty"`     // bytes that arrived before a transfer stalled; absent when none stalled
	MSS            int            `json:"mss_bytes,omitempty"`         // the TCP MSS the stalled data connection announced (the largest segment the server sends), in bytes
	MTU            int            `json:"mtu_bytes,omitempty"`         // the path MTU this end held for the stalled data connection, in bytes: no ICMP told it of a smaller one
	ClampedMSS     int            `json:"clamped_mss_bytes,omitempty"` // the smaller MSS the download was tried again with after a stall, in bytes
	ControlIdleMS  float64        `json:"control_idle_ms,omitempty"`   // how long the control connection carried nothing while the data moved, when it was lost
	LineEndings    string         `json:"line_endings,omitempty"`      // TYPE A test: "kept" (stored as sent), "crlf_to_lf", "lf_to_crlf" or "changed"
	LeftBehind     []string       `json:"left_behind,omitempty"`       // files this run created and could not delete
	Skipped        string         `json:"skipped,omitempty"`           // why a part (download or upload) was not tried
}

// FileTransfer is one file moved by the transfer stage.
type FileTransfer struct {
	Direction           string        `json:"direction"`              // download or upload
	Type                string        `json:"type"`                   // I (binary) or A (ASCII)
	Path                string        `json:"path"`                   // the file on the server
	Status              Status        `json:"status"`                 // pass, warn or fail
	Code                Code          `json:"code,omitempty"`         // the problem code of a failed transfer
	Bytes               int64         `json:"bytes"`                  // bytes moved over the data connection
	ExpectedBytes       int64         `json:"expected_bytes"`         // bytes it should have moved: the size asked for, or SIZE's answer; -1 when unknown
	Stopped             bool          `json:"stopped,omitempty"`      // the client stopped reading at --transfer-size, on purpose
	MSS                 int           `json:"mss_bytes,omitempty"`    // the TCP MSS the data connection announced (the largest segment the server sends), in bytes, when known
	Duration            time.Duration `json:"-"`                      // from sending the command to the last byte
	DurationMS          float64       `json:"duration_ms"`            // Duration in milliseconds
	ThroughputBytesPerS float64       `json:"throughput_bytes_per_s"` // Bytes over Duration, in bytes per second
	SHA256Match         *bool         `json:"sha256_match,omitempty"` // the file read back has the uploaded bytes' size and SHA-256; absent when not compared
	Reply               Exchange      `json:"reply"`                  // the decisive reply: the final 226 or error, or a refusal in place of 150
	Error               string        `json:"error,omitempty"`        // the data connection's error, or why no decisive reply came; the reply itself is Reply
}
