package exporter

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ftpdoctor/ftpdoctor/fixtures"
	"github.com/ftpdoctor/ftpdoctor/modules"
	"github.com/ftpdoctor/ftpdoctor/probes"
)

func probePath(target, module string, extra ...string) string {
	q := url.Values{"target": {target}}
	if module != "" {
		q.Set("module", module)
	}
	for i := 0; i+1 < len(extra); i += 2 {
		q.Set(extra[i], extra[i+1])
	}
	return "/probe?" + q.Encode()
}

// secondsSample matches a duration sample and captures its decimals.
var secondsSample = regexp.MustCompile(`^(?:probe_duration_seconds|ftpdoctor_stage_duration_seconds)(?:\{[^}]*\})? [0-9]+(?:\.([0-9e+-]+))?$`)

func TestProbeMetrics(t *testing.T) {
	healthy := fixtures.StartT(t, fixtures.Script{Users: map[string]string{"alice": testPass}})
	broken := fixtures.StartT(t, fixtures.Script{Users: map[string]string{"alice": "other"}})
	noPort := fixtures.StartT(t, fixtures.Script{Users: map[string]string{"alice": testPass}, Active: fixtures.ActiveIllegal})
	_, srv, _ := startExporter(t, Options{})
	tests := []struct {
		name   string
		target string
		want   []string
	}{
		{"healthy", healthy.Addr(), []string{"probe_success 1", "ftpdoctor_verdict 0", `ftpdoctor_data_mode_ok{mode="passive"} 1`,
			`ftpdoctor_data_mode_ok{mode="active"} 1`, `ftpdoctor_stage_status{stage="login",status="pass"} 1`,
			`ftpdoctor_stage_status{stage="login",status="fail"} 0`, `ftpdoctor_stage_duration_seconds{stage="dns"}`}},
		{"wrong_password", broken.Addr(), []string{"probe_success 0", "ftpdoctor_verdict 2",
			`ftpdoctor_cause{code="login.rejected",family="credentials",severity="critical"} 1`,
			`ftpdoctor_stage_status{stage="passive",status="skip"} 1`}},
		{"active_refused", noPort.Addr(), []string{"probe_success 1", "ftpdoctor_verdict 1",
			`ftpdoctor_data_mode_ok{mode="active"} 0`, `ftpdoctor_data_mode_ok{mode="passive"} 1`, `code="active.command_refused"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := get(t, srv, probePath(tt.target, "corp"), "X-Prometheus-Scrape-Timeout-Seconds", "10")
			if code != http.StatusOK {
				t.Fatalf("status %d: %s", code, body)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("no %s in\n%s", w, body)
				}
			}
			for _, l := range strings.Split(body, "\n") {
				if m := secondsSample.FindStringSubmatch(l); m != nil && (len(m[1]) > 3 || strings.Contains(m[1], "e")) {
					t.Errorf("%q: a time in seconds with more than three decimals", l)
				}
			}
			if tt.name == "healthy" && strings.Contains(body, "ftpdoctor_cause{") {
				t.Errorf("a healthy server has a cause:\n%s", body)
			}
		})
	}
}

// TestCredentialModulePinsItsHosts: a module that logs in with a password
// never probes a host it does not list, or the password would go to
// whoever the visitor names.
func TestCredentialModulePinsItsHosts(t *testing.T) {
	_, srv, _ := startExporter(t, Options{})
	for _, target := range []string{"attacker.example", "attacker.example:21", "127.0.0.2", "[::1]:21", "ftp.corp.example.evil"} {
		code, body := get(t, srv, probePath(target, "corp"))
		if code != http.StatusForbidden || strings.Count(body, "\n") != 1 {
			t.Errorf("%s: status %d, body %q; want 403 and one line", target, code, body)
		}
	}
	// The anonymous module may go there.
	if code, body := get(t, srv, probePath("127.0.0.2:1", "anon")); code != http.StatusOK {
		t.Errorf("anonymous probe: status %d: %s", code, body)
	}
}

func TestAllowLimitsAnonymousProbes(t *testing.T) {
	allowed := fixtures.StartT(t, fixtures.Script{Anonymous: fixtures.AnonAllowed})
	allow, err := modules.ParseHostList([]string{"127.0.0.1/32,localhost"})
	if err != nil {
		t.Fatal(err)
	}
	_, srv, _ := startExporter(t, Options{Allow: allow})
	tests := []struct {
		target, module string
		want           int
	}{
		{allowed.Addr(), "anon", http.StatusOK},
		{allowed.Addr(), "", http.StatusOK}, // the default module is anonymous too
		{"127.0.0.2:" + strconv.Itoa(allowed.Port()), "anon", http.StatusForbidden},
		{"ftp.example.net", "", http.StatusForbidden},
		{"10.1.2.3", "anon", http.StatusForbidden},
	}
	for _, tt := range tests {
		if code, body := get(t, srv, probePath(tt.target, tt.module)); code != tt.want {
			t.Errorf("%s module %q: status %d, want %d: %s", tt.target, tt.module, code, tt.want, body)
		}
	}
}

func TestBadQueryIs400WithOneLine(t *testing.T) {
	_, srv, _ := startExporter(t, Options{})
	tests := []struct {
		name, path, header, want string
	}{
		{"missing_target", "/probe", "", "missing target"},
		{"unknown_module", probePath("127.0.0.1", "nope"), "", "unknown module"},
		{"bad_target", probePath("ho$t", ""), "", "bad target"},
		{"bad_port", probePath("127.0.0.1:99999", ""), "", "invalid port"},
		{"password_in_query", probePath("ftp://alice:"+testPass+"@127.0.0.1", "corp"), "", "credentials never go in the query"},
		{"password_in_bad_url", probePath("ftp://alice:"+testPass+"@ho%zz", "corp"), "", "bad target"},
		{"user_in_query", probePath("alice@127.0.0.1", ""), "", "credentials never go in the query"},
		{"target_twice", "/probe?target=a&target=b", "", "given 2 times"},
		{"malformed_query", "/probe?target=%zz", "", "malformed query"},
		{"bad_debug", probePath("127.0.0.1", "", "debug", "maybe"), "", "debug must be"},
		{"bad_scrape_timeout", probePath("127.0.0.1", ""), "soon", "X-Prometheus-Scrape-Timeout-Seconds"},
		{"scrape_timeout_below_margin", probePath("127.0.0.1", ""), "0.4", "leaves no time"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var headers []string
			if tt.header != "" {
				headers = []string{"X-Prometheus-Scrape-Timeout-Seconds", tt.header}
			}
			code, body := get(t, srv, tt.path, headers...)
			if code != http.StatusBadRequest || strings.Count(body, "\n") != 1 || !strings.Contains(body, tt.want) {
				t.Errorf("status %d, body %q; want 400 and one line with %q", code, body, tt.want)
			}
		})
	}
}

// TestBusyIs503: past --max-concurrent a request is refused at once, not
// queued.
func TestBusyIs503(t *testing.T) {
	silent := fixtures.StartT(t, fixtures.Script{Connect: fixtures.ConnectSilent})
	e, srv, _ := startExporter(t, Options{MaxConcurrent: 1})
	ctx, cancel := context.WithCancel(context.Background())
	first := make(chan int, 1)
	go func() {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+probePath(silent.Addr(), "anon"), nil)
		resp, err := srv.Client().Do(req)
		if err != nil {
			first <- 0
			return
		}
		resp.Body.Close()
		first <- resp.StatusCode
	}()
	for len(e.slots) == 0 { // the first probe holds the only slot
		time.Sleep(time.Millisecond)
	}
	code, body := get(t, srv, probePath(silent.Addr(), "anon"))
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "busy") {
		t.Errorf("second probe: status %d, body %q; want 503", code, body)
	}
	_, metrics := get(t, srv, "/metrics")
	for _, w := range []string{"ftpdoctor_exporter_probes_in_flight 1", `ftpdoctor_exporter_refused_total{reason="busy"} 1`, "go_goroutines"} {
		if !strings.Contains(metrics, w) {
			t.Errorf("/metrics lacks %s", w)
		}
	}
	cancel()
	<-first
	for len(e.slots) != 0 {
		time.Sleep(time.Millisecond)
	}
}

func TestDebugReturnsTheReport(t *testing.T) {
	broken := fixtures.StartT(t, fixtures.Script{Users: map[string]string{"alice": "other"},
		Replies: map[string]string{"PASS": "530 Password " + testPass + " is wrong"}})
	_, srv, _ := startExporter(t, Options{})
	code, body := get(t, srv, probePath(broken.Addr(), "corp", "debug", "true"))
	if code != http.StatusOK || !strings.Contains(body, "login.rejected") || !strings.Contains(body, "Verdict: CRITICAL") ||
		strings.Contains(body, "probe_success") {
		t.Errorf("status %d:\n%s", code, body)
	}
}

// TestScrapeTimeoutSetsTheDeadline: a server that never greets holds a
// probe until its deadline. With the module's 5 s step timeout the probe
// would take 5 s; the scrape timeout (1 s, less the 0.5 s margin) ends it
// first.
func TestScrapeTimeoutSetsTheDeadline(t *testing.T) {
	silent := fixtures.StartT(t, fixtures.Script{Connect: fixtures.ConnectSilent})
	mods := modules.Defaults()
	e, srv, _ := startExporter(t, Options{Modules: mods})
	code, body := get(t, srv, probePath(silent.Addr(), ""), "X-Prometheus-Scrape-Timeout-Seconds", "1")
	if code != http.StatusOK {
		t.Fatalf("status %d: %s", code, body)
	}
	var d float64
	for _, l := range strings.Split(body, "\n") {
		if strings.HasPrefix(l, "probe_duration_seconds ") {
			fmt.Sscan(strings.TrimPrefix(l, "probe_duration_seconds "), &d)
		}
	}
	if d <= 0 || d >= 2.5 {
		t.Errorf("probe_duration_seconds %v, want about 0.5 (the deadline), far below the 5 s step timeout", d)
	}
	tests := []struct {
		header string
		want   time.Duration
	}{
		{"10", 9500 * time.Millisecond},
		{"2.5", 2 * time.Second},
		{"600", DefaultMaxDeadline},
		{"", DefaultMaxDeadline}, // 12 x 5 s, capped at 60 s
	}
	for _, tt := range tests {
		if got, err := e.deadline(tt.header, mods[modules.DefaultName]); err != nil || got != tt.want {
			t.Errorf("deadline(%q) = %s, %v; want %s", tt.header, got, err, tt.want)
		}
	}
}

// TestAllowLimitsDataConnections: an allowed server whose 227 names
// another address (127.0.0.2) does not make the probe connect there.
func TestAllowLimitsDataConnections(t *testing.T) {
	ftp := fixtures.StartT(t, fixtures.Script{Anonymous: fixtures.AnonAllowed, PassiveAddress: "127.0.0.2"})
	allow, err := modules.ParseHostList([]string{"127.0.0.1/32"})
	if err != nil {
		t.Fatal(err)
	}
	d := &fixtures.Dialer{}
	env := probes.DefaultEnv()
	env.Dialer = d
	_, srv, _ := startExporter(t, Options{Allow: allow, Env: env})
	code, body := get(t, srv, probePath(ftp.Addr(), "anon", "debug", "true"))
	if code != http.StatusOK || !strings.Contains(body, "which --allow does not cover") {
		t.Errorf("status %d:\n%s", code, body)
	}
	for _, a := range d.Dials() {
		if strings.HasPrefix(a, "127.0.0.2:") {
			t.Errorf("the probe connected to %s, outside --allow", a)
		}
	}
}
