package report

import (
	"fmt"
	"github.com/ftpdoctor/ftpdoctor/output"
	"strings"
	"time"

	"github.com/ftpdoctor/ftpdoctor/probes"
)

// fmtMS prints milliseconds with a unit: "12.3 ms" below one second,
// "5.0 s" from one second on.
func fmtMS(ms float64) string { return output.Millis(ms) }

// fmtDur prints a duration like fmtMS.
func fmtDur(d time.Duration) string { return fmtMS(millis(d)) }

// firstLine is the first line of a reply text.
func firstLine(text string) string {
	line, _, _ := strings.Cut(text, "\n")
	return line
}

// quoteReply renders a reply as `"530 Login incorrect."`, or says why none
// came.
func quoteReply(ex probes.Exchange) string {
	if ex.Code == 0 {
		if ex.Error != "" {
			return "no reply (" + ex.Error + ")"
		}
		return "no reply"
	}
	return fmt.Sprintf("%q", fmt.Sprintf("%d %s", ex.Code, firstLine(ex.Text)))
}

// quoteExchange renders "PASV" answered "227 ..." after 1.2 ms.
func quoteExchange(ex probes.Exchange) string {
	cmd := ex.Command
	if cmd == "" {
		cmd = "the greeting"
	}
	if ex.Code == 0 {
		return fmt.Sprintf("%s got %s after %s", cmd, quoteReply(ex), fmtMS(ex.ElapsedMS))
	}
	return fmt.Sprintf("%s answered %s after %s", cmd, quoteReply(ex), fmtMS(ex.ElapsedMS))
}

// replyTo finds the stage's exchange for a command word (USER, PASS, ...),
// the last one when there are several.
func replyTo(r probes.Result, word string) (probes.Exchange, bool) {
	for i := len(r.Evidence.Replies) - 1; i >= 0; i-- {
		ex := r.Evidence.Replies[i]
		if ex.Verb == word {
			return ex, true
		}
	}
	return probes.Exchange{}, false
}

// greeting is the control stage's greeting exchange.
func greeting(r probes.Result) (probes.Exchange, bool) {
	for _, ex := range r.Evidence.Replies {
		if ex.Command == "" {
			return ex, true
		}
	}
	return probes.Exchange{}, false
}

// portChecks renders "10.0.0.2:22 open (0.4 ms), 10.0.0.2:80 closed (0.3 ms)".
func portChecks(pcs []probes.PortCheck) string {
	var parts []string
	for _, p := range pcs {
		how := fmtMS(p.ElapsedMS)
		if p.Seen == probes.SeenDataConnection {
			how = "by the passive data connection, " + how
		}
		parts = append(parts, fmt.Sprintf("%s %s (%s)", p.Address, p.State, how))
	}
	return strings.Join(parts, ", ")
}

// dials renders the data connections of an attempt.
func dials(ds []probes.Dial) string {
	var parts []string
	for _, d := range ds {
		why := "the advertised address"
		if d.Why == "control_peer" {
			why = "the control connection's address"
		}
		parts = append(parts, fmt.Sprintf("%s (%s): %s after %s", d.Address, why, d.Outcome, fmtMS(d.ElapsedMS)))
	}
	return strings.Join(parts, "; ")
}

// sentence joins the non-empty parts with spaces.
func sentence(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, " ")
}

// quoteFinal renders the end of a transfer: the final reply's code with the
// last line of the text (an attempt's List holds the first and the final
// reply's texts under the final code).
func quoteFinal(ex probes.Exchange) string {
	if ex.Code == 0 {
		return fmt.Sprintf("%s got %s after %s", ex.Command, quoteReply(ex), fmtMS(ex.ElapsedMS))
	}
	lines := strings.Split(ex.Text, "\n")
	return fmt.Sprintf("%s ended with %q after %s", ex.Command, fmt.Sprintf("%d %s", ex.Code, lines[len(lines)-1]), fmtMS(ex.ElapsedMS))
}
