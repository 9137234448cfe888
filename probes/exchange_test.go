package probes

import "testing"

// TestNewExchange checks that a recorded command keeps its verb and never
// its password.
func TestNewExchange(t *testing.T) {
	tests := []struct {
		name, line, command, verb string
	}{
		{"greeting", "", "", ""},
		{"pass", "PASS S3cret word", "PASS ****", "PASS"},
		{"pass_lower_case", "pass S3cret", "PASS ****", "PASS"},
		{"auth_tls", "AUTH TLS", "AUTH TLS", "AUTH"},
		{"eprt", "EPRT |1|127.0.0.1|40001|", "EPRT |1|127.0.0.1|40001|", "EPRT"},
		{"feat", "FEAT", "FEAT", "FEAT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if ex := NewExchange(tt.line); ex.Command != tt.command || ex.Verb != tt.verb {
				t.Errorf("NewExchange(%q) = command %q verb %q, want %q %q", tt.line, ex.Command, ex.Verb, tt.command, tt.verb)
			}
		})
	}
}
