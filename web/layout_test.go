package web

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/ftpdoctor/ftpdoctor/fixtures"
)

// layout is what a page's geometry says, read in the browser.
type layout struct {
	ViewportW float64  `json:"vw"`       // window.innerWidth
	ViewportH float64  `json:"vh"`       // window.innerHeight
	ScrollW   float64  `json:"scrollW"`  // the document's scroll width
	CauseTop  float64  `json:"causeTop"` // the first cause card's top, at scroll 0; -1 without one
	VerdictOK bool     `json:"verdict"`  // the verdict is in the first viewport
	TooWide   []string `json:"tooWide"`  // elements reaching past either edge of the viewport
}

// measure reads the layout of the page shown.
const measure = `(() => {
  window.scrollTo(0, 0);
  const vw = window.innerWidth, vh = window.innerHeight;
  const card = document.querySelector("article.cause");
  const v = document.getElementById("verdict");
  const tooWide = [];
  for (const e of document.querySelectorAll("body *")) {
    // inside a docs table (it scrolls in its own box) or a pre (an inline box there counts its hanging spaces; the pre itself is measured)
    if (e.parentElement && e.parentElement.closest(".doc table, pre")) { continue; }
    const r = e.getBoundingClientRect();
    if (r.width > 0 && (r.right > vw + 0.5 || r.left < -0.5)) {
      tooWide.push(e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className && e.className.baseVal === undefined ? "." + e.className : "") + " " + Math.round(r.left) + "-" + Math.round(r.right));
    }
  }
  return {vw, vh, scrollW: document.documentElement.scrollWidth,
    causeTop: card ? card.getBoundingClientRect().top : -1,
    verdict: !!v && v.getBoundingClientRect().bottom <= vh, tooWide: tooWide.slice(0, 10)};
})()`

// TestBrowserLayout shows reports at a laptop's 1366x768 and a phone's
// 390x844 and asserts by layout: the first cause card starts inside the
// first screen, and nothing is wider than the screen. The screenshots
// (first screen and whole page) are kept under screenshotDir.
func TestBrowserLayout(t *testing.T) {
	ctx := headless(t)
	healthy := fixtures.StartT(t, fixtures.Script{Users: map[string]string{"alice": testPassword, "bob": "bob-right-pw"}})
	dropped := fixtures.StartT(t, fixtures.Script{Users: map[string]string{"alice": testPassword}, PassiveDeadPort: true})
	ts := startWeb(t, Options{Burst: 100, Rate: 100})
	c := browser(t)
	check := func(form url.Values) string {
		form.Set("csrf", formToken(t, c, ts.URL))
		loc, _ := runCheck(t, c, ts.URL, form)
		return loc
	}
	pages := []struct{ name, path string }{
		{"wrong_password", check(url.Values{"target": {healthy.Addr()}, "user": {"alice"}, "password": {"wrong-pw"}})},
		{"passive_dead_port", check(url.Values{"target": {dropped.Addr()}, "user": {"alice"}, "password": {testPassword}})},
		{"accounts", check(url.Values{"target": {healthy.Addr()}, "user": {"alice"}, "password": {testPassword},
			"accounts": {"bob:bob-wrong-pw\ncarol-with-a-rather-long-user-name-for-a-narrow-screen:pw"}})},
	}
	dir := screenshotDir(t)
	for _, p := range []string{"/docs/causes/login.rejected.md", "/docs/web.md", "/"} {
		t.Run("narrow"+strings.ReplaceAll(p, "/", "_"), func(t *testing.T) {
			err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844), chromedp.Navigate(ts.URL+p), chromedp.WaitVisible(chromedp.ID("main")))
			if err != nil {
				t.Fatalf("browser: %v", err)
			}
			l, err := chromedp.Run(ctx, chromedp.Evaluate[layout](measure))
			if err != nil {
				t.Fatalf("browser: measuring: %v", err)
			}
			if shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot()); err == nil {
				_ = os.WriteFile(filepath.Join(dir, "layout_narrow"+strings.ReplaceAll(p, "/", "_")+".png"), shot, 0o644)
			}
			if l.ScrollW > l.ViewportW || len(l.TooWide) > 0 {
				t.Errorf("%s: page %v px wide in a %v px viewport; too wide: %v", p, l.ScrollW, l.ViewportW, l.TooWide)
			}
		})
	}
	for _, size := range []struct{ w, h int64 }{{1366, 768}, {390, 844}} {
		for _, p := range pages {
			name := fmt.Sprintf("%s_%dx%d", p.name, size.w, size.h)
			t.Run(name, func(t *testing.T) {
				err := chromedp.Do(ctx, chromedp.EmulateViewport(size.w, size.h), chromedp.Navigate(ts.URL+p.path),
					chromedp.WaitVisible(chromedp.ID("verdict")))
				if err != nil {
					t.Fatalf("browser: %v", err)
				}
				l, err := chromedp.Run(ctx, chromedp.Evaluate[layout](measure))
				if err != nil {
					t.Fatalf("browser: measuring: %v", err)
				}
				first, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
				if err != nil {
					t.Fatal(err)
				}
				whole, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
				if err != nil {
					t.Fatal(err)
				}
				_ = os.WriteFile(filepath.Join(dir, "layout_"+name+"_first.png"), first, 0o644)
				for _, id := range []string{"accounts", "stages"} { // the lower sections, one screen each, to look at
					if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(e => !!e && (e.scrollIntoView(), true))(document.getElementById("`+id+`"))`)); err != nil {
						t.Fatal(err)
					}
					if shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot()); err == nil {
						_ = os.WriteFile(filepath.Join(dir, "layout_"+name+"_"+id+".png"), shot, 0o644)
					}
				}
				_ = os.WriteFile(filepath.Join(dir, "layout_"+name+"_whole.png"), whole, 0o644)
				if l.ViewportW != float64(size.w) {
					t.Fatalf("viewport %v wide, want %d", l.ViewportW, size.w)
				}
				if l.CauseTop < 0 || l.CauseTop >= l.ViewportH {
					t.Errorf("the first cause card starts at %.0f px, outside the first screen (%v px high)", l.CauseTop, l.ViewportH)
				}
				if !l.VerdictOK {
					t.Error("the verdict is not inside the first screen")
				}
				if l.ScrollW > l.ViewportW || len(l.TooWide) > 0 {
					t.Errorf("page %v px wide in a %v px viewport; too wide: %v", l.ScrollW, l.ViewportW, l.TooWide)
				}
			})
		}
	}
}
