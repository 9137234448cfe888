package web

import (
	"bytes"
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ftpdoctor/ftpdoctor/fixtures"
	"github.com/ftpdoctor/ftpdoctor/output"
	"github.com/ftpdoctor/ftpdoctor/probes"
	"github.com/ftpdoctor/ftpdoctor/report"
)

// inOrder fails unless each marker appears in s, each after the one
// before.
func inOrder(t *testing.T, what, s string, markers ...string) {
	t.Helper()
	at := 0
	for _, m := range markers {
		i := strings.Index(s[at:], m)
		if i < 0 {
			t.Errorf("%s: %q missing or out of order (want %v)", what, m, markers)
			return
		}
		at += i + len(m)
	}
}

// threeAccounts is a fixture where alice logs in, bob has a wrong
// password and carol is unknown.
func threeAccounts(t *testing.T) *fixtures.Server {
	return fixtures.StartT(t, fixtures.Script{Users: map[string]string{"alice": testPassword, "bob": "bob-right-pw"}})
}

func TestHTMLAnswerFirstWithAccounts(t *testing.T) {
	srv := threeAccounts(t)
	cfg := probes.Config{Target: probes.Target{Host: srv.Host(), Port: srv.Port(), User: "alice"}, Password: testPassword,
		Timeout: 5 * time.Second, Mode: probes.ModeBoth, TLS: probes.TLSAuto}
	accounts := []probes.Credential{{User: "alice", Password: testPassword}, {User: "bob", Password: "bob-wrong-pw"},
		{User: "carol", Password: "carol-pw"}}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rep := report.Build(probes.CheckAccounts(ctx, cfg, accounts, "", 2, probes.DefaultEnv()))
	var buf bytes.Buffer
	if err := WriteHTML(&buf, rep, output.Options{Redact: []probes.Secret{testPassword, "bob-wrong-pw", "carol-pw"}}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	inOrder(t, "page order", out, `id="verdict"`, `id="causes"`, `class="cause-code">login.accounts_refused<`,
		`id="recommendation"`, `id="accounts"`, `data-user="alice"`, `data-user="bob"`, `data-user="carol"`,
		`id="stages"`, `id="server"`)
	inOrder(t, "bob's row", out, `data-user="bob"`, `<td class="phase">at PASS</td>`)
	inOrder(t, "bob's causes", out, `Account <code>bob</code>`, `class="cause-code">login.rejected<`)
	for _, pw := range []string{testPassword, "bob-wrong-pw", "carol-pw"} {
		if strings.Contains(out, pw) {
			t.Errorf("a password is in the file")
		}
	}
	// bob and carol share the client-side fix of login.rejected: given once, then referenced.
	fix := "Check the user name and password"
	if n := strings.Count(out, fix); n != 1 {
		t.Errorf("the shared fix %q is given %d times, want once", fix, n)
	}
	inOrder(t, "carol's reference", out, `data-user="carol"`, `id="account-3-cause-1"`, `The same fix as for <a href="#account-2-cause-1">bob&#39;s cause 1</a>`)
}

func TestRecommendationOnlyWhenDataRan(t *testing.T) {
	srv := healthyFTP(t)
	ts := startWeb(t, Options{Burst: 100, Rate: 100})
	c := browser(t)
	for _, tt := range []struct {
		name, pass string
		want       bool
	}{{"healthy", testPassword, true}, {"wrong_password", "wrong-pw", false}} {
		_, page := runCheck(t, c, ts.URL, url.Values{"csrf": {formToken(t, c, ts.URL)}, "target": {srv.Addr()},
			"user": {"alice"}, "password": {tt.pass}})
		if got := strings.Contains(page, `id="recommendation"`); got != tt.want {
			t.Errorf("%s: recommendation shown %v, want %v", tt.name, got, tt.want)
		}
		inOrder(t, tt.name, page, `id="verdict"`, `id="causes"`, `id="stages"`, `id="server"`)
	}
}

func TestFormAccounts(t *testing.T) {
	srv := threeAccounts(t)
	ts := startWeb(t, Options{Burst: 100, Rate: 100})
	c := browser(t)
	loc, page := runCheck(t, c, ts.URL, url.Values{"csrf": {formToken(t, c, ts.URL)}, "target": {srv.Addr()},
		"user": {"alice"}, "password": {testPassword}, "accounts": {"bob:bob-wrong-pw\r\n# a comment\r\n\r\ncarol:carol-pw\r\n"}})
	for _, u := range []string{"alice", "bob", "carol"} {
		if !strings.Contains(page, `data-user="`+u+`"`) {
			t.Errorf("account %s missing from the report", u)
		}
	}
	_, js := get(t, c, ts.URL+loc+"/json")
	for what, s := range map[string]string{"page": page, "json": js, "log": ts.log.String()} {
		for _, pw := range []string{testPassword, "bob-wrong-pw", "carol-pw"} {
			if strings.Contains(s, pw) {
				t.Errorf("a password is in the %s", what)
			}
		}
	}
	var passes int
	for _, cmd := range srv.Commands() {
		if strings.HasPrefix(cmd, "USER bob") || strings.HasPrefix(cmd, "USER carol") {
			passes++
		}
	}
	if passes < 2 {
		t.Errorf("the server saw %v: bob and carol were not tried", srv.Commands())
	}
	refused := url.Values{"csrf": {formToken(t, c, ts.URL)}, "target": {srv.Addr()}, "accounts": {"bob:pw-one\n:pw-two"}}
	resp, body := post(t, c, ts.URL, refused)
	if resp.StatusCode != 400 || !strings.Contains(body, "line 2") || strings.Contains(body, "pw-one") || strings.Contains(body, "pw-two") {
		t.Errorf("an account line without a user: %d, want 400 naming line 2 and echoing nothing:\n%s", resp.StatusCode, body)
	}
}

func TestParseAccounts(t *testing.T) {
	got, msg := parseAccounts("a:1\nb\n#c:3\n anonymous \nftp:x\n", "default")
	want := []probes.Credential{{User: "a", Password: "1"}, {User: "b", Password: "default"},
		{User: "anonymous", Password: "default"}, {User: "ftp", Password: "x"}}
	if msg != "" || len(got) != len(want) {
		t.Fatalf("got %v, %q", got, msg)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("account %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if got, _ := parseAccounts("anonymous", ""); len(got) != 1 || !got[0].Anonymous {
		t.Errorf("anonymous without a password: %+v, want Anonymous", got)
	}
	if _, msg := parseAccounts(strings.Repeat("u\n", maxFormAccounts+1), ""); !strings.Contains(msg, "at most") {
		t.Errorf("too many accounts: %q", msg)
	}
}

func TestDocsRendered(t *testing.T) {
	ts := startWeb(t, Options{})
	c := browser(t)
	resp, page := get(t, c, ts.URL+"/docs/causes/login.rejected.md")
	if resp.StatusCode != 200 || !strings.Contains(page, `<article class="doc" id="doc"><h1`) || strings.Contains(page, "<pre class=\"doc\"") {
		t.Fatalf("status %d; the page is not rendered Markdown:\n%s", resp.StatusCode, page)
	}
	if resp.Header.Get("Content-Security-Policy") != csp {
		t.Errorf("docs CSP %q, want the form's", resp.Header.Get("Content-Security-Policy"))
	}
	_, web := get(t, c, ts.URL+"/docs/web.md")
	if !strings.Contains(web, "<table>") && !strings.Contains(web, "<code>") {
		t.Errorf("docs/web.md rendered without code or tables")
	}
	if strings.Contains(web, "<script>") || strings.Contains(web, " style=") || strings.Count(web, "<script") != 1 {
		t.Errorf("a rendered docs page carries script or inline style")
	}
}

func TestServedDocLinksAndDownloadLinks(t *testing.T) {
	srv := healthyFTP(t)
	ts := startWeb(t, Options{})
	c := browser(t)
	loc, page := runCheck(t, c, ts.URL, url.Values{"csrf": {formToken(t, c, ts.URL)}, "target": {srv.Addr()},
		"user": {"alice"}, "password": {"wrong-pw"}})
	if !strings.Contains(page, `href="/docs/causes/login.rejected.md"`) {
		t.Errorf("the served page does not link its own docs")
	}
	_, file := get(t, c, ts.URL+loc+"/download")
	if !strings.Contains(file, `href="`+PublicDocs+`docs/causes/login.rejected.md"`) || strings.Contains(file, ts.URL) {
		t.Errorf("the downloaded file does not link the public docs (or links this server)")
	}
}
