package probes

import "testing"

func TestMaskSecret(t *testing.T) {
	tests := []struct{ name, line, secret, want string }{
		{"long_everywhere", "530 Password S3cret is wrong (S3cretly)", "S3cret", "530 Password **** is wrong (****ly)"},
		{"one_char_as_word", "530 Password x is wrong", "x", "530 Password **** is wrong"},
		{"one_char_before_a_hyphen", "530 Login incorrect: x-ray exists", "x", "530 Login incorrect: ****-ray exists"},
		{"two_chars_quoted", `530 PASS "ab" refused`, "ab", `530 PASS "****" refused`},
		{"two_chars_inside_words_kept", "530 about the table", "ab", "530 about the table"},
		{"two_chars_at_line_end", "530 wrong password: ab", "ab", "530 wrong password: ****"},
		{"two_chars_at_line_start", "ab is wrong", "ab", "**** is wrong"},
		{"no_secret", "230 Login successful.", "", "230 Login successful."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := maskSecret(tt.line, tt.secret); got != tt.want {
				t.Errorf("maskSecret(%q, %q) = %q, want %q", tt.line, tt.secret, got, tt.want)
			}
		})
	}
}

func TestSecretMaskInEveryLine(t *testing.T) {
	if got := Secret("pw").MaskIn("530 pw\n530 pwd is pw"); got != "530 ****\n530 pwd is ****" {
		t.Errorf("got %q", got)
	}
}
