package scan

import (
	"strings"
	"testing"
)

func TestJudgeToken(t *testing.T) {
	cases := []struct {
		name   string
		line   string
		silent bool
		want   TokenCheck
	}{
		{"same_token_same_port", TokenLine("abc", 50000), false, TokenMatch},
		{"same_token_other_port", TokenLine("abc", 50001), false, TokenWrongPort},
		{"other_token", TokenLine("xyz", 50000), false, TokenMismatch},
		{"token_is_a_prefix", TokenLine("abcd", 50000), false, TokenMismatch},
		{"ftp_greeting", "220 (vsFTPd 3.0.3)\r\n", false, TokenMismatch},
		{"bad_port_field", "FTPDOCTOR-LISTEN token=abc port=x\r\n", false, TokenMismatch},
		{"nothing_sent", "", true, TokenSilent},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := JudgeToken(tc.line, tc.silent, "abc", 50000); got != tc.want {
				t.Errorf("JudgeToken(%q) = %s, want %s", tc.line, got, tc.want)
			}
		})
	}
}

func TestPrintableBanner(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"plain", "SSH-2.0-OpenSSH\r\n", "SSH-2.0-OpenSSH"},
		{"control_bytes", "\x16\x03\x01ok\n", "...ok"},
		{"long_is_cut", string(make([]byte, 200)), strings.Repeat(".", maxBanner)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := printable(tc.in); got != tc.want {
				t.Errorf("printable(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}
