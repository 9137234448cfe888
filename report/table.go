package report

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/fatih/color"

	"github.com/ftpdoctor/ftpdoctor/output"
	"github.com/ftpdoctor/ftpdoctor/probes"
	"github.com/ftpdoctor/ftpdoctor/verdict"
)

// palette holds the colours of one rendering, enabled or disabled
// explicitly from output.Options (the global color.NoColor is never touched).
type palette struct {
	pass, warn, fail, skip, bold *color.Color
}

func newPalette(on bool) palette {
	p := palette{
		pass: color.New(color.FgGreen),
		warn: color.New(color.FgYellow),
		fail: color.New(color.FgRed, color.Bold),
		skip: color.New(color.Faint),
		bold: color.New(color.Bold),
	}
	for _, c := range []*color.Color{p.pass, p.warn, p.fail, p.skip, p.bold} {
		if on {
			c.EnableColor()
		} else {
			c.DisableColor()
		}
	}
	return p
}

// status colours a stage status word.
func (p palette) status(s probes.Status) string {
	switch s {
	case probes.StatusPass:
		return p.pass.Sprint(string(s))
	case probes.StatusWarn:
		return p.warn.Sprint(string(s))
	case probes.StatusFail:
		return p.fail.Sprint(string(s))
	}
	return p.skip.Sprint(string(s))
}

// severity colours a cause severity word.
func (p palette) severity(s Severity) string {
	if s == SeverityCritical {
		return p.fail.Sprint(string(s))
	}
	return p.warn.Sprint(string(s))
}

// verdict colours the verdict word.
func (p palette) verdict(v verdict.Verdict) string {
	word := strings.ToUpper(string(v))
	switch v {
	case verdict.OK:
		return p.pass.Sprint(word)
	case verdict.Warning:
		return p.warn.Sprint(word)
	}
	return p.fail.Sprint(word)
}

// WriteTable writes the report for a person, answer first: the target and
// server, one line per cause (most important first) with its first fix, a
// table of stages (status, time taken, time since the start of the run
// when the stage ended, key evidence; "-" for a stage that did not run), each cause
// with its explanation and fixes by side, the recommendation and the
// verdict. Text from the server is escaped, never written raw. With
// opts.Width set, the evidence wraps inside its cell and the prose wraps at
// word boundaries with its indent kept, so that no line is wider.
func WriteTable(w io.Writer, r Report, opts output.Options) error {
	var buf, prose bytes.Buffer
	p := newPalette(opts.Color)
	writeHeader(&prose, r)
	writeAnswer(&prose, r, p)
	buf.WriteString(output.WrapLines(prose.String(), opts.Width))
	prose.Reset()
	table := output.Table{Header: []string{"stage", "status", "time", "done at", "evidence"}, Bordered: true}
	for _, s := range r.Stages {
		took, done := fmtMS(s.DurationMS), fmtMS(s.StartedMS+s.DurationMS)
		if s.Status == probes.StatusSkip || s.Code == probes.CodeSkipped {
			// a skipped stage never ran: no time to show
			took, done = "-", "-"
		}
		table.Rows = append(table.Rows, []string{string(s.ID), p.status(s.Status), took, done, clean(s.Summary)})
	}
	if err := table.Render(&buf, opts.Width); err != nil {
		return err
	}
	if err := writeAccounts(&buf, r, p, opts); err != nil {
		return err
	}
	if opts.Verbose {
		writeDetails(&prose, r)
	}
	if r.Interrupted && len(r.Causes) == 0 {
		fmt.Fprintln(&prose, "\nNo problems found before the deadline.")
	} else {
		writeCauses(&prose, r.Causes, p, "Causes, most important first:")
	}
	for i, a := range r.Accounts {
		if i > 0 && len(a.Causes) > 0 { // the first account's causes are the check's own, above
			writeCauses(&prose, a.Causes, p, fmt.Sprintf("Account %s: causes, most important first:", clean(a.User)))
		}
	}
	if r.Interrupted {
		fmt.Fprintf(&prose, "\nInterrupted: the whole run's deadline (--deadline, or serve's scrape timeout less --timeout-offset) "+
			"ended the check before every stage finished. The stages marked interrupted did not fail: they were not finished, "+
			"so nothing is known of them; raise the deadline to check them.\n")
	}
	if r.Recommendation.ClientMode != ModeUnknown { // it speaks only when the data stages ran
		fmt.Fprintf(&prose, "\nRecommendation: client mode %s. %s\n", r.Recommendation.ClientMode, clean(r.Recommendation.Text))
	} else {
		fmt.Fprintln(&prose)
	}
	fmt.Fprintf(&prose, "Verdict: %s (exit %d), %s in total.\n", p.verdict(r.Verdict), r.ExitCode, fmtMS(r.DurationMS))
	buf.WriteString(output.WrapLines(prose.String(), opts.Width))
	_, err := w.Write(redactBytes(buf.Bytes(), opts.Redact))
	return err
}

// writeAccounts draws one row per account: where its session ended, its
// time, and the code and the server's reply that decided it. Code and
// reply come last, in one cell that wraps as the stage table's evidence
// does, so that the table fits the width.
func writeAccounts(w io.Writer, r Report, p palette, opts output.Options) error {
	if len(r.Accounts) == 0 {
		return nil
	}
	fmt.Fprintln(w)
	table := output.Table{Header: []string{"account", "verdict", "phase", "time", "code: reply"}, Bordered: true}
	for _, a := range r.Accounts {
		phase := PhaseLabel(a.Phase)
		if a.Retried {
			phase += " (retried alone)"
		}
		last := string(a.Code)
		if a.Reply != "" {
			last += ": " + clean(a.Reply)
		}
		table.Rows = append(table.Rows, []string{clean(a.User), p.verdict(a.Verdict), phase, fmtMS(a.DurationMS), last})
	}
	return table.Render(w, opts.Width)
}

// writeHeader names the target and the server software.
func writeHeader(w io.Writer, r Report) {
	t := r.Target
	fmt.Fprintf(w, "Target: %s port %d, user %s, data modes: %s", clean(t.Host), t.Port, clean(t.User), t.Mode)
	if t.TLS != "" {
		fmt.Fprintf(w, ", TLS: %s", t.TLS)
	}
	if t.PassiveRange != nil {
		fmt.Fprintf(w, ", declared passive range %d-%d", t.PassiveRange.Low, t.PassiveRange.High)
	}
	fmt.Fprintln(w)
	s := r.Server
	var parts []string
	if s.Software != "" {
		parts = append(parts, strings.TrimSpace(softwareNames[s.Software]+" "+clean(s.Version)))
	}
	if s.Banner != "" {
		parts = append(parts, "banner \""+strings.Join(cleanLines(s.Banner), " / ")+"\"")
	}
	if s.Syst != "" {
		parts = append(parts, "SYST \""+clean(s.Syst)+"\"")
	}
	if len(parts) > 0 {
		fmt.Fprintf(w, "Server: %s\n", strings.Join(parts, ", "))
	}
	if line := tlsLine(r.TLS); line != "" {
		fmt.Fprintf(w, "TLS: %s\n", line)
	}
	fmt.Fprintln(w)
}

// tlsLine states the TLS facts of the JSON's tls object in words; empty
// when the check spoke plain FTP.
func tlsLine(t probes.TLSInfo) string {
	if t.Mode == "" || t.Mode == "none" {
		return ""
	}
	parts := []string{t.Mode + " " + t.Version + " " + t.Cipher}
	if t.DataProtected {
		parts = append(parts, "data protected (PROT P)")
	} else {
		parts = append(parts, "data not protected")
	}
	if t.SessionReuse != nil && *t.SessionReuse {
		parts = append(parts, "data connections resumed the TLS session")
	} else if t.SessionReuse != nil {
		parts = append(parts, "a data connection did not resume the TLS session")
	}
	if c := t.Certificate; c != nil {
		cert := fmt.Sprintf("certificate %q issued by %q for %s, expires %s", clean(c.Subject), clean(c.Issuer), clean(strings.Join(c.DNSNames, " ")), c.NotAfter.UTC().Format(time.DateOnly))
		switch {
		case c.Verified:
			cert += ", verified"
		case c.SelfSigned:
			cert += ", self-signed, not verified"
		default:
			cert += ", not verified"
		}
		parts = append(parts, cert)
	}
	return strings.Join(parts, "; ")
}

// writeCauses lists each cause with its explanation and fixes by side.
func writeCauses(w io.Writer, causes []Cause, p palette, heading string) {
	if len(causes) == 0 {
		fmt.Fprintln(w, "\nNo problems found.")
		return
	}
	fmt.Fprintf(w, "\n%s\n", heading)
	for i, c := range causes {
		fmt.Fprintf(w, "\n%d. [%s] %s\n", i+1, p.severity(c.Severity), p.bold.Sprint(c.Title))
		fmt.Fprintf(w, "   code %s, cause %s, stage %s; see %s\n", c.Code, c.ID, c.Stage, c.Doc)
		fmt.Fprintf(w, "   %s\n", clean(c.Explanation))
		for _, side := range []Side{SideClient, SideServer, SideNetwork} {
			first := true
			for _, f := range c.Fixes {
				if f.Side != side {
					continue
				}
				if first {
					fmt.Fprintf(w, "   Fix on the %s side:\n", side)
					first = false
				}
				fmt.Fprintf(w, "     - %s\n", clean(f.Text))
			}
		}
	}
}

// writeDetails shows every reply, attempt, dial and port check by stage.
func writeDetails(w io.Writer, r Report) {
	for _, s := range r.Stages {
		e := s.Evidence
		if len(e.Replies)+len(e.Attempts)+len(e.Ports)+len(e.Liveness)+len(e.Addresses) == 0 && e.Error == "" {
			continue
		}
		fmt.Fprintf(w, "\n[%s] %s\n", s.ID, s.Code)
		if len(e.Addresses) > 0 {
			fmt.Fprintf(w, "  addresses: %s\n", clean(strings.Join(e.Addresses, ", ")))
		}
		conn := ""
		if e.Remote != "" || e.Local != "" {
			conn = e.Local + " -> " + e.Remote
			fmt.Fprintf(w, "  connection: %s\n", clean(conn))
		}
		if e.Error != "" && !replyError(e.Replies, e.Error) {
			fmt.Fprintf(w, "  error: %s\n", clean(e.Error))
		}
		for _, ex := range e.Replies {
			// active mode runs on a second control connection: name it
			if ex.Conn != "" && ex.Conn != conn {
				conn = ex.Conn
				fmt.Fprintf(w, "  connection: %s\n", clean(conn))
			}
			writeExchange(w, "  ", ex)
		}
		for _, a := range e.Attempts {
			code := ""
			if a.Code != "" {
				code = " " + string(a.Code)
			}
			fmt.Fprintf(w, "  attempt %s: %s%s, %d bytes, %s\n", clean(a.Command), a.Status, code, a.Bytes, fmtMS(a.ElapsedMS))
			if a.Advertised != "" {
				fmt.Fprintf(w, "    advertised %s\n", clean(a.Advertised))
			}
			if a.Sent != "" {
				fmt.Fprintf(w, "    sent %s\n", clean(a.Sent))
			}
			if a.Negotiated != "" {
				fmt.Fprintf(w, "    negotiated %s\n", clean(a.Negotiated))
			}
			if a.Error != "" {
				fmt.Fprintf(w, "    error: %s\n", clean(a.Error))
			}
			for _, d := range a.Dials {
				fmt.Fprintf(w, "    dial %s (%s): %s after %s\n", clean(d.Address), d.Why, d.Outcome, fmtMS(d.ElapsedMS))
			}
			if a.ConnectFrom != "" {
				fmt.Fprintf(w, "    server connected from %s\n", clean(a.ConnectFrom))
			}
		}
		if len(e.Liveness) > 0 {
			fmt.Fprintf(w, "  other ports: %s\n", clean(portChecks(e.Liveness)))
		}
		if len(e.Ports) > 0 {
			fmt.Fprintf(w, "  ports: %s\n", clean(portChecks(e.Ports)))
		}
	}
}

// replyError reports whether an exchange already shows the stage's error
// (its "!" line), so that it is not printed twice.
func replyError(replies []probes.Exchange, err string) bool {
	for _, ex := range replies {
		if ex.Code == 0 && ex.Error == err {
			return true
		}
	}
	return false
}

// writeExchange writes one command and its reply, escaped.
func writeExchange(w io.Writer, indent string, ex probes.Exchange) {
	if ex.Command != "" {
		fmt.Fprintf(w, "%s> %s\n", indent, clean(redactCommand(ex.Command)))
	}
	if ex.Code == 0 {
		fmt.Fprintf(w, "%s! %s (after %s)\n", indent, clean(ex.Error), fmtMS(ex.ElapsedMS))
		return
	}
	lines := cleanLines(ex.Text)
	for i, l := range lines {
		sep := "-"
		if i == len(lines)-1 {
			sep = " "
		}
		fmt.Fprintf(w, "%s< %d%s%s\n", indent, ex.Code, sep, l)
	}
}
