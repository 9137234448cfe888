package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/ftpdoctor/ftpdoctor/probes"
	"github.com/ftpdoctor/ftpdoctor/report"
	"github.com/ftpdoctor/ftpdoctor/verdict"
)

// render writes a page, buffered so that a template error is a 500, not
// half a page.
func (s *Server) render(w http.ResponseWriter, status int, name string, p pageData) {
	var buf bytes.Buffer
	if err := templates().ExecuteTemplate(&buf, name, p); err != nil {
		s.opts.Logger.Error("web template", "template", name, "error", err.Error())
		http.Error(w, "internal error rendering the page", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// form serves the form.
func (s *Server) form(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	data := formData{CSRF: s.csrf.token(w, r, s.signedIn(r)), Modules: s.modules(), Presets: s.opts.Presets}
	s.render(w, http.StatusOK, "form", pageData{Title: "Check an FTP server", Data: data})
}

// check starts a check from the posted form and sends the browser to its
// report: 303 to /report/ID.
func (s *Server) check(w http.ResponseWriter, r *http.Request) {
	if r.URL.RawQuery != "" {
		s.refuse(w, r, http.StatusBadRequest, "the form is sent by POST alone: nothing may ride in the URL")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		s.refuse(w, r, http.StatusBadRequest, "the form could not be read (too large, or not a form)")
		return
	}
	if !s.csrf.valid(r, r.PostForm.Get("csrf"), s.signedIn(r)) {
		s.refuse(w, r, http.StatusForbidden, "the form's security token is missing or stale: reload the form and send it again")
		return
	}
	if !s.limiter.allow(clientIP(r)) {
		w.Header().Set("Retry-After", "5")
		s.refuseForm(w, r, http.StatusTooManyRequests, "too many checks from this address: wait a few seconds and try again")
		return
	}
	spec, status, msg := s.parseForm(r.PostForm)
	if status != 0 {
		s.refuseForm(w, r, status, msg)
		return
	}
	select {
	case s.slots <- struct{}{}:
	default:
		s.refuseForm(w, r, http.StatusServiceUnavailable, fmt.Sprintf("busy: %d checks are running; try again in a moment", s.opts.MaxConcurrent))
		return
	}
	j, ok := s.store.add(spec.label, spec.module)
	if !ok {
		<-s.slots
		s.refuse(w, r, http.StatusServiceUnavailable, "busy: the report store is full of running checks; try again in a moment")
		return
	}
	s.opts.Logger.Info("web check started", "id", j.ID, "module", spec.module, "target", spec.label, "remote", r.RemoteAddr)
	if s.track() {
		go func() {
			defer s.running.Done()
			s.run(j, spec)
		}()
	} else {
		s.run(j, spec) // Close has begun: the check ends at once, interrupted
	}
	http.Redirect(w, r, "/report/"+j.ID, http.StatusSeeOther)
}

// run runs one check and stores its redacted report.
func (s *Server) run(j *job, spec checkSpec) {
	defer func() { <-s.slots }()
	ctx, cancel := context.WithTimeout(s.ctx, spec.deadline)
	defer cancel()
	env := spec.env
	env.Progress = func(r probes.Result) { j.progress(spec.event(r)) }
	rep := report.Build(spec.outcome(ctx, env))
	red, err := Redacted(rep, spec.secrets())
	if err != nil { // cannot happen for a report Build made; never store it unredacted
		red = report.Report{SchemaVersion: report.SchemaVersion, Verdict: verdict.Unknown, ExitCode: verdict.ExitUnknown,
			Target: report.Target{Host: spec.cfg.Target.Host, Port: spec.cfg.Target.Port}}
		s.opts.Logger.Error("web redaction", "id", j.ID, "error", err.Error())
	}
	s.keep(j, red)
	j.finish(red)
	s.opts.Logger.Info("web check done", "id", j.ID, "module", spec.module, "target", spec.label,
		"verdict", string(red.Verdict), "duration_ms", red.DurationMS)
}

// job finds the job of the path, or answers 404.
func (s *Server) job(w http.ResponseWriter, r *http.Request) (*job, bool) {
	w.Header().Set("Cache-Control", "no-store")
	if j, ok := s.store.get(r.PathValue("id")); ok {
		return j, true
	}
	return s.stored(w, r)
}

// runningData is the running page's data.
type runningData struct {
	ID, Target, Elapsed string
	Stages              []StageEvent // the stages that ended so far
}

// report serves the running page, then the finished report.
func (s *Server) report(w http.ResponseWriter, r *http.Request) {
	j, ok := s.job(w, r)
	if !ok {
		return
	}
	st, rep := j.snapshot()
	if st != StateDone {
		el := s.opts.Now().Sub(j.Created).Round(100 * time.Millisecond)
		s.render(w, http.StatusOK, "running", pageData{Title: "Checking " + j.Target, Running: true,
			Data: runningData{ID: j.ID, Target: j.Target, Elapsed: fmt.Sprintf("%.1f s", el.Seconds()), Stages: j.stagesSince(0)}})
		return
	}
	v := newReportView(rep, j.ID, "/")
	v.Download = true
	v.History = s.historyOf(r.Context(), j.ID, rep)
	s.render(w, http.StatusOK, "report", pageData{Title: title(rep), Data: v})
}

// events streams the job as server-sent events: "stage" for each stage as
// it ends, "state" every quarter second while it runs, then "done" with the
// verdict.
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	j, ok := s.job(w, r)
	if !ok {
		return
	}
	fl, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.WriteHeader(http.StatusOK)
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	send := func(event string, v any) {
		b, _ := json.Marshal(v)
		fmt.Fprintf(w, "event: %s\ndata: %s\n\n", event, b)
		fl.Flush()
	}
	sent := 0
	for {
		for _, e := range j.stagesSince(sent) {
			send("stage", e)
			sent++
		}
		st, rep := j.snapshot()
		if st == StateDone {
			send("done", map[string]any{"verdict": rep.Verdict, "exit_code": rep.ExitCode})
			return
		}
		send("state", map[string]any{"state": st, "elapsed_ms": s.opts.Now().Sub(j.Created).Milliseconds()})
		select {
		case <-j.doneCh:
		case <-tick.C:
		case <-r.Context().Done():
			return
		}
	}
}

// finished returns the job's report, or answers 409 while it runs.
func (s *Server) finished(w http.ResponseWriter, r *http.Request) (report.Report, string, bool) {
	j, ok := s.job(w, r)
	if !ok {
		return report.Report{}, "", false
	}
	st, rep := j.snapshot()
	if st != StateDone {
		s.refuse(w, r, http.StatusConflict, "the check is still running: the report is not ready yet")
		return rep, "", false
	}
	return rep, j.ID, true
}

// download serves the report as one self-contained HTML file.
func (s *Server) download(w http.ResponseWriter, r *http.Request) {
	rep, id, ok := s.finished(w, r)
	if !ok {
		return
	}
	var buf bytes.Buffer
	if err := writeFile(&buf, rep, PublicDocs); err != nil {
		http.Error(w, "internal error rendering the report", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="ftpdoctor-%s-%s.html"`, fileSafe(rep.Target.Host), id[:8]))
	_, _ = w.Write(buf.Bytes())
}

// json serves the report in the schema of check --format json.
func (s *Server) json(w http.ResponseWriter, r *http.Request) {
	rep, id, ok := s.finished(w, r)
	if !ok {
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="ftpdoctor-%s-%s.json"`, fileSafe(rep.Target.Host), id[:8]))
	_ = report.WriteJSON(w, rep)
}

// fileSafe keeps letters, digits, dots and dashes of a host name.
func fileSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '.' || r == '-' || (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') {
			return r
		}
		return '_'
	}, s)
}

// static serves the stylesheet and the script.
func (s *Server) static(w http.ResponseWriter, r *http.Request) {
	types := map[string]string{"style.css": "text/css; charset=utf-8", "app.js": "text/javascript; charset=utf-8"}
	name := r.PathValue("file")
	ct, ok := types[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	b, _ := staticFS.ReadFile("static/" + name)
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Cache-Control", "max-age=300")
	_, _ = w.Write(b)
}
