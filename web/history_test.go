package web

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ftpdoctor/ftpdoctor/fixtures"
	"github.com/ftpdoctor/ftpdoctor/history"
	"github.com/ftpdoctor/ftpdoctor/probes"
)

// openHistory opens a history in dir (memory when ""), closed at the end
// of the test; close it sooner to play a restart.
func openHistory(t testing.TB, dir string) *history.Store {
	t.Helper()
	st, err := history.Open(context.Background(), dir, history.Retention{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// checkForm is the form of a check of addr as alice with pass.
func checkForm(tok, addr, pass string) url.Values {
	return url.Values{"csrf": {tok}, "target": {addr}, "user": {"alice"}, "password": {pass},
		"mode": {"both"}, "tls": {"auto"}, "module": {"default"}}
}

func TestReportLinkSurvivesRestart(t *testing.T) {
	srv := healthyFTP(t)
	dir := t.TempDir()
	st := openHistory(t, dir)
	ts := startWeb(t, Options{History: st})
	c := browser(t)
	wrong := testPassword + "-wrong"
	loc, _ := runCheck(t, c, ts.URL, checkForm(formToken(t, c, ts.URL), srv.Addr(), wrong))
	_, js := get(t, c, ts.URL+loc+"/json")
	ts.Close()
	ts.web.Close()
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	for _, f := range files {
		b, _ := os.ReadFile(f)
		if bytes.Contains(b, []byte(testPassword)) {
			t.Errorf("the password is stored in %s", f)
		}
	}

	ts2 := startWeb(t, Options{History: openHistory(t, dir)}) // a new process, as far as the page knows
	resp, page := get(t, c, ts2.URL+loc)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, `data-verdict="critical"`) || !strings.Contains(page, `class="cause-code">login.rejected<`) {
		t.Fatalf("%s after a restart: %d\n%s", loc, resp.StatusCode, page)
	}
	if _, js2 := get(t, c, ts2.URL+loc+"/json"); js2 != js {
		t.Errorf("the JSON after a restart differs from the one before:\n%s\nbefore:\n%s", js2, js)
	}
	if resp, file := get(t, c, ts2.URL+loc+"/download"); resp.StatusCode != http.StatusOK || !strings.Contains(file, "login.rejected") {
		t.Errorf("download after a restart: %d", resp.StatusCode)
	}
	if resp, list := get(t, c, ts2.URL+"/history?host="+srv.Host()); resp.StatusCode != http.StatusOK || !strings.Contains(list, `href="`+loc+`"`) {
		t.Errorf("the recent checks of %s do not link %s:\n%s", srv.Host(), loc, list)
	}
	if _, list := get(t, c, ts2.URL+"/history?host=other.example.net"); strings.Contains(list, loc) || !strings.Contains(list, `id="no-checks"`) {
		t.Errorf("the recent checks of another host list %s", loc)
	}
	if resp, page := get(t, c, ts2.URL+"/report/00112233445566778899aabbccddeeff"); resp.StatusCode != http.StatusNotFound || !strings.Contains(page, "retention") {
		t.Errorf("an unknown report: %d %s", resp.StatusCode, page)
	}
}

// scenario finds a demo scenario by name.
func scenario(t testing.TB, name string) fixtures.Scenario {
	for _, sc := range fixtures.DemoScenarios() {
		if sc.Name == name {
			return sc
		}
	}
	t.Fatalf("no demo scenario %q", name)
	return fixtures.Scenario{}
}

var compareLink = regexp.MustCompile(`href="(/compare/[0-9a-f]{32}/[0-9a-f]{32})"`)

func TestCompareShowsTheFix(t *testing.T) {
	// One server, checked through a firewall that drops every port but
	// the control port (the passive_ports_dropped scenario), then with
	// the firewall opened: the same host and port, before and after.
	srv := healthyFTP(t)
	cfg := probes.Config{Target: probes.Target{Host: srv.Host(), Port: srv.Port(), User: "alice"}, Password: testPassword,
		Timeout: 500 * time.Millisecond, Mode: probes.ModeBoth, TLS: probes.TLSAuto}
	broken, fixed := probes.DefaultEnv(), probes.DefaultEnv()
	broken.Dialer = scenario(t, "passive_ports_dropped").Dialer(srv.Host(), srv.Port())
	fixed.Dialer = &fixtures.Dialer{}
	ts := startWeb(t, Options{History: openHistory(t, ""), Presets: []Preset{
		{Name: "before", Config: cfg, Env: broken}, {Name: "after", Config: cfg, Env: fixed}}})
	c := browser(t)
	var locs []string
	for _, name := range []string{"before", "after"} {
		loc, _ := runCheck(t, c, ts.URL, url.Values{"csrf": {formToken(t, c, ts.URL)}, "scenario": {name}})
		locs = append(locs, loc)
	}
	_, page := get(t, c, ts.URL+locs[1])
	m := compareLink.FindStringSubmatch(page)
	want := "/compare/" + strings.TrimPrefix(locs[0], "/report/") + strings.TrimPrefix(locs[1], "/report")
	if m == nil || m[1] != want {
		t.Fatalf("the second report's link to compare: %v; want %s\n%s", m, want, page)
	}
	if resp, list := get(t, c, ts.URL+"/history?host="+srv.Host()); resp.StatusCode != http.StatusOK || !strings.Contains(list, want) {
		t.Errorf("the recent checks (%d) do not offer %s:\n%s", resp.StatusCode, want, list)
	}
	resp, cmp := get(t, c, ts.URL+want)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: %d %s", want, resp.StatusCode, cmp)
	}
	for _, s := range []string{
		`id="stage-passive" data-change="changed"`,
		`id="cause-passive.data_timeout" data-change="gone"`,
		`<span class="verdict v-ok">`,
	} {
		if !strings.Contains(cmp, s) {
			t.Errorf("the comparison lacks %s:\n%s", s, cmp)
		}
	}
	if resp, _ := get(t, c, ts.URL+"/compare/"+strings.TrimPrefix(locs[0], "/report/")+"/00112233445566778899aabbccddeeff"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("compare with an unknown report: %d; want 404", resp.StatusCode)
	}
}

func TestCompareRefusesTwoHosts(t *testing.T) {
	a, b := healthyFTP(t), healthyFTP(t)
	ts := startWeb(t, Options{History: openHistory(t, "")})
	c := browser(t)
	la, _ := runCheck(t, c, ts.URL, checkForm(formToken(t, c, ts.URL), a.Addr(), testPassword))
	lb, _ := runCheck(t, c, ts.URL, checkForm(formToken(t, c, ts.URL), b.Addr(), testPassword))
	resp, page := get(t, c, ts.URL+"/compare/"+strings.TrimPrefix(la, "/report/")+strings.TrimPrefix(lb, "/report"))
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "different targets") {
		t.Fatalf("compare two ports: %d %s", resp.StatusCode, page)
	}
}

func TestHistoryOff(t *testing.T) {
	ts := startWeb(t, Options{})
	c := browser(t)
	if resp, page := get(t, c, ts.URL+"/history"); resp.StatusCode != http.StatusOK || !strings.Contains(page, `id="history-off"`) {
		t.Fatalf("/history without a store: %d %s", resp.StatusCode, page)
	}
	if resp, _ := get(t, c, ts.URL+"/history?host="+strings.Repeat("a", 300)); resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("a 300-byte host filter: %d; want 400", resp.StatusCode)
	}
}

// TestCloseSavesTheChecksItInterrupts: a check still waiting for the
// server's greeting when the page shuts down is saved, interrupted, before
// Close returns, so that the history closed after Close keeps it.
func TestCloseSavesTheChecksItInterrupts(t *testing.T) {
	srv := fixtures.StartT(t, fixtures.Script{Connect: fixtures.ConnectSilent})
	st := openHistory(t, "")
	ts := startWeb(t, Options{History: st})
	c := browser(t)
	resp, body := post(t, c, ts.URL, checkForm(formToken(t, c, ts.URL), srv.Addr(), testPassword))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST /check: %d %s", resp.StatusCode, body)
	}
	id := strings.TrimPrefix(resp.Header.Get("Location"), "/report/")
	ts.web.Close()
	e, err := st.Get(context.Background(), id)
	if err != nil {
		t.Fatalf("the report of the check Close interrupted is not in the history: %v", err)
	}
	if !e.Report.Interrupted {
		t.Errorf("the saved report does not say it was interrupted: verdict %s", e.Report.Verdict)
	}
}
