package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ftpdoctor/ftpdoctor/history"
	"github.com/ftpdoctor/ftpdoctor/report"
)

// The history's part of the page: every finished report is saved in
// Options.History under its job's id, so /report/ID (and its download
// and JSON) outlive the process; /history lists the recent checks, by
// host; /compare/A/B shows what changed between two checks of one target.
// Handlers call the history package and never write SQL.

// historyRoutes adds the history's pages to mux.
func (s *Server) historyRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /history", s.recent)
	mux.HandleFunc("GET /compare/{a}/{b}", s.compare)
}

// saveTimeout bounds one save: the lock wait and the write.
const saveTimeout = history.BusyTimeout + 5*time.Second

// keep saves a finished, redacted report. A failure (a full disk, a
// locked database) is logged and remembered for the report page, which
// then says the report was not saved; the reports saved before stay.
func (s *Server) keep(j *job, rep report.Report) {
	if s.opts.History == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), saveTimeout)
	defer cancel()
	err := s.opts.History.Save(ctx, history.Entry{ID: j.ID, Created: j.Created, Target: j.Target, Module: j.Module, Report: rep})
	if err != nil {
		s.forgetUnsaved()
		s.unsaved.Store(j.ID, err.Error())
		s.opts.Logger.Error("web report not saved", "id", j.ID, "target", j.Target, "error", err.Error())
	}
}

// forgetUnsaved bounds the notes of unsaved reports while saves keep
// failing (a disk full for hours): past MaxReports notes, the oldest
// reports are gone from memory anyway, and all notes are dropped.
func (s *Server) forgetUnsaved() {
	n := 0
	s.unsaved.Range(func(any, any) bool { n++; return n <= s.opts.MaxReports })
	if n > s.opts.MaxReports {
		s.unsaved.Clear()
	}
}

// stored finds a finished report in the history when it is no longer (or
// never was, before a restart) in memory, as a finished job; it answers
// 404 or 500 itself.
func (s *Server) stored(w http.ResponseWriter, r *http.Request) (*job, bool) {
	id := r.PathValue("id")
	if s.opts.History == nil {
		s.refuse(w, r, http.StatusNotFound, "no such report: reports are kept in memory for a limited time")
		return nil, false
	}
	e, err := s.opts.History.Get(r.Context(), id)
	switch {
	case errors.Is(err, history.ErrNotFound):
		s.refuse(w, r, http.StatusNotFound, fmt.Sprintf("no such report: it was never made here, or the history's retention (--keep %s) deleted it", s.opts.History.Retention()))
		return nil, false
	case err != nil:
		s.opts.Logger.Error("web history", "id", id, "error", err.Error())
		s.refuse(w, r, http.StatusInternalServerError, "the report could not be read from the history: "+err.Error())
		return nil, false
	}
	done := make(chan struct{})
	close(done)
	return &job{ID: e.ID, Target: e.Target, Module: e.Module, Created: e.Created, state: StateDone, rep: e.Report, doneCh: done}, true
}

// historyView is what a served report shows of the history.
type historyView struct {
	On       bool   // a history is kept
	Unsaved  string // why the report was not saved, or ""
	TTL      string // how long an unsaved report stays in memory
	Host     string // the report's host, for the link to its checks
	Previous string // the id of the same target's check before this one, or ""
}

// historyOf is the history's part of a report page.
func (s *Server) historyOf(ctx context.Context, id string, rep report.Report) *historyView {
	v := &historyView{On: s.opts.History != nil, Host: rep.Target.Host, TTL: s.opts.ReportTTL.String()}
	if why, ok := s.unsaved.Load(id); ok {
		v.Unsaved = why.(string)
	}
	if v.On && v.Unsaved == "" {
		prev, err := s.opts.History.Previous(ctx, id)
		if err != nil {
			s.opts.Logger.Error("web history", "id", id, "error", err.Error())
		}
		v.Previous = prev
	}
	return v
}

// recentRow is one line of the recent checks.
type recentRow struct {
	history.Summary
	When     string // the check's start, UTC
	Previous string // the id of the same target's check listed after it (older), or ""
}

// recentData is the recent checks page.
type recentData struct {
	On    bool        // a history is kept
	Host  string      // the filter, or ""
	Where string      // the database file, or "memory"
	Keep  string      // the retention, as --keep takes it
	Rows  []recentRow // newest first
	Error string      // why the list could not be read, or ""
}

// maxHostFilter bounds the host filter, as a DNS name is bounded.
const maxHostFilter = 255

// recent serves the recent checks, newest first, filtered by ?host=.
func (s *Server) recent(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	host := strings.TrimSpace(r.URL.Query().Get("host"))
	if len(host) > maxHostFilter {
		s.refuse(w, r, http.StatusBadRequest, fmt.Sprintf("the host filter is longer than %d bytes", maxHostFilter))
		return
	}
	d := recentData{On: s.opts.History != nil, Host: host}
	if !d.On {
		s.render(w, http.StatusOK, "recent", pageData{Title: "Recent checks", Data: d})
		return
	}
	d.Where, d.Keep = s.opts.History.Where(), s.opts.History.Retention().String()
	list, err := s.opts.History.List(r.Context(), history.Filter{Host: host})
	if err != nil {
		s.opts.Logger.Error("web history", "error", err.Error())
		d.Error = err.Error()
	}
	for i, m := range list {
		row := recentRow{Summary: m, When: m.Created.UTC().Format("2006-01-02 15:04:05 UTC")}
		for _, older := range list[i+1:] {
			if strings.EqualFold(older.Host, m.Host) && older.Port == m.Port {
				row.Previous = older.ID
				break
			}
		}
		d.Rows = append(d.Rows, row)
	}
	s.render(w, http.StatusOK, "recent", pageData{Title: "Recent checks", Data: d})
}

// compareData is the compare page.
type compareData struct {
	history.Diff
	BeforeWhen, AfterWhen string // the checks' starts, UTC
}

// compare serves what changed between two checks of one target.
func (s *Server) compare(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if s.opts.History == nil {
		s.refuse(w, r, http.StatusNotFound, "no history is kept (--data ''), so there is nothing to compare")
		return
	}
	var entries [2]history.Entry
	for i, id := range []string{r.PathValue("a"), r.PathValue("b")} {
		e, err := s.opts.History.Get(r.Context(), id)
		switch {
		case errors.Is(err, history.ErrNotFound):
			s.refuse(w, r, http.StatusNotFound, "no such report: "+strconv.Quote(id))
			return
		case err != nil:
			s.opts.Logger.Error("web history", "id", id, "error", err.Error())
			s.refuse(w, r, http.StatusInternalServerError, "the report could not be read from the history: "+err.Error())
			return
		}
		entries[i] = e
	}
	d, err := history.Compare(entries[0], entries[1])
	if err != nil {
		s.refuse(w, r, http.StatusBadRequest, "cannot compare: "+err.Error()+"; compare two checks of one host and port")
		return
	}
	when := func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") }
	s.render(w, http.StatusOK, "compare", pageData{Title: "Compare " + d.After.Target,
		Data: compareData{Diff: d, BeforeWhen: when(d.Before.Created), AfterWhen: when(d.After.Created)}})
}
