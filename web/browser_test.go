package web

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/ftpdoctor/ftpdoctor/fixtures"
)

// chromiumPath finds Debian's chromium. In CI (CI set) a missing browser
// fails the test; elsewhere it skips.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium is not installed (bash .ci/install.sh installs Debian's chromium)")
	}
	t.Skip("chromium is not installed: apt-get install chromium")
	return ""
}

// headless starts a headless chromium with a fresh profile; the context
// ends the browser when the test does.
func headless(t *testing.T) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1200, 900),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelB := chromedp.NewContext(actx)
	ctx, cancelC := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelC(); cancelB(); cancelA() })
	if err := chromedp.Do(ctx); err != nil { // start the browser now
		t.Fatalf("starting chromium: %v", err)
	}
	return ctx
}

// browserResult is what the test reads from the finished report.
type browserResult struct {
	verdict, clientMode, html, banner string
	stages                            []string
	causes                            []string
	scripts                           int
}

// fillAndRun fills the form in the browser, submits it, waits for the
// verdict and reads the report; it saves a screenshot under dir.
func fillAndRun(t *testing.T, ctx context.Context, base, target, user, pass, shot string) browserResult {
	t.Helper()
	var r browserResult
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(chromedp.ID("target")),
		chromedp.SendKeys(chromedp.ID("target"), target),
		chromedp.SendKeys(chromedp.ID("user"), user),
		chromedp.SendKeys(chromedp.ID("password"), pass),
		chromedp.SetValue(chromedp.ID("mode"), "both"),
		chromedp.SetValue(chromedp.ID("tls"), "auto"),
		chromedp.Click(chromedp.ID("submit")),
		chromedp.WaitVisible(chromedp.ID("verdict")),
	)
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	read := func(what string, err error) {
		if err != nil {
			t.Fatalf("browser: reading %s: %v", what, err)
		}
	}
	v, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.ID("verdict"), "data-verdict"))
	read("the verdict", err)
	r.verdict = v.Value
	r.clientMode, err = chromedp.Run(ctx, chromedp.Evaluate[string](`(document.getElementById("client-mode") || {textContent: ""}).textContent`))
	read("the recommendation", err)
	r.stages, err = chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("tr.stage")).map(e => e.id.replace("stage-","") + ":" + e.dataset.status)`))
	read("the stages", err)
	r.causes, err = chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll(".cause-code")).map(e => e.textContent)`))
	read("the causes", err)
	r.scripts, err = chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("script").length`))
	read("the scripts", err)
	r.banner, err = chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("banner").textContent`))
	read("the banner", err)
	r.html, err = chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.outerHTML`))
	read("the DOM", err)
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	read("a screenshot", err)
	if err := os.WriteFile(shot, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", shot)
	return r
}

// screenshotDir keeps the screenshots after the test: FTPDOCTOR_ARTIFACTS
// when set, else a folder under the system's temp dir.
func screenshotDir(t *testing.T) string {
	dir := os.Getenv("FTPDOCTOR_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "ftpdoctor-web-screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestBrowser(t *testing.T) {
	ctx := headless(t)
	var dialogs atomic.Int32
	if err := chromedp.Listen(ctx, func(ev any) {
		if _, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			dialogs.Add(1)
		}
	}); err != nil {
		t.Fatal(err)
	}
	healthy := healthyFTP(t)
	hostile := fixtures.StartT(t, fixtures.Script{Greeting: "220 <script>alert(1)</script>\x1b[31m",
		Users: map[string]string{"alice": testPassword}})
	dropped := fixtures.StartT(t, fixtures.Script{Users: map[string]string{"alice": testPassword}, PassiveDeadPort: true})
	ts := startWeb(t, Options{Burst: 20})
	dir := screenshotDir(t)
	tests := []struct {
		name, target, pass, verdict, cause, mode string
		stages                                   []string
	}{
		{"healthy", healthy.Addr(), testPassword, "ok", "", "either",
			[]string{"dns:pass", "control:pass", "login:pass", "passive:pass", "active:pass"}},
		{"wrong_password", healthy.Addr(), "wrong-" + testPassword, "critical", "login.rejected", "", // no data stage ran: no recommendation
			[]string{"dns:pass", "control:pass", "login:fail", "passive:skip", "active:skip", "firewall:skip"}},
		{"passive_dead_port", dropped.Addr(), testPassword, "warning", "", "active",
			[]string{"login:pass", "active:pass"}},
		{"hostile_banner", hostile.Addr(), testPassword, "ok", "", "either", []string{"login:pass"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := fillAndRun(t, ctx, ts.URL, tt.target, "alice", tt.pass, filepath.Join(dir, tt.name+".png"))
			if r.verdict != tt.verdict {
				t.Errorf("verdict %q, want %q; causes %v", r.verdict, tt.verdict, r.causes)
			}
			if r.clientMode != tt.mode {
				t.Errorf("recommendation %q, want %q", r.clientMode, tt.mode)
			}
			got := strings.Join(r.stages, " ")
			for _, s := range tt.stages {
				if !strings.Contains(" "+got+" ", " "+s+" ") {
					t.Errorf("stage %s missing from %s", s, got)
				}
			}
			if tt.cause != "" && (len(r.causes) == 0 || r.causes[0] != tt.cause) {
				t.Errorf("primary cause %v, want %s", r.causes, tt.cause)
			}
			if tt.name == "passive_dead_port" && (len(r.causes) == 0 || !strings.HasPrefix(r.causes[0], "passive.")) {
				t.Errorf("primary cause %v, want a passive code", r.causes)
			}
			if r.scripts != 1 {
				t.Errorf("%d script elements, want only app.js", r.scripts)
			}
			if tt.name == "hostile_banner" && r.banner != `<script>alert(1)</script>\x1b[31m` {
				t.Errorf("banner shown as %q, want the text with the escape made visible", r.banner)
			}
			loc := r.html[strings.Index(r.html, "/report/"):]
			loc = loc[:strings.Index(loc, `"`)]
			loc = strings.TrimSuffix(strings.TrimSuffix(loc, "/download"), "/json")
			c := browser(t)
			_, source := get(t, c, ts.URL+loc)
			_, file := get(t, c, ts.URL+loc+"/download")
			_, js := get(t, c, ts.URL+loc+"/json")
			for what, s := range map[string]string{"DOM": r.html, "page source": source, "downloaded report": file,
				"JSON": js, "server log": ts.log.String()} {
				if strings.Contains(s, tt.pass) || strings.Contains(s, testPassword) {
					t.Errorf("the password appears in the %s", what)
				}
			}
		})
	}
	if n := dialogs.Load(); n != 0 {
		t.Errorf("%d JavaScript dialogs opened: a banner ran as script", n)
	}
}
