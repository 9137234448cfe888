package web

import (
	"strings"
	"testing"
)

// TestMarkdownDropsRawHTML: a docs page renders its tables and code, and
// raw HTML in it, a block or inline, reaches the page neither as markup
// nor as text.
func TestMarkdownDropsRawHTML(t *testing.T) {
	page := "# Title\n\n| code | meaning |\n|---|---|\n| `a<b` | ~~old~~ new |\n\n" +
		"<script>alert(1)</script>\n\nText with <img src=x onerror=alert(2)> inline & more.\n"
	got := string(markdown([]byte(page)))
	for _, want := range []string{"<h1>Title</h1>", "<table>", "<code>a&lt;b</code>", "<del>old</del>", "inline &amp; more"} {
		if !strings.Contains(got, want) {
			t.Errorf("rendered page lacks %q:\n%s", want, got)
		}
	}
	for _, bad := range []string{"<script", "alert(1)", "<img", "onerror"} {
		if strings.Contains(got, bad) {
			t.Errorf("rendered page carries %q:\n%s", bad, got)
		}
	}
}
