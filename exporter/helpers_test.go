package exporter

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/ftpdoctor/ftpdoctor/internal/testutil"
	"github.com/ftpdoctor/ftpdoctor/modules"
)

// TestMain fails the tests if a goroutine outlives them.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

const testPass = "Exporter-S3ntinel-pw"

// testModules writes a config with a credential module pinned to
// 127.0.0.1 (any port, as the fixtures' ports are not known beforehand)
// and returns what LoadConfig makes of it.
func testModules(t *testing.T) map[string]modules.Module {
	t.Helper()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "corp.pass"), []byte(testPass+"\n"), 0o600)
	cfg := `modules:
  corp:
    mode: both
    tls: off
    timeout: 1s
    user: alice
    password_file: corp.pass
    hosts: ["127.0.0.1/32:*", ftp.corp.example]
  anon:
    timeout: 1s
`
	path := filepath.Join(dir, "modules.yml")
	os.WriteFile(path, []byte(cfg), 0o600)
	mods, err := modules.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return mods
}

// startExporter serves an Exporter on a loopback test server; the log
// goes to the returned buffer, which every test checks for the password.
func startExporter(t *testing.T, opts Options) (*Exporter, *httptest.Server, *testutil.SyncBuffer) {
	t.Helper()
	logs := &testutil.SyncBuffer{}
	opts.Logger = slog.New(slog.NewTextHandler(logs, nil))
	if opts.Modules == nil {
		opts.Modules = testModules(t)
	}
	e := New(opts)
	srv := httptest.NewServer(e.Handler())
	t.Cleanup(func() {
		srv.Close()
		if strings.Contains(logs.String(), testPass) {
			t.Errorf("the password appears in the log:\n%s", logs.String())
		}
	})
	return e, srv, logs
}

// get fetches path from srv with optional headers (name, value pairs).
func get(t *testing.T, srv *httptest.Server, path string, headers ...string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if strings.Contains(string(body), testPass) {
		t.Fatalf("the password appears in the response to %s", path)
	}
	return resp.StatusCode, string(body)
}
