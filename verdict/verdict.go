// Package verdict is the one outcome scale of every ftpdoctor command: the
// Nagios plugin levels ok, warning, critical and unknown, each with its
// process exit code. check, range and demo all conclude with a Verdict, and
// the CLI exits with its ExitCode.
package verdict

// Verdict is the overall result of a command. Its JSON form is the bare
// word ("ok", "warning", "critical" or "unknown").
type Verdict string

// The verdicts, in Nagios order.
const (
	OK       Verdict = "ok"       // everything checked works
	Warning  Verdict = "warning"  // works, with a caveat
	Critical Verdict = "critical" // something the user needs does not work
	Unknown  Verdict = "unknown"  // the check itself could not run or could not classify
)

// Exit codes by verdict (Nagios plugin convention).
const (
	ExitOK       = 0 // OK
	ExitWarning  = 1 // Warning
	ExitCritical = 2 // Critical
	ExitUnknown  = 3 // Unknown, and bad input
)

// ExitCode is the process exit code of v; anything but the four verdicts
// is ExitUnknown.
func (v Verdict) ExitCode() int {
	switch v {
	case OK:
		return ExitOK
	case Warning:
		return ExitWarning
	case Critical:
		return ExitCritical
	}
	return ExitUnknown
}

// FromExitCode is the verdict of an exit code; anything but 0, 1 and 2 is
// Unknown.
func FromExitCode(code int) Verdict {
	switch code {
	case ExitOK:
		return OK
	case ExitWarning:
		return Warning
	case ExitCritical:
		return Critical
	}
	return Unknown
}

// Worst is the verdict with the highest exit code among vs (unknown
// outranks critical, as in Nagios); OK when vs is empty.
func Worst(vs ...Verdict) Verdict {
	worst := OK
	for _, v := range vs {
		if v.ExitCode() > worst.ExitCode() {
			worst = v
		}
	}
	return worst
}

// severity ranks the verdicts as monitoring systems do (Icinga 2: OK <
// WARNING < UNKNOWN < CRITICAL), which differs from the exit codes' order.
var severity = map[Verdict]int{OK: 0, Warning: 1, Unknown: 2, Critical: 3}

// Severest is the verdict that ranks highest among vs by OK < WARNING <
// UNKNOWN < CRITICAL; OK when vs is empty. It summarises many independent
// checks (batch): one server down is not hidden behind a line that could
// not be checked. Anything but the four verdicts counts as Unknown.
func Severest(vs ...Verdict) Verdict {
	worst := OK
	for _, v := range vs {
		if v.ExitCode() == ExitUnknown {
			v = Unknown
		}
		if severity[v] > severity[worst] {
			worst = v
		}
	}
	return worst
}
