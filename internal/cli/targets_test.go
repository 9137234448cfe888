package cli

import (
	"strings"
	"testing"
)

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
