package probes

import "testing"

// TestAnswerOf names the service behind first lines that are not FTP.
func TestAnswerOf(t *testing.T) {
	tests := []struct {
		name    string
		line    string
		service service
		kept    string // the line kept as evidence
	}{
		{"ssh_banner", "SSH-2.0-OpenSSH_9.6p1", serviceSSH, "SSH-2.0-OpenSSH_9.6p1"},
		{"http_status", "HTTP/1.1 400 Bad Request", serviceHTTP, "HTTP/1.1 400 Bad Request"},
		{"html_doctype", "<!DOCTYPE html>", serviceHTTP, "<!DOCTYPE html>"},
		{"tls_alert", "\x15\x03\x01\x00\x02", serviceTLS, ""},
		{"tls_handshake", "\x16\x03\x03\x00\x7a", serviceTLS, ""},
		{"imap_banner", "* OK IMAP4rev1 Service Ready", serviceOther, "* OK IMAP4rev1 Service Ready"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := answerOf(tt.line); got.service != tt.service || got.line != tt.kept {
				t.Errorf("answerOf(%q) = %+v, want service %d line %q", tt.line, got, tt.service, tt.kept)
			}
		})
	}
}
