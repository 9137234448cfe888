package exporter_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestAlertRules runs Debian's promtool on the alerting rules of
// docs/monitoring.md: they must load, and testdata/alerts_test.yml's cases
// (a down server, one the scrape timeout keeps cutting short, a flaky one,
// an exporter that does not answer, a healthy one) must raise exactly the
// alerts they expect. Without promtool it skips, unless CI is set: then it
// fails.
func TestAlertRules(t *testing.T) {
	bin := debianTool(t, "promtool")
	rules := docBlock(t, "alert-rules")
	cases, err := os.ReadFile("testdata/alerts_test.yml")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for name, data := range map[string][]byte{"alerts.yml": rules, "alerts_test.yml": cases} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, args := range [][]string{{"check", "rules", "alerts.yml"}, {"test", "rules", "alerts_test.yml"}} {
		cmd := exec.Command(bin, args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("promtool %v: %v\n%s", args, err, out)
		}
	}
}
