package modules

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// testPass is the password the tests write to password files; no error
// may show it.
const testPass = "Modules-S3ntinel-pw"

func TestLoadConfigRefuses(t *testing.T) {
	tests := []struct {
		name, config, want string
	}{
		{"credentials_without_hosts", "modules:\n  corp:\n    user: alice\n    password_file: pass\n", "must list the hosts"},
		{"unknown_key", "modules:\n  corp:\n    password: x\n", "field password not found"},
		{"bad_mode", "modules:\n  m:\n    mode: sideways\n", "mode must be"},
		{"bad_timeout", "modules:\n  m:\n    timeout: 2h\n", "timeout must be"},
		{"bad_range", "modules:\n  m:\n    passive_range: 9-1\n", "passive_range"},
		{"bad_cidr", "modules:\n  m:\n    hosts: [10.0.0.0/99]\n", "not a CIDR"},
		{"password_file_missing", "modules:\n  m:\n    user: alice\n    password_file: nope\n    hosts: [h]\n", "password_file"},
		{"transfer_size_without_transfer", "modules:\n  m:\n    transfer_size: 1MiB\n", "need transfer: true"},
		{"bad_transfer_size", "modules:\n  m:\n    transfer: true\n    transfer_size: 2GiB\n", "transfer_size must be"},
		{"no_write_in_modules", "modules:\n  m:\n    transfer: true\n    write: true\n", "field write not found"},
		{"anonymous_with_password", "modules:\n  m:\n    password_file: pass\n    hosts: [h]\n", "needs a user"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			os.WriteFile(filepath.Join(dir, "pass"), []byte(testPass), 0o600)
			path := filepath.Join(dir, "m.yml")
			os.WriteFile(path, []byte(tt.config), 0o600)
			_, err := Load(path)
			if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), testPass) {
				t.Errorf("err %v, want one with %q", err, tt.want)
			}
		})
	}
}

func TestLoadConfigJSON(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "pass"), []byte(testPass+"\nignored\n"), 0o600)
	path := filepath.Join(dir, "m.json")
	os.WriteFile(path, []byte(`{"modules": {"corp": {"mode": "passive", "tls": "require", "timeout": "3s", "passive_range": "50000-50010",
		"user": "alice", "password_file": "pass", "hosts": ["FTP.Corp.Example.", "10.0.0.0/8"]}}}`), 0o600)
	mods, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	m := mods["corp"]
	if m.Mode != "passive" || m.TLS != "require" || m.Timeout.String() != "3s" || m.PassiveRange.Low != 50000 ||
		m.Password.Reveal() != testPass || !m.Hosts.Allows("ftp.corp.example") || !m.Hosts.Allows("10.9.8.7") ||
		m.Hosts.Allows("ftp.corp.example.org") || m.Hosts.Allows("11.0.0.1") {
		t.Errorf("module %+v", m)
	}
	if _, ok := mods[DefaultName]; !ok {
		t.Error("the default module is gone")
	}
}

// TestPasswordFileOpenToOthersIsRefused: a password_file that group or
// others may read or write is refused, as check's --users is; 0600 and
// 0400 are accepted.
func TestPasswordFileOpenToOthersIsRefused(t *testing.T) {
	for _, mode := range []os.FileMode{0o600, 0o400, 0o640, 0o604, 0o644, 0o620} {
		t.Run(fmt.Sprintf("mode_%04o", mode), func(t *testing.T) {
			dir := t.TempDir()
			pass := filepath.Join(dir, "pass")
			os.WriteFile(pass, []byte(testPass), 0o600)
			if err := os.Chmod(pass, mode); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, "m.yml")
			os.WriteFile(path, []byte("modules:\n  m:\n    user: alice\n    password_file: pass\n    hosts: [h]\n"), 0o600)
			_, err := Load(path)
			if mode&0o077 == 0 {
				if err != nil {
					t.Fatalf("mode %04o refused: %v", mode, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), "open to group or others") || !strings.Contains(err.Error(), "chmod 600") ||
				strings.Contains(err.Error(), testPass) {
				t.Errorf("mode %04o: err %v", mode, err)
			}
		})
	}
}
