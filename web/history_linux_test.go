package web

import (
	"net/http"
	"strings"
	"testing"

	"github.com/ftpdoctor/ftpdoctor/internal/testutil"
)

func TestFullDiskSaysNotSavedAndKeepsOldReports(t *testing.T) {
	srv := healthyFTP(t)
	dir := testutil.SmallDisk(t, 1<<20)
	st := openHistory(t, dir)
	ts := startWeb(t, Options{History: st, Rate: 1000, Burst: 1000})
	c := browser(t)
	old, _ := runCheck(t, c, ts.URL, checkForm(formToken(t, c, ts.URL), srv.Addr(), testPassword))
	testutil.FillDisk(t, dir)
	// The database's WAL may hold room for a report or two; the disk
	// refuses one long before 50.
	var refused, page string
	for range 50 {
		loc, p := runCheck(t, c, ts.URL, checkForm(formToken(t, c, ts.URL), srv.Addr(), testPassword))
		if strings.Contains(p, `id="not-saved"`) {
			refused, page = loc, p
			break
		}
	}
	if refused == "" {
		t.Fatal("50 reports saved on a full disk")
	}
	if !strings.Contains(page, "disk is full") || !strings.Contains(page, `data-verdict="ok"`) {
		t.Errorf("the refused report's page should show it and say the disk is full:\n%s", page)
	}
	if log := ts.log.String(); !strings.Contains(log, `level=ERROR msg="web report not saved"`) || !strings.Contains(log, "disk is full") {
		t.Errorf("the log does not say the report was not saved for a full disk:\n%s", log)
	}
	ts2 := startWeb(t, Options{History: openHistory(t, dir)}) // a restart, on the same full disk
	if resp, p := get(t, c, ts2.URL+old); resp.StatusCode != http.StatusOK || !strings.Contains(p, `data-verdict="ok"`) {
		t.Errorf("the report saved before the disk filled, after a restart: %d", resp.StatusCode)
	}
	if resp, _ := get(t, c, ts2.URL+refused); resp.StatusCode != http.StatusNotFound {
		t.Errorf("the refused report after a restart: %d; want 404, not half a report", resp.StatusCode)
	}
}
