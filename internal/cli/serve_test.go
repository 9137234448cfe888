package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ftpdoctor/ftpdoctor/verdict"
)

func TestServeBadInput(t *testing.T) {
	dir := t.TempDir()
	unpinned := filepath.Join(dir, "unpinned.yml")
	os.WriteFile(filepath.Join(dir, "pass"), []byte("Serve-S3ntinel\n"), 0o600)
	os.WriteFile(unpinned, []byte("modules:\n  corp:\n    user: alice\n    password_file: pass\n"), 0o600)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"missing_config", []string{"serve", "--config", "/nonexistent.yml"}, "--config"},
		{"credentials_not_pinned", []string{"serve", "--config", unpinned}, "must list the hosts"},
		{"bad_allow", []string{"serve", "--allow", "10.0.0.0/40"}, "--allow"},
		{"max_concurrent_zero", []string{"serve", "--max-concurrent", "0"}, "--max-concurrent"},
		{"bad_listen", []string{"serve", "--listen", "127.0.0.1:99999"}, "serve:"},
		{"argument", []string{"serve", "extra"}, "no arguments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "", tt.args...)
			if code != verdict.ExitUnknown || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, tt.want) || stdout != "" {
				t.Errorf("exit %d, stdout %q, stderr %q; want one line with %q", code, stdout, stderr, tt.want)
			}
			if strings.Contains(stderr, "Serve-S3ntinel") {
				t.Fatal("the password appears on stderr")
			}
		})
	}
}
