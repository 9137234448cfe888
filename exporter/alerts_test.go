package exporter_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
)

// alertRulesBlock finds the alerting rules in docs/monitoring.md: the yaml
// block after the marker comment.
var alertRulesBlock = regexp.MustCompile("(?s)<!-- alert-rules -->\\s*```yaml\n(.*?)```")

// TestAlertRules runs Debian's promtool on the alerting rules of
// docs/monitoring.md: they must load, and testdata/alerts_test.yml's cases
// (a down server, one the scrape timeout keeps cutting short, a flaky one,
// an exporter that does not answer, a healthy one) must raise exactly the
// alerts they expect. Without promtool it skips, unless CI is set: then it
// fails.
func TestAlertRules(t *testing.T) {
	bin, err := exec.LookPath("promtool")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("promtool is not installed (Debian's prometheus package has it; bash .ci/install.sh installs it)")
		}
		t.Skip("promtool is not installed: apt-get install prometheus (or bash .ci/install.sh) to run this test")
	}
	doc, err := os.ReadFile("../docs/monitoring.md")
	if err != nil {
		t.Fatal(err)
	}
	m := alertRulesBlock.FindSubmatch(doc)
	if m == nil {
		t.Fatal("docs/monitoring.md has no yaml block after <!-- alert-rules -->")
	}
	cases, err := os.ReadFile("testdata/alerts_test.yml")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for name, data := range map[string][]byte{"alerts.yml": m[1], "alerts_test.yml": cases} {
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
