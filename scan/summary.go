package scan

import (
	"fmt"
	"strings"
	"time"

	"github.com/ftpdoctor/ftpdoctor/probes"
	"github.com/ftpdoctor/ftpdoctor/verdict"
)

// Run is a stretch of consecutive ports with the same outcome.
type Run struct {
	Low     int        `json:"low"`             // first port
	High    int        `json:"high"`            // last port
	Count   int        `json:"count"`           // ports in the run
	State   State      `json:"state"`           // open, closed, filtered or error
	Reason  string     `json:"reason"`          // nmap-style reason shared by the run
	Token   TokenCheck `json:"token,omitempty"` // token outcome shared by the run (open ports with --token)
	Meaning string     `json:"meaning"`         // what the state means for FTP data connections
}

// Counts tallies the ports by state and token outcome.
type Counts struct {
	Total     int `json:"total"`            // ports scanned
	Open      int `json:"open"`             // something answered
	Closed    int `json:"closed"`           // refused: passes the firewall
	Filtered  int `json:"filtered"`         // dropped or unreachable
	Error     int `json:"error"`            // not classified (local failure)
	Match     int `json:"token_match"`      // open and our token on this port
	WrongPort int `json:"token_wrong_port"` // open and our token from another port
	Mismatch  int `json:"token_mismatch"`   // open and something else answered
	Silent    int `json:"token_silent"`     // open and nothing answered
}

// Compress turns per-port outcomes (in port order) into runs. Ports with the
// same state, reason and token outcome that follow each other form one run.
func Compress(ports []Port) []Run {
	var runs []Run
	for _, p := range ports {
		if n := len(runs); n > 0 {
			last := &runs[n-1]
			if last.High+1 == p.Port && last.State == p.State && last.Reason == p.Reason && last.Token == p.Token {
				last.High, last.Count = p.Port, last.Count+1
				continue
			}
		}
		runs = append(runs, Run{Low: p.Port, High: p.Port, Count: 1, State: p.State, Reason: p.Reason, Token: p.Token,
			Meaning: meaning(p.State, p.Reason, p.Token)})
	}
	return runs
}

// meaning says in words what a state tells about the path to the port.
func meaning(s State, reason string, tok TokenCheck) string {
	switch tok {
	case TokenMatch:
		return "reaches this listener: forwarded to the right host and port"
	case TokenWrongPort:
		return "reaches the listener host but on another port: the forward changes the port"
	case TokenMismatch:
		return "something else answers: forwarded to another host or service"
	case TokenSilent:
		return "something silent answers: not the listener, forwarded elsewhere or in use"
	}
	switch {
	case s == StateOpen:
		return "something answers: passes the firewall"
	case s == StateClosed:
		return "refused: passes the firewall, nothing listens"
	case s == StateFiltered && reason == ReasonUnreachable:
		return "ICMP unreachable: blocked on the way"
	case s == StateFiltered && reason == ReasonBlockedLocally:
		return "blocked by this machine's own firewall"
	case s == StateFiltered:
		return "no answer: dropped"
	}
	return "not classified: local error"
}

// Count tallies ports.
func Count(ports []Port) Counts {
	c := Counts{Total: len(ports)}
	for _, p := range ports {
		switch p.State {
		case StateOpen:
			c.Open++
		case StateClosed:
			c.Closed++
		case StateFiltered:
			c.Filtered++
		default:
			c.Error++
		}
		switch p.Token {
		case TokenMatch:
			c.Match++
		case TokenWrongPort:
			c.WrongPort++
		case TokenMismatch:
			c.Mismatch++
		case TokenSilent:
			c.Silent++
		}
	}
	return c
}

// Conclusion is the verdict of a range check with what led to it.
type Conclusion struct {
	Status verdict.Verdict `json:"status"` // ok, warning, critical or unknown (Nagios order)
	Code   int             `json:"code"`   // Nagios exit code of Status
	Usable bool            `json:"usable"` // the range is usable from here: no port is filtered (and, with a token, every port reaches the listener)
	Text   string          `json:"text"`   // one line: the conclusion
	Notes  []string        `json:"notes"`  // further findings, one line each
}

// Report is everything a range check found, ready to render.
type Report struct {
	Target      string           `json:"target"`              // host as given
	Address     string           `json:"address"`             // IP address scanned
	Range       probes.PortRange `json:"range"`               // ports scanned
	Token       bool             `json:"token_checked"`       // open ports were checked for the listener's token
	Concurrency int              `json:"concurrency"`         // connects in flight at most
	FDLimit     int              `json:"fd_limit"`            // RLIMIT_NOFILE soft limit
	TimeoutMS   float64          `json:"timeout_ms"`          // per-try timeout at the end of the scan
	Retries     int              `json:"retries"`             // extra tries for unanswered ports
	DurationMS  float64          `json:"duration_ms"`         // wall time of the scan
	Counts      Counts           `json:"counts"`              // ports by state
	Runs        []Run            `json:"runs"`                // compressed outcomes
	Discovery   *Discovery       `json:"discovery,omitempty"` // what the FTP server handed out (range ftp://...)
	Verdict     Conclusion       `json:"verdict"`             // conclusion and exit code
}

// Build makes the report of a scan, and of the discovery that chose its
// range when there was one. It is pure: no I/O, no clock.
func Build(target string, res Result, token bool, disc *Discovery) Report {
	r := Report{Target: target, Address: res.Address, Range: res.Range, Token: token, Concurrency: res.Concurrency,
		FDLimit: res.FDLimit, TimeoutMS: ms(res.Timeout), Retries: res.Retries, DurationMS: ms(res.Duration),
		Counts: Count(res.Ports), Runs: Compress(res.Ports), Discovery: disc}
	r.Verdict = judge(r)
	return r
}

func judge(r Report) Conclusion {
	c := r.Counts
	level, v := verdict.OK, Conclusion{Usable: true}
	raise := func(to verdict.Verdict, note string) {
		level = verdict.Worst(level, to)
		v.Notes = append(v.Notes, note)
	}
	if c.Filtered > 0 {
		v.Usable = false
		raise(verdict.Critical, fmt.Sprintf("%d of %d ports are dropped or unreachable: %s", c.Filtered, c.Total, listRuns(r.Runs, StateFiltered, 8)))
	}
	if r.Token {
		if bad := c.Mismatch + c.Silent; bad > 0 {
			v.Usable = false
			raise(verdict.Critical, fmt.Sprintf("%d open ports answer without the listener's token: forwarded to another host or used by another service", bad))
		}
		if c.WrongPort > 0 {
			raise(verdict.Warning, fmt.Sprintf("%d ports reach the listener on a different port: the forward rewrites the port, which breaks passive mode", c.WrongPort))
		}
		if c.Closed > 0 {
			v.Usable = false
			raise(verdict.Critical, fmt.Sprintf("%d ports pass the firewall but the listener is not there: forwarded to another host, or the listener could not bind them", c.Closed))
		}
	}
	if d := r.Discovery; d != nil {
		for _, n := range d.Findings() {
			raise(n.Level, n.Text)
			if n.Level == verdict.Critical && v.Usable {
				v.Usable, v.Text = false, "not usable as configured: "+n.Text
			}
		}
	}
	if c.Error > 0 {
		raise(verdict.Unknown, fmt.Sprintf("%d ports could not be classified because of a local error", c.Error))
	}
	v.Status, v.Code = level, level.ExitCode()
	if v.Text == "" || c.Filtered > 0 {
		v.Text = headline(r, v.Usable)
	}
	return v
}

func headline(r Report, usable bool) string {
	c := r.Counts
	switch {
	case !usable && c.Filtered > 0:
		return fmt.Sprintf("not usable from here: %d of %d ports are dropped", c.Filtered, c.Total)
	case !usable:
		return fmt.Sprintf("not usable as intended: %d of %d ports do not reach the listener", c.Total-c.Match-c.WrongPort, c.Total)
	case r.Token:
		return fmt.Sprintf("usable from here: all %d ports reach the listener", c.Total)
	}
	return fmt.Sprintf("usable from here: all %d ports pass the firewall (%d closed, %d open)", c.Total, c.Closed, c.Open)
}

// listRuns names up to limit runs of state, "and N more" after that.
func listRuns(runs []Run, s State, limit int) string {
	var parts []string
	more := 0
	for _, r := range runs {
		if r.State != s {
			continue
		}
		if len(parts) == limit {
			more++
			continue
		}
		parts = append(parts, RunText(r))
	}
	if more > 0 {
		parts = append(parts, fmt.Sprintf("and %d more runs", more))
	}
	return strings.Join(parts, ", ")
}

// RunText is "50000-50499" or "50000" for a single port.
func RunText(r Run) string {
	if r.Low == r.High {
		return fmt.Sprint(r.Low)
	}
	return fmt.Sprintf("%d-%d", r.Low, r.High)
}

// ms converts a duration to milliseconds, rounded to 0.1 ms.
func ms(d time.Duration) float64 {
	return float64(d.Round(100*time.Microsecond)) / float64(time.Millisecond)
}
