package web

import (
	"bytes"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"

	"github.com/ftpdoctor/ftpdoctor/docs"
)

// markdown renders the docs pages: CommonMark with GitHub's tables, the
// way the pages read on the project's repository. Raw HTML inside a page
// is dropped (goldmark's default), so a page can add neither script nor
// style, and the page's CSP stays as strict as the form's.
var markdown = goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough))

// docPage is the doc template's data.
type docPage struct {
	Path string        // e.g. causes/login.rejected.md
	HTML template.HTML // the page rendered by goldmark, raw HTML dropped
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
	var out bytes.Buffer
	if err := markdown.Convert(b, &out); err != nil {
		s.opts.Logger.Error("web docs", "page", p, "error", err.Error())
		http.Error(w, "internal error rendering the page", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Cache-Control", "max-age=300")
	s.render(w, http.StatusOK, "doc", pageData{Title: "docs/" + p,
		Data: docPage{Path: "docs/" + p, HTML: template.HTML(out.String())}}) // goldmark escapes text and drops raw HTML
}
