package web

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"strings"
	"sync"

	"github.com/ftpdoctor/ftpdoctor/output"
	"github.com/ftpdoctor/ftpdoctor/probes"
	"github.com/ftpdoctor/ftpdoctor/report"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static/style.css static/app.js
var staticFS embed.FS

// stylesheet is the page's one stylesheet, inlined in a downloaded report:
// embedded as a string, it costs nothing at start-up (a copy read from
// staticFS in a var block ran, and allocated, for every command).
//
//go:embed static/style.css
var stylesheet string

// templates returns every page, parsed on first use (not at the start-up
// of every command); html/template escapes every value it prints, so a
// banner or a reply from the server is text, never markup.
var templates = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("").Funcs(template.FuncMap{
		"visible":   visible,
		"inc":       func(i int) int { return i + 1 },
		"millis":    output.Millis,
		"pct":       func(f float64) string { return fmt.Sprintf("%.2f", f) },
		"options":   func(o ...string) []string { return o },
		"phase":     phaseText,
		"causeArgs": func(v reportView, c causeView, n int) causeArgs { return causeArgs{View: v, Cause: c, N: n} },
	}).ParseFS(templateFS, "templates/*.html"))
})

// pageData is what every template gets.
type pageData struct {
	Title   string       // the <title>
	File    bool         // a self-contained download: the stylesheet inlined, no script
	CSS     template.CSS // the stylesheet, when File
	Running bool         // the "running" page: refresh without JavaScript
	Data    any          // the page's own data
}

// reportView is a report with what the template needs precomputed.
type reportView struct {
	Rep      report.Report
	ID       string        // job id; empty in a download
	DocBase  string        // prefix of links to the docs pages: "/" when served, PublicDocs in a file
	Stages   []stageView   // the stages with their bars
	Causes   []causeView   // causes with fixes grouped by side
	Accounts []accountView // with many accounts: each with its causes
	DataRan  bool          // a data stage ran: the recommendation has something to say
	TotalMS  float64       // the timeline's scale
	Download bool          // show the download links
	History  *historyView  // the history's links and notes; nil in a download
}

// accountView is one account of a check of many, its causes laid out.
type accountView struct {
	report.Account
	Index  int         // 1-based, for the element's id
	Causes []causeView // its own causes, fixes grouped by side
}

// causeArgs is what the "cause" template draws: a card numbered N.
type causeArgs struct {
	View  reportView // for DocBase
	Cause causeView  // the cause
	N     int        // its number in its list
}

// stageView is one row of the timeline.
type stageView struct {
	report.Stage
	X, W  float64 // the bar's start and width in percent of TotalMS
	EndMS float64 // started + duration: when the stage was done
}

// causeView is one cause with its fixes by side, in the sides' order.
type causeView struct {
	report.Cause
	Anchor string      // the card's element id, for references to it
	Label  string      // how a reference names it: "cause 1", "bob's cause 1"
	Sides  []sideFixes // its fixes by side
}

// sideFixes are one side's fixes of a cause.
type sideFixes struct {
	Side  report.Side
	Fixes []fixView
}

// fixView is a fix, or a reference to the card that gave the same fix
// first: a fix shared by several accounts is given once.
type fixView struct {
	Text     string // the fix, when first given
	Ref      string // the anchor of the card that gave it first, else empty
	RefLabel string // that card's name
}

// newReportView lays a report out for the templates.
func newReportView(rep report.Report, id, docBase string) reportView {
	v := reportView{Rep: rep, ID: id, DocBase: docBase, TotalMS: rep.DurationMS}
	for _, s := range rep.Stages {
		v.TotalMS = max(v.TotalMS, s.StartedMS+s.DurationMS)
	}
	for _, s := range rep.Stages {
		sv := stageView{Stage: s, EndMS: s.StartedMS + s.DurationMS}
		if v.TotalMS > 0 && s.Status != probes.StatusSkip {
			sv.X = 100 * s.StartedMS / v.TotalMS
			sv.W = max(100*s.DurationMS/v.TotalMS, 0.4) // a visible sliver for a stage of a few microseconds
			sv.W = min(sv.W, 100-sv.X)
		}
		v.Stages = append(v.Stages, sv)
	}
	given := map[string]causeView{}
	v.Causes = causeViews(rep.Causes, "cause-", "cause ", given)
	for i, a := range rep.Accounts {
		v.Accounts = append(v.Accounts, accountView{Account: a, Index: i + 1,
			Causes: causeViews(a.Causes, fmt.Sprintf("account-%d-cause-", i+1), report.Clean(a.User)+"'s cause ", given)})
	}
	v.DataRan = rep.Recommendation.ClientMode != report.ModeUnknown
	return v
}

// causeViews groups each cause's fixes by side, in the sides' order. A
// fix already in given (by its side and text) becomes a reference to the
// card that gave it; given learns the new ones.
func causeViews(causes []report.Cause, anchor, label string, given map[string]causeView) []causeView {
	var out []causeView
	for i, c := range causes {
		cv := causeView{Cause: c, Anchor: fmt.Sprintf("%s%d", anchor, i+1), Label: fmt.Sprintf("%s%d", label, i+1)}
		for _, side := range []report.Side{report.SideClient, report.SideServer, report.SideNetwork} {
			var fixes []fixView
			for _, f := range c.Fixes {
				if f.Side != side {
					continue
				}
				key := string(side) + "\x00" + f.Text
				if first, ok := given[key]; ok {
					fixes = append(fixes, fixView{Ref: first.Anchor, RefLabel: first.Label})
					continue
				}
				given[key] = cv
				fixes = append(fixes, fixView{Text: f.Text})
			}
			if len(fixes) > 0 {
				cv.Sides = append(cv.Sides, sideFixes{Side: side, Fixes: fixes})
			}
		}
		out = append(out, cv)
	}
	return out
}

// Redacted returns a copy of rep with every secret masked wherever it
// appears, in the forms report.WriteJSON masks: the copy is what the web
// page stores and renders, so the password is in none of them.
func Redacted(rep report.Report, secrets []probes.Secret) (report.Report, error) {
	var buf bytes.Buffer
	if err := report.WriteJSON(&buf, rep, output.Options{Redact: secrets}); err != nil {
		return report.Report{}, err
	}
	var out report.Report
	if err := json.Unmarshal(buf.Bytes(), &out); err != nil {
		return report.Report{}, fmt.Errorf("redacting the report: %w", err)
	}
	return out, nil
}

// WriteHTML writes the report as one self-contained HTML file: the
// stylesheet inlined, no script, no external asset; the same facts as the
// table. It is `check --format html` and the page's "Download report".
// opts.Redact masks secrets; colour, width and verbosity do not apply.
func WriteHTML(w io.Writer, rep report.Report, opts output.Options) error {
	rep, err := Redacted(rep, opts.Redact)
	if err != nil {
		return err
	}
	return writeFile(w, rep, PublicDocs)
}

// modulePath is the Go module's path: the project's home on GitHub.
const modulePath = "github.com/ftpdoctor/ftpdoctor"

// PublicDocs is where a report read away from the page finds its docs
// pages (a downloaded file, `check --format html`): the project's docs on
// its public repository, followed by a page's path such as
// docs/causes/login.rejected.md.
const PublicDocs = "https://" + modulePath + "/blob/main/"

// phaseText says where an account's session ended, in words that cannot
// be read as a status ("pass" beside CRITICAL would read as "passed").
func phaseText(p probes.Phase) string {
	switch p {
	case probes.PhaseConnect:
		return "while connecting"
	case probes.PhaseTLS:
		return "at TLS"
	case probes.PhaseUser:
		return "at USER"
	case probes.PhasePass:
		return "at PASS"
	case probes.PhaseAfterLogin:
		return "after login"
	case probes.PhaseData:
		return "at the listing"
	case probes.PhaseOK:
		return "listed"
	case probes.PhaseInterrupted:
		return "cut short by the deadline"
	}
	return string(p)
}

// writeFile renders an already redacted report as a download.
func writeFile(w io.Writer, rep report.Report, docBase string) error {
	var buf bytes.Buffer
	p := pageData{Title: title(rep), File: true, CSS: template.CSS(stylesheet), Data: newReportView(rep, "", docBase)}
	if err := templates().ExecuteTemplate(&buf, "report", p); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// title names a report: "ftp.example.net:21 — WARNING".
func title(rep report.Report) string {
	return fmt.Sprintf("%s:%d — %s", rep.Target.Host, rep.Target.Port, strings.ToUpper(string(rep.Verdict)))
}

// visible makes server text safe to show: every rune that is not
// printable (escape sequences, control characters, invalid UTF-8,
// bidirectional overrides) is written as a Go escape such as \x1b, so the
// reader sees it and the browser interprets nothing. The template then
// escapes <, > and & as usual.
func visible(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = report.Clean(l)
	}
	return strings.Join(lines, "\n")
}
