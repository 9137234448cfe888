package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

// usersFile writes an auth file of name:password pairs hashed at cost
// and loads it.
func usersFile(t testing.TB, cost int, pairs ...string) Users {
	t.Helper()
	var lines []string
	for i := 0; i < len(pairs); i += 2 {
		h, err := bcrypt.GenerateFromPassword([]byte(pairs[i+1]), cost)
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, pairs[i]+":"+string(h))
	}
	file := filepath.Join(t.TempDir(), "users")
	if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	u, err := LoadUsers(file)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// serve sends one request to the real handler and returns the recorded
// answer.
func serve(s *Server, method, host, remote, user, pass string, header http.Header) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, "http://"+host+"/", nil)
	req.Host, req.RemoteAddr = host, remote
	for k, v := range header {
		req.Header[k] = v
	}
	if user != "" {
		req.SetBasicAuth(user, pass)
	}
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	return rec
}

func TestHostHeader(t *testing.T) {
	tests := []struct {
		name, listen, host string
		hosts              []string
		want               int
	}{
		{"loopback_ip", "", "127.0.0.1:9122", nil, 200},
		{"other_loopback_ip", "", "127.0.0.2", nil, 200},
		{"loopback_v6", "", "[::1]:9122", nil, 200},
		{"localhost", "", "localhost:9122", nil, 200},
		{"rebound_name", "", "attacker.example:9122", nil, 421},
		{"rebound_name_bare", "", "attacker.example", nil, 421},
		{"empty_host", "", "", nil, 421},
		{"host_flag", "", "helpdesk.example.net:9122", []string{"helpdesk.example.net"}, 200},
		{"host_flag_case_and_dot", "", "HelpDesk.Example.NET.", []string{"helpdesk.example.net"}, 200},
		{"host_flag_other_name", "", "evil.example.net", []string{"helpdesk.example.net"}, 421},
		{"listen_address", "10.1.2.3:9122", "10.1.2.3:9122", nil, 200},
		{"listen_address_other_ip", "10.1.2.3:9122", "10.1.2.4:9122", nil, 421},
		{"listen_name", "helpdesk.internal:9122", "helpdesk.internal:9122", nil, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(Options{Listen: tt.listen, Hosts: tt.hosts})
			defer s.Close()
			for _, method := range []string{"GET", "POST"} {
				rec := serve(s, method, tt.host, "127.0.0.1:5000", "", "", nil)
				got := rec.Code
				if method == "POST" && got != 421 {
					got = 200 // the POST went past the Host check (and was refused later, for its form)
				}
				if got != tt.want {
					t.Errorf("%s with Host %q: %d, want %d: %s", method, tt.host, rec.Code, tt.want, rec.Body)
				}
			}
		})
	}
}

func TestHostHeaderRefusedBeforeAuth(t *testing.T) {
	s := New(Options{Users: usersFile(t, bcrypt.MinCost, "help", "pw")})
	defer s.Close()
	var n atomic.Int32
	s.auth.compare = func(h, p []byte) error { n.Add(1); return bcrypt.CompareHashAndPassword(h, p) }
	if rec := serve(s, "GET", "attacker.example", "127.0.0.1:5000", "help", "pw", nil); rec.Code != 421 {
		t.Fatalf("foreign Host with the right password: %d, want 421", rec.Code)
	}
	if n.Load() != 0 {
		t.Errorf("%d bcrypt comparisons for a refused Host, want 0", n.Load())
	}
}

func TestCrossSitePost(t *testing.T) {
	ts := startWeb(t, Options{Burst: 100, Rate: 100})
	c := browser(t)
	tests := []struct {
		name   string
		header map[string]string
		want   int
	}{
		{"same_origin_fetch", map[string]string{"Sec-Fetch-Site": "same-origin"}, 303},
		{"cross_site_fetch", map[string]string{"Sec-Fetch-Site": "cross-site"}, 403},
		{"same_site_fetch", map[string]string{"Sec-Fetch-Site": "same-site"}, 403},
		{"foreign_origin", map[string]string{"Origin": "http://attacker.example"}, 403},
		{"null_origin", map[string]string{"Origin": "null"}, 403},
		{"own_origin", map[string]string{"Origin": ts.URL}, 303},
		{"no_browser_headers", nil, 303},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok := formToken(t, c, ts.URL)
			form := url.Values{"csrf": {tok}, "target": {"127.0.0.1:1"}}
			req, _ := http.NewRequest("POST", ts.URL+"/check", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for k, v := range tt.header {
				req.Header.Set(k, v)
			}
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.want {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.want)
			}
		})
	}
}

// countingAuth is a server with two users (bcrypt cost 4) whose bcrypt
// comparisons are counted.
func countingAuth(t *testing.T, opts Options) (*Server, *atomic.Int32) {
	opts.Users = usersFile(t, bcrypt.MinCost, "help", "right-pw", "desk", "other-pw")
	s := New(opts)
	t.Cleanup(s.Close)
	var n atomic.Int32
	s.auth.compare = func(h, p []byte) error { n.Add(1); return bcrypt.CompareHashAndPassword(h, p) }
	return s, &n
}

func TestAuthLimitBeforeBcrypt(t *testing.T) {
	s, compares := countingAuth(t, Options{Rate: 0.001, Burst: 3})
	steps := []struct {
		name, remote, user, pass string
		want, compares           int
	}{
		{"wrong_1", "10.0.0.1:1", "help", "guess1", 401, 1},
		{"wrong_2", "10.0.0.1:2", "help", "guess2", 401, 2},
		{"unknown_user", "10.0.0.1:3", "nobody", "guess3", 401, 3},
		{"over_the_limit", "10.0.0.1:4", "help", "guess4", 429, 3},
		{"right_password_while_limited", "10.0.0.1:5", "help", "right-pw", 429, 3},
		{"other_client_right_password", "10.0.0.2:1", "help", "right-pw", 200, 4},
		{"other_client_again_cached", "10.0.0.2:2", "help", "right-pw", 200, 4},
		{"no_credentials", "10.0.0.1:6", "", "", 401, 4},
	}
	for _, st := range steps {
		rec := serve(s, "GET", "127.0.0.1:9122", st.remote, st.user, st.pass, nil)
		if rec.Code != st.want || int(compares.Load()) != st.compares {
			t.Fatalf("%s: status %d after %d bcrypt comparisons, want %d after %d", st.name, rec.Code, compares.Load(), st.want, st.compares)
		}
		if st.want == 429 && rec.Header().Get("Retry-After") == "" {
			t.Errorf("%s: 429 without Retry-After", st.name)
		}
	}
	// 32 guesses at once from one more client: bcrypt runs at most burst times.
	var wg sync.WaitGroup
	var limited atomic.Int32
	for i := range 32 {
		wg.Go(func() {
			if serve(s, "GET", "127.0.0.1:9122", "10.0.0.3:1", "help", "guess"+string(rune('a'+i)), nil).Code == 429 {
				limited.Add(1)
			}
		})
	}
	wg.Wait()
	if got := compares.Load() - 4; got > 3 || limited.Load() != 32-got {
		t.Errorf("32 parallel guesses: %d bcrypt comparisons and %d answers 429, want at most 3 and the rest 429", got, limited.Load())
	}
}

func TestAuthOneCostForKnownAndUnknown(t *testing.T) {
	for _, cost := range []int{bcrypt.MinCost, 6} {
		users := usersFile(t, cost, "help", "right-pw")
		s := New(Options{Users: users, Burst: 100, Rate: 100})
		defer s.Close()
		if got, _ := bcrypt.Cost(s.auth.dummy); got != cost {
			t.Errorf("file of cost %d: dummy hash of cost %d", cost, got)
		}
		var costs []int
		s.auth.compare = func(h, p []byte) error {
			c, _ := bcrypt.Cost(h)
			costs = append(costs, c)
			return bcrypt.CompareHashAndPassword(h, p)
		}
		for _, user := range []string{"help", "nobody"} {
			if rec := serve(s, "GET", "127.0.0.1", "10.0.0.1:1", user, "wrong", nil); rec.Code != 401 {
				t.Errorf("%s with a wrong password: %d, want 401", user, rec.Code)
			}
		}
		if len(costs) != 2 || costs[0] != cost || costs[1] != cost {
			t.Errorf("file of cost %d: known then unknown user compared at costs %v, want one each at %d", cost, costs, cost)
		}
	}
}

// The answer times of a known user with a wrong password and of an unknown
// user: the goal is within 3x (docs/web.md); measured, never asserted.
//
//	go test -run '^$' -bench AuthKnownUnknown ./web
func BenchmarkAuthKnownUnknown(b *testing.B) {
	users := usersFile(b, bcrypt.DefaultCost, "help", "right-pw")
	s := New(Options{Users: users, Burst: 1e9, Rate: 1e9})
	defer s.Close()
	for _, user := range []string{"help", "nobody"} {
		b.Run(user, func(b *testing.B) {
			for b.Loop() {
				if rec := serve(s, "GET", "127.0.0.1", "10.0.0.1:1", user, "wrong", nil); rec.Code != 401 {
					b.Fatalf("%d", rec.Code)
				}
			}
		})
	}
}

func TestCSRFBoundToUserAndServer(t *testing.T) {
	users := usersFile(t, bcrypt.MinCost, "help", "help-pw", "desk", "desk-pw")
	ts := startWeb(t, Options{Users: users, Burst: 100, Rate: 100})
	as := func(user, pass string, c *http.Client) *http.Client {
		c.Transport = authTransport{user: user, pass: pass}
		return c
	}
	help := as("help", "help-pw", browser(t))
	tok := formToken(t, help, ts.URL)
	desk := as("desk", "desk-pw", browser(t))
	u, _ := url.Parse(ts.URL)
	desk.Jar.SetCookies(u, help.Jar.Cookies(u)) // desk holds help's cookie and token
	form := url.Values{"csrf": {tok}, "target": {"127.0.0.1:1"}}
	if resp, body := post(t, desk, ts.URL, form); resp.StatusCode != 403 {
		t.Errorf("another user's token and cookie: %d, want 403: %s", resp.StatusCode, body)
	}
	minted := as("help", "help-pw", browser(t))
	minted.Jar.SetCookies(u, []*http.Cookie{{Name: csrfCookie, Value: strings.Repeat("A", 43) + ".forged"}})
	if resp, _ := post(t, minted, ts.URL, url.Values{"csrf": {tok}, "target": {"127.0.0.1:1"}}); resp.StatusCode != 403 {
		t.Errorf("a cookie the server did not sign: %d, want 403", resp.StatusCode)
	}
	if resp, _ := get(t, minted, ts.URL+"/"); !strings.Contains(resp.Header.Get("Set-Cookie"), csrfCookie+"=") {
		t.Error("the form kept a cookie the server did not sign instead of issuing its own")
	}
	if resp, body := post(t, help, ts.URL, form); resp.StatusCode != 303 {
		t.Errorf("the user's own token: %d, want 303: %s", resp.StatusCode, body)
	}
}

// authTransport adds basic auth to every request.
type authTransport struct{ user, pass string }

func (a authTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.SetBasicAuth(a.user, a.pass)
	return http.DefaultTransport.RoundTrip(r)
}

func TestHostName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"HelpDesk.Example.NET", "helpdesk.example.net"}, {"helpdesk.example.net:443", "helpdesk.example.net"},
		{"[2001:db8::1]:9122", "2001:db8::1"}, {"10.0.0.5", "10.0.0.5"},
		{"https://helpdesk.example.net/", ""}, {"a b", ""}, {"", ""}, {"host:0", ""}, {"user@host", ""},
	}
	for _, tt := range tests {
		got, err := HostName(tt.in)
		if got != tt.want || (err != nil) != (tt.want == "") {
			t.Errorf("HostName(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}
