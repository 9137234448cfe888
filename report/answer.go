package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/ftpdoctor/ftpdoctor/probes"
	"github.com/ftpdoctor/ftpdoctor/verdict"
)

// referencePrefix starts a fix that points to the same fix given earlier
// in the report instead of repeating it.
const referencePrefix = "The fix of "

// phaseLabels say where an account's session ended, in the accounts table:
// "at PASS" rather than "pass", which beside a verdict reads as "passed".
var phaseLabels = map[probes.Phase]string{
	probes.PhaseConnect:     "at connect",
	probes.PhaseTLS:         "at TLS",
	probes.PhaseUser:        "at USER",
	probes.PhasePass:        "at PASS",
	probes.PhaseAfterLogin:  "after login",
	probes.PhaseData:        "at listing",
	probes.PhaseOK:          "-",
	probes.PhaseInterrupted: "cut short",
}

// PhaseLabel says where an account's session ended, for a person: "at
// USER", "at PASS", "after login", ...; "-" when it logged in and listed.
func PhaseLabel(p probes.Phase) string {
	if l, ok := phaseLabels[p]; ok {
		return l
	}
	return string(p)
}

// answerLine is one cause in the answer: whose it is and the cause.
type answerLine struct {
	account string // the account it belongs to; empty for the check's own
	cause   Cause
}

// answerLines lists the check's causes, most important first, then each
// further account's own (the first account's are the check's).
func answerLines(r Report) []answerLine {
	var out []answerLine
	for _, c := range r.Causes {
		out = append(out, answerLine{cause: c})
	}
	for i, a := range r.Accounts {
		if i == 0 {
			continue
		}
		for _, c := range a.Causes {
			out = append(out, answerLine{account: a.User, cause: c})
		}
	}
	return out
}

// firstFix is the fix to try first: the first that is not a reference to
// another cause's, or the first of all when every one is.
func firstFix(c Cause) (Fix, bool) {
	for _, f := range c.Fixes {
		if !strings.HasPrefix(f.Text, referencePrefix) {
			return f, true
		}
	}
	if len(c.Fixes) > 0 {
		return c.Fixes[0], true
	}
	return Fix{}, false
}

// writeAnswer puts the answer before the tables: one line per cause title,
// most important first, each with its first fix. The full causes follow
// the tables.
func writeAnswer(w io.Writer, r Report, p palette) {
	lines := answerLines(r)
	if len(lines) == 0 {
		if r.Verdict == verdict.OK {
			fmt.Fprintf(w, "Answer: no problems found.\n\n")
		}
		return
	}
	fmt.Fprintln(w, "Answer, most important first (the causes in full follow the tables):")
	for i, l := range lines {
		who := ""
		if l.account != "" {
			who = "account " + clean(l.account) + ": "
		}
		fmt.Fprintf(w, "%d. [%s] %s%s\n", i+1, p.severity(l.cause.Severity), who, p.bold.Sprint(l.cause.Title))
		if f, ok := firstFix(l.cause); ok {
			fmt.Fprintf(w, "   First fix (%s side): %s\n", f.Side, clean(f.Text))
		}
	}
	fmt.Fprintln(w)
}
