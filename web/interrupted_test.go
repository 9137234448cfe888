package web

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ftpdoctor/ftpdoctor/fixtures"
	"github.com/ftpdoctor/ftpdoctor/output"
	"github.com/ftpdoctor/ftpdoctor/probes"
	"github.com/ftpdoctor/ftpdoctor/report"
)

// TestInterruptedReportSaysSo: the HTML report of a check its deadline cut
// short says so in the verdict line and marks the unfinished stages.
func TestInterruptedReportSaysSo(t *testing.T) {
	srv := fixtures.StartT(t, fixtures.Script{Connect: fixtures.ConnectSilent})
	cfg := probes.Config{Target: probes.Target{Host: srv.Host(), Port: srv.Port(), User: "alice"}, Timeout: 5 * time.Second}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	rep := report.Build(probes.Check(ctx, cfg, probes.DefaultEnv()))
	var page bytes.Buffer
	if err := WriteHTML(&page, rep, output.Options{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`data-verdict="unknown"`, "interrupted by the deadline", `id="stage-control" data-status="interrupted"`} {
		if !strings.Contains(page.String(), want) {
			t.Errorf("no %q in the page", want)
		}
	}
}
