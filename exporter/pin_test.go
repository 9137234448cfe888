package exporter

import (
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ftpdoctor/ftpdoctor/fixtures"
	"github.com/ftpdoctor/ftpdoctor/modules"
)

// TestCredentialModulePinsItsPort: a credentialed module pinned to
// 127.0.0.1 at one port sends its password there and nowhere else: another
// port of the same host, or the host without a port (port 21), gets 403,
// and the server on the other port receives no command at all.
func TestCredentialModulePinsItsPort(t *testing.T) {
	pinned := fixtures.StartT(t, fixtures.Script{Users: map[string]string{"alice": testPass}})
	other := fixtures.StartT(t, fixtures.Script{Users: map[string]string{"alice": testPass}})
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "corp.pass"), []byte(testPass+"\n"), 0o600)
	cfg := "modules:\n  corp:\n    tls: off\n    timeout: 2s\n    user: alice\n    password_file: corp.pass\n" +
		"    hosts: [\"127.0.0.1:" + strconv.Itoa(pinned.Port()) + "\", localhost, \"[::1]:" + strconv.Itoa(other.Port()) + "\"]\n"
	path := filepath.Join(dir, "modules.yml")
	os.WriteFile(path, []byte(cfg), 0o600)
	mods, err := modules.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	_, srv, _ := startExporter(t, Options{Modules: mods})
	for _, target := range []string{other.Addr(), "127.0.0.1", "127.0.0.1:21", "localhost:" + strconv.Itoa(other.Port()),
		"ftps://localhost:21", "[::1]:" + strconv.Itoa(pinned.Port()), "ftp://127.0.0.1:" + strconv.Itoa(other.Port())} {
		code, body := get(t, srv, probePath(target, "corp"))
		if code != http.StatusForbidden || !strings.Contains(body, "may only probe its hosts and ports") {
			t.Errorf("%s: status %d, body %q; want 403", target, code, body)
		}
	}
	if got := other.Commands(); len(got) != 0 {
		t.Errorf("the server on the port the module is not pinned to received %q", got)
	}
	code, body := get(t, srv, probePath(pinned.Addr(), "corp"))
	if code != http.StatusOK || !strings.Contains(body, "probe_success 1\n") {
		t.Fatalf("the pinned host and port: status %d:\n%s", code, body)
	}
	if !strings.Contains(strings.Join(pinned.Commands(), "\n"), "PASS "+testPass) {
		t.Errorf("the pinned server did not receive the module's login: %q", pinned.Commands())
	}
}

// TestDebugIsNotSniffed: the debug report, which quotes the server's own
// text, is plain text that a browser must not read as anything else.
func TestDebugIsNotSniffed(t *testing.T) {
	healthy := fixtures.StartT(t, fixtures.Script{Users: map[string]string{"alice": testPass},
		Greeting: "220 <html><script>alert(1)</script>"})
	_, srv, _ := startExporter(t, Options{})
	resp, err := srv.Client().Get(srv.URL + probePath(healthy.Addr(), "corp", "debug", "true"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("X-Content-Type-Options = %q, want nosniff", got)
	}
	if got := resp.Header.Get("Content-Type"); got != "text/plain; charset=utf-8" {
		t.Errorf("Content-Type = %q", got)
	}
}
