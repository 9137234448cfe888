package cli

import (
	"strings"
	"testing"
)

func TestMaskTarget(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"url_with_password", "ftp://alice:S3cret@host:21/pub", "ftp://alice:****@host:21/pub"},
		{"url_without_password", "ftp://alice@host", "ftp://alice@host"},
		{"password_with_at", "ftp://alice:a@b@host", "ftp://alice:****@host"},
		{"plain_host", "alice@host:2121", "alice@host:2121"},
		{"malformed", "ftp://alice:S3cret@ho%zz", "ftp://alice:****@ho%zz"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := maskTarget(tt.in); got != tt.want {
				t.Errorf("maskTarget(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestBadTargetErrorHidesPassword: a target that does not parse is quoted
// in the error, never with its password.
func TestBadTargetErrorHidesPassword(t *testing.T) {
	for _, arg := range []string{"ftp://alice:S3cretPW@ho%zzst/", "ftp://alice:S3cretPW@host:99999/", "ftp://alice:S3cretPW@ho st/"} {
		for _, cmd := range []string{"check", "range"} {
			code, out, errOut := runCLI(t, "", cmd, arg)
			if code != 3 || strings.Contains(out+errOut, "S3cretPW") || !strings.Contains(errOut, "****") {
				t.Errorf("%s %q: exit %d, stderr %q", cmd, arg, code, errOut)
			}
		}
	}
}
