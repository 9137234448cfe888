package integration

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ftpdoctor/ftpdoctor/internal/netlab"
)

// transferJSON is the transfer stage's evidence, as far as the suite
// asserts on it.
type transferJSON struct {
	Transfer struct {
		Mode           string   `json:"mode"`              // passive or active
		File           string   `json:"file"`              // the downloaded file
		LargestOKBytes int64    `json:"largest_ok_bytes"`  // largest whole transfer
		StalledBytes   *int64   `json:"stalled_bytes"`     // bytes before a stall
		MSS            int      `json:"mss_bytes"`         // the stalled data connection's MSS
		MTU            int      `json:"mtu_bytes"`         // its path MTU
		ClampedMSS     int      `json:"clamped_mss_bytes"` // the retry's MSS
		ControlIdleMS  float64  `json:"control_idle_ms"`   // idle time of a lost control connection
		LineEndings    string   `json:"line_endings"`      // TYPE A test
		LeftBehind     []string `json:"left_behind"`       // files left on the server
		Transfers      []struct {
			Direction   string  `json:"direction"`              // download or upload
			Type        string  `json:"type"`                   // I or A
			Path        string  `json:"path"`                   // file on the server
			Status      string  `json:"status"`                 // pass, warn, fail
			Code        string  `json:"code"`                   // problem code
			Bytes       int64   `json:"bytes"`                  // bytes moved
			Stopped     bool    `json:"stopped"`                // stopped at --transfer-size
			Throughput  float64 `json:"throughput_bytes_per_s"` // bytes per second
			SHA256Match *bool   `json:"sha256_match"`           // read back equal
			Reply       struct {
				Code int `json:"code"` // decisive reply code
			} `json:"reply"` // decisive reply
		} `json:"transfers"` // every transfer
	} `json:"transfer"` // the stage's measurements
}

// transferEvidence parses the transfer stage's evidence of a run.
func transferEvidence(t *testing.T, got checkResult) transferJSON {
	t.Helper()
	s, ok := stage(got.Report, "transfer")
	if !ok {
		t.Fatalf("no transfer stage:\n%s", got.Raw)
	}
	var ev transferJSON
	if err := json.Unmarshal(s.Evidence, &ev); err != nil {
		t.Fatalf("transfer evidence: %v\n%s", err, s.Evidence)
	}
	return ev
}

// transferDir makes a directory of the test user's home for one scenario
// holding big.bin (bigBytes random bytes) and small.txt, owned by the user
// with mode, and removes it when the test ends. It returns the directory's
// name relative to the home.
func (l *lab) transferDir(bigBytes int, mode os.FileMode) string {
	l.t.Helper()
	name := fmt.Sprintf("xfer-%s-%d", netlab.RunID(), l.index)
	dir := filepath.Join(suite.home, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		l.t.Fatal(err)
	}
	l.t.Cleanup(func() { os.RemoveAll(dir) })
	big := make([]byte, bigBytes)
	rand.Read(big)
	if err := os.WriteFile(filepath.Join(dir, "big.bin"), big, 0o644); err != nil {
		l.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "small.txt"), []byte("small\n"), 0o644); err != nil {
		l.t.Fatal(err)
	}
	if b, err := exec.Command("chown", "-R", suite.user+":", dir).CombinedOutput(); err != nil {
		l.t.Fatalf("chown: %v: %s", err, b)
	}
	if err := os.Chmod(dir, mode); err != nil {
		l.t.Fatal(err)
	}
	return name
}

// transferRun is a login to the scenario's directory with --transfer and
// more flags.
func transferRun(l *lab, dir string, flags ...string) checkRun {
	r := login(fmt.Sprintf("ftp://%s/%s/", l.Target(), dir))
	r.Extra = append([]string{"--transfer"}, flags...)
	r.Timeout = patient // nothing here waits for a drop but the stall, which sets quick again
	return r
}

// nothingLeft fails the test when the scenario's directory holds anything
// but the two files it was made with.
func nothingLeft(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(suite.home, dir))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if e.Name() != "big.bin" && e.Name() != "small.txt" {
			names = append(names, e.Name())
		}
	}
	if len(names) > 0 {
		t.Errorf("--write left files on the server: %s", strings.Join(names, ", "))
	}
}

// failedTransfer returns the first failed transfer of the evidence.
func (ev transferJSON) failed() (code string, reply int, ok bool) {
	for _, tr := range ev.Transfer.Transfers {
		if tr.Status == "fail" {
			return tr.Code, tr.Reply.Code, true
		}
	}
	return "", 0, false
}

// keepQuotaFile removes, when the test ends, the .ftpquota file Pure-FTPd
// writes in the test user's home when it enforces a quota (-n), unless the
// file was there before.
func (l *lab) keepQuotaFile() {
	path := filepath.Join(suite.home, ".ftpquota")
	if _, err := os.Stat(path); err == nil {
		return
	}
	l.t.Cleanup(func() { os.Remove(path) })
}
