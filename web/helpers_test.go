package web

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ftpdoctor/ftpdoctor/fixtures"
	"github.com/ftpdoctor/ftpdoctor/internal/testutil"
)

// testPassword is the fixture user's password: no output may hold it.
const testPassword = "Zq7-web-secret-PW"

// testServer is a web Server behind httptest, with its log.
type testServer struct {
	*httptest.Server
	web *Server
	log *testutil.SyncBuffer
}

func startWeb(t testing.TB, opts Options) *testServer {
	t.Helper()
	log := &testutil.SyncBuffer{}
	opts.Logger = slog.New(slog.NewTextHandler(log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s := New(opts)
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(func() { ts.Close(); s.Close() })
	return &testServer{Server: ts, web: s, log: log}
}

// healthyFTP is a fixture server where alice logs in with testPassword.
func healthyFTP(t testing.TB) *fixtures.Server {
	return fixtures.StartT(t, fixtures.Script{Users: map[string]string{"alice": testPassword}})
}

// browser is a cookie-keeping client that does not follow redirects.
func browser(t testing.TB) *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// formToken loads the form and returns its CSRF token.
func formToken(t testing.TB, c *http.Client, base string) string {
	t.Helper()
	resp, err := c.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfField.FindSubmatch(body)
	if m == nil {
		t.Fatalf("no csrf field in the form:\n%s", body)
	}
	return string(m[1])
}

// post sends the form and returns the response (body read).
func post(t testing.TB, c *http.Client, base string, form url.Values) (*http.Response, string) {
	t.Helper()
	resp, err := c.PostForm(base+"/check", form)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(body)
}

// get fetches a path and returns the status and body.
func get(t testing.TB, c *http.Client, u string) (*http.Response, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(body)
}

// runCheck posts the form and follows to the finished report; it returns
// the report's path and page.
func runCheck(t testing.TB, c *http.Client, base string, form url.Values) (string, string) {
	t.Helper()
	resp, body := post(t, c, base, form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST /check: %d %s", resp.StatusCode, body)
	}
	loc := resp.Header.Get("Location")
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); {
		_, page := get(t, c, base+loc)
		if !strings.Contains(page, `id="running"`) {
			return loc, page
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("%s still running after 30 s", loc)
	return "", ""
}
