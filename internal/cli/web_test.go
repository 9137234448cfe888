package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/ftpdoctor/ftpdoctor/verdict"
)

func TestWebBadInput(t *testing.T) {
	dir := t.TempDir()
	md5 := filepath.Join(dir, "md5.users")
	os.WriteFile(md5, []byte("help:$apr1$x$y\n"), 0o600)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"beyond_loopback_without_auth", []string{"web", "--listen", "0.0.0.0:0"}, "--auth-file"},
		{"every_interface_without_auth", []string{"web", "--listen", ":0"}, "--auth-file"},
		{"missing_auth_file", []string{"web", "--auth-file", "/nonexistent.users"}, "--auth-file"},
		{"auth_file_not_bcrypt", []string{"web", "--auth-file", md5}, "not bcrypt"},
		{"bad_listen", []string{"web", "--listen", "nonsense"}, "--listen"},
		{"rate_zero", []string{"web", "--rate", "0"}, "--rate"},
		{"bad_host", []string{"web", "--host", "helpdesk example"}, "--host"},
		{"host_url", []string{"web", "--host", "https://helpdesk.example.net/"}, "--host"},
		{"argument", []string{"web", "extra"}, "no arguments"},
		{"demo_beyond_loopback", []string{"demo", "--web", "--listen", "0.0.0.0:0"}, "loopback only"},
		{"hash_without_input", []string{"web", "--hash-password"}, "standard input"},
		{"bad_keep", []string{"web", "--keep", "forever"}, "--keep"},
		{"keep_zero", []string{"web", "--keep", "0"}, "--keep"},
		{"data_under_a_file", []string{"web", "--listen", "127.0.0.1:0", "--data", filepath.Join(md5, "history")}, "--data"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "", tt.args...)
			if code != verdict.ExitUnknown || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, tt.want) || stdout != "" {
				t.Errorf("exit %d, stdout %q, stderr %q; want one line with %q", code, stdout, stderr, tt.want)
			}
		})
	}
}

func TestWebHashPassword(t *testing.T) {
	code, stdout, stderr := runCLI(t, "Helpdesk-pw\n", "web", "--hash-password")
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	hash := strings.TrimSpace(stdout)
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte("Helpdesk-pw")) != nil || strings.Contains(stdout, "Helpdesk-pw") {
		t.Fatalf("not a bcrypt hash of the password: %q", stdout)
	}
}
