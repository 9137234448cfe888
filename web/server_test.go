package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/ftpdoctor/ftpdoctor/fixtures"
	"github.com/ftpdoctor/ftpdoctor/internal/contract"
	"github.com/ftpdoctor/ftpdoctor/modules"
	"github.com/ftpdoctor/ftpdoctor/report"
)

func TestCheckHealthyAndWrongPassword(t *testing.T) {
	srv := healthyFTP(t)
	ts := startWeb(t, Options{})
	c := browser(t)
	tests := []struct {
		name, pass, verdict, cause string
	}{
		{"healthy", testPassword, `data-verdict="ok"`, ""},
		{"wrong_password", testPassword + "-wrong", `data-verdict="critical"`, "login.rejected"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok := formToken(t, c, ts.URL)
			loc, page := runCheck(t, c, ts.URL, url.Values{"csrf": {tok}, "target": {srv.Addr()}, "user": {"alice"},
				"password": {tt.pass}, "mode": {"both"}, "tls": {"auto"}, "module": {"default"}})
			if !strings.Contains(page, tt.verdict) {
				t.Fatalf("want %s in the report:\n%s", tt.verdict, page)
			}
			if tt.cause != "" && !strings.Contains(page, `class="cause-code">`+tt.cause+`<`) {
				t.Errorf("cause %s missing", tt.cause)
			}
			resp, _ := get(t, c, ts.URL+loc)
			if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control = %q, want no-store", cc)
			}
			_, file := get(t, c, ts.URL+loc+"/download")
			_, js := get(t, c, ts.URL+loc+"/json")
			for what, s := range map[string]string{"page": page, "download": file, "json": js, "log": ts.log.String()} {
				if strings.Contains(s, tt.pass) || strings.Contains(s, testPassword) {
					t.Errorf("the password appears in the %s", what)
				}
			}
			contract.Assert(t, contract.Web, []byte(js))
			var rep report.Report
			if err := json.Unmarshal([]byte(js), &rep); err != nil || rep.SchemaVersion != 1 || len(rep.Stages) == 0 {
				t.Errorf("JSON download is not a check report: %v", err)
			}
		})
	}
}

func TestCSRF(t *testing.T) {
	ts := startWeb(t, Options{})
	c := browser(t)
	tok := formToken(t, c, ts.URL)
	form := func(tok string) url.Values { return url.Values{"csrf": {tok}, "target": {"127.0.0.1:1"}} }
	tests := []struct {
		name   string
		client *http.Client
		token  string
		want   int
	}{
		{"missing_token", c, "", http.StatusForbidden},
		{"forged_token", c, "AAAA" + tok[4:], http.StatusForbidden},
		{"token_without_cookie", browser(t), tok, http.StatusForbidden},
		{"valid", c, tok, http.StatusSeeOther},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := post(t, tt.client, ts.URL, form(tt.token))
			if resp.StatusCode != tt.want {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.want, body)
			}
		})
	}
}

func TestRateLimit(t *testing.T) {
	ts := startWeb(t, Options{Rate: 0.01, Burst: 3})
	c := browser(t)
	tok := formToken(t, c, ts.URL)
	var codes []int
	for range 5 {
		resp, _ := post(t, c, ts.URL, url.Values{"csrf": {tok}, "target": {"127.0.0.1:1"}})
		codes = append(codes, resp.StatusCode)
	}
	want := []int{303, 303, 303, 429, 429}
	for i := range want {
		if codes[i] != want[i] {
			t.Fatalf("statuses %v, want %v", codes, want)
		}
	}
}

func TestLimiterRefills(t *testing.T) {
	now := time.Unix(0, 0)
	l := newLimiter(1, 2, func() time.Time { return now })
	got := []bool{l.allow("a"), l.allow("a"), l.allow("a"), l.allow("b")}
	now = now.Add(1500 * time.Millisecond)
	got = append(got, l.allow("a"), l.allow("a"))
	want := []bool{true, true, false, true, true, false}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("allow sequence %v, want %v", got, want)
		}
	}
}

func TestBusy(t *testing.T) {
	silent := fixtures.StartT(t, fixtures.Script{Connect: fixtures.ConnectSilent})
	ts := startWeb(t, Options{MaxConcurrent: 1, Burst: 10, Rate: 1})
	c := browser(t)
	tok := formToken(t, c, ts.URL)
	form := url.Values{"csrf": {tok}, "target": {silent.Addr()}}
	if resp, body := post(t, c, ts.URL, form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("first: %d %s", resp.StatusCode, body)
	}
	if resp, _ := post(t, c, ts.URL, form); resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("second while the first runs: %d, want 503", resp.StatusCode)
	}
}

func TestAuth(t *testing.T) {
	users := usersFile(t, bcrypt.MinCost, "help", "helpdesk-pw") // HashPassword's cost 10 is tested in internal/cli
	ts := startWeb(t, Options{Users: users})
	tests := []struct {
		name, user, pass string
		want             int
	}{
		{"no_credentials", "", "", http.StatusUnauthorized},
		{"wrong_password", "help", "nope", http.StatusUnauthorized},
		{"unknown_user", "root", "helpdesk-pw", http.StatusUnauthorized},
		{"right", "help", "helpdesk-pw", http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest("GET", ts.URL+"/", nil)
			if tt.user != "" {
				req.SetBasicAuth(tt.user, tt.pass)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.want {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.want)
			}
			if tt.want == 401 && !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Basic ") {
				t.Errorf("no Basic challenge")
			}
		})
	}
	if strings.Contains(ts.log.String(), "helpdesk-pw") {
		t.Error("the auth password is in the log")
	}
}

func TestLoadUsersRefusesOtherHashes(t *testing.T) {
	file := filepath.Join(t.TempDir(), "users")
	os.WriteFile(file, []byte("help:$apr1$abc$def\n"), 0o600)
	if _, err := LoadUsers(file); err == nil || !strings.Contains(err.Error(), "not bcrypt") {
		t.Fatalf("err = %v, want a refusal of a non-bcrypt hash", err)
	}
}

func TestNeedsAuth(t *testing.T) {
	tests := []struct {
		addr string
		want bool
	}{
		{"127.0.0.1:9122", false}, {"[::1]:9122", false}, {"localhost:9122", false}, {"127.8.0.1:80", false},
		{":9122", true}, {"0.0.0.0:9122", true}, {"[::]:9122", true}, {"10.0.0.5:9122", true}, {"ftp.example.net:80", true},
	}
	for _, tt := range tests {
		got, err := NeedsAuth(tt.addr)
		if err != nil || got != tt.want {
			t.Errorf("NeedsAuth(%q) = %v, %v; want %v", tt.addr, got, err, tt.want)
		}
	}
	if _, err := NeedsAuth("nonsense"); err == nil {
		t.Error("NeedsAuth(nonsense): no error")
	}
}

func TestHeaders(t *testing.T) {
	ts := startWeb(t, Options{})
	resp, _ := get(t, browser(t), ts.URL+"/")
	want := map[string]string{"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}
	for k, v := range want {
		if got := resp.Header.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	csp := resp.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP = %q", csp)
	}
}

func TestBadInput(t *testing.T) {
	secret := filepath.Join(t.TempDir(), "pw")
	os.WriteFile(secret, []byte("module-secret-pw\n"), 0o600)
	cfgFile := filepath.Join(t.TempDir(), "m.yml")
	os.WriteFile(cfgFile, []byte("modules:\n  corp:\n    user: mon\n    password_file: "+secret+"\n    hosts: [ftp.corp.example]\n"), 0o600)
	mods, err := modules.Load(cfgFile)
	if err != nil {
		t.Fatal(err)
	}
	allow, _ := modules.ParseHostList([]string{"127.0.0.0/8"})
	ts := startWeb(t, Options{Modules: mods, Allow: allow, Burst: 100, Rate: 100})
	c := browser(t)
	tok := formToken(t, c, ts.URL)
	tests := []struct {
		name string
		form url.Values
		want int
		msg  string
	}{
		{"no_target", url.Values{}, 400, "give a target"},
		{"bad_target", url.Values{"target": {"ho st"}}, 400, "bad target"},
		{"password_in_target", url.Values{"target": {"ftp://u:pw123@127.0.0.1/"}}, 400, "password field"},
		{"bad_mode", url.Values{"target": {"127.0.0.1"}, "mode": {"sideways"}}, 400, "data mode"},
		{"bad_tls", url.Values{"target": {"127.0.0.1"}, "tls": {"maybe"}}, 400, "TLS must be"},
		{"unknown_module", url.Values{"target": {"127.0.0.1"}, "module": {"nope"}}, 400, "unknown module"},
		{"unknown_field", url.Values{"target": {"127.0.0.1"}, "evil": {"1"}}, 400, "unknown field"},
		{"not_allowed", url.Values{"target": {"ftp.example.net"}}, 403, "not in --allow"},
		{"module_pinned", url.Values{"target": {"127.0.0.1"}, "module": {"corp"}}, 403, "may only probe its hosts"},
		{"module_with_typed_password", url.Values{"target": {"ftp.corp.example"}, "module": {"corp"}, "password": {"x"}}, 400, "stored credentials"},
		{"unknown_scenario", url.Values{"scenario": {"nope"}}, 400, "unknown demo scenario"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.form.Set("csrf", tok)
			resp, body := post(t, c, ts.URL, tt.form)
			if resp.StatusCode != tt.want || !strings.Contains(body, tt.msg) {
				t.Fatalf("status %d, want %d with %q: %s", resp.StatusCode, tt.want, tt.msg, body)
			}
		})
	}
	t.Run("password_in_url", func(t *testing.T) {
		resp, _ := post(t, c, ts.URL+"/check?password=abc#", url.Values{"csrf": {tok}, "target": {"127.0.0.1"}})
		if resp.StatusCode != 400 {
			t.Fatalf("a query string on POST: %d, want 400", resp.StatusCode)
		}
	})
	for _, p := range []string{"/report/nope", "/docs/..%2fgo.mod", "/docs/causes%2f..%2f..%2fgo.mod", "/docs/causes/nope.md", "/static/x.js"} {
		if resp, _ := get(t, c, ts.URL+p); resp.StatusCode != 404 {
			t.Errorf("GET %s: %d, want 404", p, resp.StatusCode)
		}
	}
	if strings.Contains(ts.log.String(), "module-secret-pw") {
		t.Error("the module's password is in the log")
	}
}

func TestStoreBounds(t *testing.T) {
	now := time.Unix(1000, 0)
	s := newStore(2, time.Minute, func() time.Time { return now })
	a, _ := s.add("a", "m")
	b, _ := s.add("b", "m")
	if _, ok := s.add("c", "m"); ok {
		t.Fatal("a full store of running jobs took another")
	}
	a.finish(report.Report{})
	if _, ok := s.add("c", "m"); !ok {
		t.Fatal("the oldest finished job was not evicted")
	}
	if _, ok := s.get(a.ID); ok {
		t.Error("evicted job still there")
	}
	b.finish(report.Report{})
	now = now.Add(2 * time.Minute)
	if _, ok := s.get(b.ID); ok || s.len() != 1 {
		t.Errorf("expired job kept (len %d)", s.len())
	}
}
