package exporter

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ftpdoctor/ftpdoctor/fixtures"
)

// TestTightScrapeIsInterruptedNotDown: a healthy server 200 ms of round
// trip away cannot be checked in a 1.2 s scrape (0.7 s after
// --timeout-offset). The probe says it was interrupted, with verdict
// unknown and no cause, never that the server is down; probe_success
// stays 0 so that missing data still alerts.
func TestTightScrapeIsInterruptedNotDown(t *testing.T) {
	const oneWay = 100 * time.Millisecond
	healthy := fixtures.StartT(t, fixtures.Script{Users: map[string]string{"alice": testPass},
		PassiveWrap: fixtures.DelayPassive(oneWay), ActiveDialer: fixtures.DelayDialer(oneWay, nil)})
	proxy, err := fixtures.StartProxy(fixtures.ProxyConfig{Upstream: healthy.Addr(), Delay: oneWay})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { proxy.Close() })
	_, srv, _ := startExporter(t, Options{})
	code, body := get(t, srv, probePath(proxy.Addr(), "corp"), "X-Prometheus-Scrape-Timeout-Seconds", "1.2")
	if code != http.StatusOK {
		t.Fatalf("status %d: %s", code, body)
	}
	for _, w := range []string{"ftpdoctor_interrupted 1", "probe_success 0", "ftpdoctor_verdict 3"} {
		if !strings.Contains(body, w+"\n") {
			t.Errorf("no %q in\n%s", w, body)
		}
	}
	if strings.Contains(body, `severity="critical"`) {
		t.Errorf("a healthy server cut short by the scrape has a critical cause:\n%s", body)
	}
	if strings.Contains(body, `status="fail"} 1`) {
		t.Errorf("a stage the deadline cut short is reported failed:\n%s", body)
	}
	if !strings.Contains(body, `status="interrupted"} 1`) {
		t.Errorf("no stage reported interrupted:\n%s", body)
	}
	// debug=true shows the same in the table.
	_, text := get(t, srv, probePath(proxy.Addr(), "corp", "debug", "true"), "X-Prometheus-Scrape-Timeout-Seconds", "1.2")
	if !strings.Contains(text, "Interrupted: ") || !strings.Contains(text, "Verdict: UNKNOWN (exit 3)") {
		t.Errorf("the debug report does not say the check was interrupted:\n%s", text)
	}
	// With a scrape timeout that leaves room, the same server is healthy.
	_, body = get(t, srv, probePath(proxy.Addr(), "corp"), "X-Prometheus-Scrape-Timeout-Seconds", "20")
	if !strings.Contains(body, "probe_success 1\n") || !strings.Contains(body, "ftpdoctor_interrupted 0\n") {
		t.Errorf("with a 20 s scrape timeout:\n%s", body)
	}
}
