package probes

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ftpdoctor/ftpdoctor/fixtures"
)

// replayCA signs the certificates of the replayed TLS servers; made on
// first use.
var replayCA = sync.OnceValue(fixtures.NewTestCA)

// TestTLSReplay replays AUTH TLS (RFC 4217) and checks the code and what
// the client sent, both as the server read it and as it went on the wire:
// once the handshake is done, no command goes in clear.
func TestTLSReplay(t *testing.T) {
	const upgraded = `
S: 220 (vsFTPd 3.0.5)
C: AUTH TLS
S: 234 Proceed with negotiation.
tls
`
	tests := []struct {
		name         string
		conversation string
		stage        StageID  // the last stage run
		mode         TLSMode  // zero for auto
		names        []string // the names the certificate is for; nil: 127.0.0.1
		timeout      time.Duration
		code         Code
		clear        string // what goes on the wire in clear: the commands before the handshake
	}{
		{"auth_tls_refused_plain", `
S: 220 (vsFTPd 3.0.5)
C: AUTH TLS
S: 530 Please login with USER and PASS.
C: QUIT
`, StageTLS, "", nil, 0, TLSPlain, "AUTH TLS\r\nQUIT\r\n"},
		{"auth_tls_refused_required", `
S: 220 (vsFTPd 3.0.5)
C: AUTH TLS
S: 500 AUTH not understood.
C: QUIT
`, StageTLS, TLSRequire, nil, 0, TLSNotOffered, "AUTH TLS\r\nQUIT\r\n"},
		{"explicit_ok", upgraded + `
C: QUIT
`, StageTLS, "", nil, 0, TLSOK, "AUTH TLS\r\n"},
		// The certificate is not for the address connected to: the
		// session stays up (QUIT, over TLS) but goes no further.
		{"name_mismatch", upgraded + `
C: QUIT
`, StageTLS, "", []string{"ftp.example.com"}, 0, TLSCertNameMismatch, "AUTH TLS\r\n"},
		{"login_over_tls", upgraded + passwordAsked + `
S: 230 Login successful.
C: FEAT
C: SYST
S: 211-Features:
S:  AUTH TLS
S:  PBSZ
S:  PROT
S: 211 End
S: 215 UNIX Type: L8
C: PBSZ 0
S: 200 PBSZ set to 0.
C: PROT P
S: 200 PROT now Private.
C: QUIT
`, StageLogin, "", nil, 0, LoginOK, "AUTH TLS\r\n"},
		// The server accepts AUTH TLS and closes: no handshake.
		{"handshake_fails", `
S: 220 (vsFTPd 3.0.5)
C: AUTH TLS
S: 234 Proceed with negotiation.
close
`, StageTLS, "", nil, 300 * time.Millisecond, TLSHandshakeFailed, "AUTH TLS\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := newReplayPeer(t)
			names := tt.names
			if names == nil {
				names = []string{"127.0.0.1"}
			}
			p.cert = replayCA().Leaf(names, time.Now().Add(-time.Hour), time.Now().Add(365*24*time.Hour))
			got := p.run(tt.conversation, tt.stage, func(c *Config, _ *Env) {
				c.Roots, c.TLS = replayCA().Pool(), tt.mode
				if tt.timeout > 0 {
					c.Timeout = tt.timeout
				}
			})
			p.expectSent(got, tt.conversation)
			expectCode(t, got, tt.stage, tt.code)
			expectNoPassword(t, got)
			if !strings.HasPrefix(got.wire, tt.clear) {
				t.Fatalf("on the wire %.60q, want it to begin with %q", got.wire, tt.clear)
			}
			for _, line := range strings.SplitAfter(strings.TrimPrefix(got.sent, tt.clear), "\r\n") {
				if line != "" && strings.Contains(got.wire[len(tt.clear):], line) {
					t.Errorf("%q went in clear after the handshake", strings.TrimSpace(strings.ReplaceAll(line, replayPassword, "<password>")))
				}
			}
			if tt.stage == StageLogin && !got.session.tls.report(nil).DataProtected {
				t.Error("PROT P succeeded but the data connections are not marked protected")
			}
		})
	}
}
