package exporter

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ftpdoctor/ftpdoctor/fixtures"
	"github.com/ftpdoctor/ftpdoctor/modules"
)

// TestTransferModuleReportsThroughput: a module with transfer: true runs
// the transfer stage's download and exports its throughput; it never
// uploads.
func TestTransferModuleReportsThroughput(t *testing.T) {
	srv := fixtures.StartT(t, fixtures.Script{Users: map[string]string{"alice": testPass},
		Files: map[string][]byte{"/big.bin": make([]byte, 200<<10), "/small.txt": []byte("small\n")}})
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "corp.pass"), []byte(testPass+"\n"), 0o600)
	cfg := "modules:\n  xfer:\n    tls: off\n    timeout: 1s\n    user: alice\n    password_file: corp.pass\n    hosts: [\"127.0.0.1/32:*\"]\n    transfer: true\n    transfer_size: 64KiB\n"
	path := filepath.Join(dir, "modules.yml")
	os.WriteFile(path, []byte(cfg), 0o600)
	mods, err := modules.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if tc := mods["xfer"].Transfer; tc == nil || tc.Size != 64<<10 || tc.Write {
		t.Fatalf("module transfer = %+v, want a 64 KiB download and no write", tc)
	}
	_, exp, _ := startExporter(t, Options{Modules: mods})
	code, body := get(t, exp, probePath(srv.Addr(), "xfer"), "X-Prometheus-Scrape-Timeout-Seconds", "10")
	if code != http.StatusOK {
		t.Fatalf("status %d: %s", code, body)
	}
	for _, w := range []string{`ftpdoctor_transfer_bytes_per_second{direction="download"}`, `ftpdoctor_stage_status{stage="transfer",status="pass"} 1`} {
		if !strings.Contains(body, w) {
			t.Errorf("no %s in\n%s", w, body)
		}
	}
	if strings.Contains(body, `direction="upload"`) {
		t.Errorf("a scrape uploaded:\n%s", body)
	}
	for _, c := range srv.Commands() {
		if strings.HasPrefix(c, "STOR") {
			t.Errorf("the probe sent %q", c)
		}
	}
}
