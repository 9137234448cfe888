package web

import (
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/russross/blackfriday/v2"

	"github.com/ftpdoctor/ftpdoctor/docs"
)

// markdownExtensions are the Markdown the docs pages use beyond the
// original syntax: GitHub's tables, fenced code and strikethrough.
const markdownExtensions = blackfriday.NoIntraEmphasis | blackfriday.Tables | blackfriday.FencedCode |
	blackfriday.Strikethrough | blackfriday.SpaceHeadings

// markdown renders a docs page to HTML. The renderer is blackfriday, which
// urfave/cli links for its man pages in any case: goldmark with its
// extensions cost every run of ftpdoctor about 5 ms of start-up (its
// package init compiles regular expressions and builds tables) for pages
// only the web server shows (issue 16). Raw HTML inside a page is dropped
// (SkipHTML), so a page can add neither script nor style, and the page's
// CSP stays as strict as the form's; the pages are the project's own,
// embedded at build time, never a visitor's text.
func markdown(page []byte) []byte {
	r := blackfriday.NewHTMLRenderer(blackfriday.HTMLRendererParameters{Flags: blackfriday.SkipHTML})
	return blackfriday.Run(page, blackfriday.WithRenderer(r), blackfriday.WithExtensions(markdownExtensions))
}

// docPage is the doc template's data.
type docPage struct {
	Path string        // e.g. causes/login.rejected.md
	HTML template.HTML // the page rendered by markdown, raw HTML dropped
}

// doc serves a docs page from the binary (docs/causes/CODE.md, the family
// pages, web.md, json.md, ...) rendered to HTML.
func (s *Server) doc(w http.ResponseWriter, r *http.Request) {
	p := path.Clean(r.PathValue("path"))
	if !fs.ValidPath(p) || !strings.HasSuffix(p, ".md") {
		s.refuse(w, r, http.StatusNotFound, "no such docs page")
		return
	}
	b, err := docs.FS.ReadFile(p)
	if err != nil {
		s.refuse(w, r, http.StatusNotFound, "no such docs page")
		return
	}
	w.Header().Set("Cache-Control", "max-age=300")
	s.render(w, http.StatusOK, "doc", pageData{Title: "docs/" + p,
		Data: docPage{Path: "docs/" + p, HTML: template.HTML(markdown(b))}}) // blackfriday escapes text and drops raw HTML
}
