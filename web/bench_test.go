package web

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ftpdoctor/ftpdoctor/fixtures"
	"github.com/ftpdoctor/ftpdoctor/output"
	"github.com/ftpdoctor/ftpdoctor/probes"
	"github.com/ftpdoctor/ftpdoctor/report"
	"github.com/ftpdoctor/ftpdoctor/verdict"
)

// The page's cost over the check itself: the same check of the same
// fixture, once straight (probes.Check + report.Build + the table) and
// once through the page as a browser with JavaScript does it (GET the
// form, POST, follow the 303, wait on the event stream, GET the finished
// report).
//
//	go test -run '^$' -bench 'Check(Direct|Page)' ./web

// directCheck runs the check and renders it, as `ftpdoctor check` does.
func directCheck(tb testing.TB, srv *fixtures.Server) {
	cfg := probes.Config{Target: probes.Target{Host: srv.Host(), Port: srv.Port(), User: "alice"},
		Password: testPassword, Timeout: 5 * time.Second, Mode: probes.ModeBoth, TLS: probes.TLSAuto}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rep := report.Build(probes.Check(ctx, cfg, probes.DefaultEnv()))
	if err := report.WriteTable(io.Discard, rep, output.Options{Redact: []probes.Secret{cfg.Password}}); err != nil {
		tb.Fatal(err)
	}
	if rep.Verdict != verdict.OK {
		tb.Fatalf("verdict %s", rep.Verdict)
	}
}

// pageCheck runs the same check through the page.
func pageCheck(tb testing.TB, c *http.Client, base string, srv *fixtures.Server) {
	tok := formToken(tb, c, base)
	resp, body := post(tb, c, base, url.Values{"csrf": {tok}, "target": {srv.Addr()}, "user": {"alice"},
		"password": {testPassword}, "mode": {"both"}, "tls": {"auto"}})
	if resp.StatusCode != http.StatusSeeOther {
		tb.Fatalf("POST: %d %s", resp.StatusCode, body)
	}
	loc := resp.Header.Get("Location")
	_, events := get(tb, c, base+loc+"/events") // returns at the "done" event
	if !strings.Contains(events, "event: done") {
		tb.Fatalf("event stream ended without done: %s", events)
	}
	_, page := get(tb, c, base+loc)
	if !strings.Contains(page, `data-verdict="ok"`) {
		tb.Fatalf("report not ok:\n%s", page)
	}
}

func BenchmarkCheckDirect(b *testing.B) {
	srv := healthyFTP(b)
	for b.Loop() {
		directCheck(b, srv)
	}
}

func BenchmarkCheckPage(b *testing.B) {
	srv := healthyFTP(b)
	ts := startWeb(b, Options{Rate: 1e6, Burst: 1e6})
	c := browser(b)
	for b.Loop() {
		pageCheck(b, c, ts.URL, srv)
	}
}

// BenchmarkPageOverhead measures what the page adds to a check: the same
// healthy check directly and through the page, one after the other, with
// the difference of their medians reported as ms-added/op (budget 50 ms).
// A benchmark, not a test: timings are measured, never asserted.
func BenchmarkPageOverhead(b *testing.B) {
	srv := healthyFTP(b)
	ts := startWeb(b, Options{Rate: 1e6, Burst: 1e6})
	c := browser(b)
	var direct, page []time.Duration
	for b.Loop() {
		start := time.Now()
		directCheck(b, srv)
		direct = append(direct, time.Since(start))
		start = time.Now()
		pageCheck(b, c, ts.URL, srv)
		page = append(page, time.Since(start))
	}
	slices.Sort(direct)
	slices.Sort(page)
	d, p := direct[len(direct)/2], page[len(page)/2]
	b.ReportMetric(float64(p-d)/float64(time.Millisecond), "ms-added/op")
}
