package integration

import (
	"github.com/ftpdoctor/ftpdoctor/internal/contract"

	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// reportJSON is ftpdoctor's JSON report, schema version 1, as far as the
// suite asserts on it.
type reportJSON struct {
	SchemaVersion int     `json:"schema_version"` // must be 1
	Verdict       string  `json:"verdict"`        // ok, warning, critical, unknown
	ExitCode      int     `json:"exit_code"`      // the process exit code it promises
	DurationMS    float64 `json:"duration_ms"`    // wall time of the run
	Target        struct {
		Host string `json:"host"` // as given
		Port int    `json:"port"` // control port
		User string `json:"user"` // login name
		TLS  string `json:"tls"`  // TLS mode requested: auto, require, implicit or off
	} `json:"target"` // what was checked
	Server struct {
		Software string `json:"software"` // vsftpd, proftpd, pure-ftpd, ...
		Version  string `json:"version"`  // when revealed
		Banner   string `json:"banner"`   // greeting text
		Syst     string `json:"syst"`     // reply text to SYST, sent with FEAT after login
	} `json:"server"` // the detected server
	TLS            tlsJSON       `json:"tls"`      // what the check learned about TLS
	Stages         []stageJSON   `json:"stages"`   // one per stage
	Causes         []causeJSON   `json:"causes"`   // findings, most important first
	Accounts       []accountJSON `json:"accounts"` // one per account when many were checked
	Recommendation struct {
		ClientMode string `json:"client_mode"` // passive, active, either, none, unknown
		Text       string `json:"text"`        // advice
	} `json:"recommendation"` // what a client should do
}

// stageJSON is one stage of the report.
type stageJSON struct {
	ID         string          `json:"id"`          // a stage of probes.Registry
	Status     string          `json:"status"`      // pass, warn, fail, skip
	Code       string          `json:"code"`        // stable code from probes/codes.go
	Summary    string          `json:"summary"`     // one line
	DurationMS float64         `json:"duration_ms"` // wall time of the stage
	Evidence   json.RawMessage `json:"evidence"`    // kept raw
}

// causeJSON is one finding of the report.
type causeJSON struct {
	ID          string `json:"id"`          // dns, credentials, transfer_mode, server_down, port_or_firewall, tls, server_config
	Code        string `json:"code"`        // the stage code it explains
	Severity    string `json:"severity"`    // critical or warning
	Title       string `json:"title"`       // one line
	Explanation string `json:"explanation"` // built from the evidence
	Fixes       []struct {
		Side string `json:"side"` // client, server or network
		Text string `json:"text"` // what to do
	} `json:"fixes"` // what to do, by side
}

// checkRun is one ftpdoctor invocation from the client namespace.
type checkRun struct {
	Target   string        // TARGET argument
	User     string        // --user; empty: anonymous
	Password string        // FTP_PASSWORD; empty: not set
	Timeout  time.Duration // --timeout; 0: the default (5 s)
	Budget   time.Duration // kill the process after this long; 0: 10 s past its deadline, at least 60 s
	Extra    []string      // more flags
	Table    bool          // the human table with --trace and --verbose instead of JSON; no report is parsed
	InURL    bool          // credentials in the target, ftp://user:password@target/, not in --user and FTP_PASSWORD
	Secrets  []string      // more passwords that must not appear in stdout or stderr (those of --users)
}

// checkResult is what came back.
type checkResult struct {
	Report   reportJSON    // the parsed report
	Raw      string        // stdout, password redacted
	Stderr   string        // stderr, password redacted
	ExitCode int           // process exit code
	Elapsed  time.Duration // wall time of the process
}

// check runs ftpdoctor check --json in the client namespace. It fails the
// test when the process had to be killed, when the output is not a report,
// or when the password appears anywhere in stdout or stderr.
func (l *lab) check(r checkRun) checkResult {
	l.t.Helper()
	budget := r.Budget
	if budget == 0 {
		// Past the tool's own deadline (12 times --timeout), so that a
		// kill means the tool ignored it, not that the box was slow.
		step := cmp.Or(r.Timeout, 5*time.Second)
		budget = max(60*time.Second, 12*step+10*time.Second)
	}
	args := []string{"netns", "exec", l.cli, suite.bin, "check", "--no-color"}
	if r.Table {
		args = append(args, "--trace", "--verbose")
	} else {
		args = append(args, "--json")
	}
	if r.Timeout > 0 {
		args = append(args, "--timeout", r.Timeout.String())
	}
	target, password := r.Target, r.Password
	switch {
	case r.InURL:
		target, password = fmt.Sprintf("ftp://%s:%s@%s/", r.User, r.Password, r.Target), ""
	case r.User != "":
		args = append(args, "--user", r.User)
	}
	args = append(args, r.Extra...)
	args = append(args, target)
	ctx, cancel := context.WithTimeout(context.Background(), budget)
	defer cancel()
	cmd := exec.CommandContext(ctx, "ip", args...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + l.Dir, "NO_COLOR=1"}
	if password != "" {
		cmd.Env = append(cmd.Env, "FTP_PASSWORD="+password)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	res := checkResult{Elapsed: time.Since(start), ExitCode: -1}
	for _, secret := range append([]string{suite.password, "wrong-" + suite.password}, r.Secrets...) {
		for name, buf := range map[string]*bytes.Buffer{"stdout": &stdout, "stderr": &stderr} {
			if bytes.Contains(buf.Bytes(), []byte(secret)) {
				l.t.Errorf("the password appears in ftpdoctor's %s", name)
			}
		}
	}
	res.Raw = redact(stdout.String(), r.Secrets...)
	res.Stderr = redact(stderr.String(), r.Secrets...)
	if dir := os.Getenv("FDIT_REPORTS"); dir != "" { // keep every report for reading later
		name := strings.ReplaceAll(l.t.Name(), "/", "_") + ".json"
		if r.Table {
			name = strings.TrimSuffix(name, ".json") + ".txt"
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(res.Raw), 0o644); err != nil {
			l.t.Errorf("saving the report: %v", err)
		}
	}
	l.t.Logf("ftpdoctor check %s: exit %v after %.0f ms", r.Target, err, float64(res.Elapsed)/float64(time.Millisecond))
	if ctx.Err() != nil {
		l.t.Fatalf("ftpdoctor was killed after %s: it did not end within its deadlines\nstdout:\n%s\nstderr:\n%s", budget, res.Raw, res.Stderr)
	}
	var exitErr *exec.ExitError
	switch {
	case err == nil:
		res.ExitCode = 0
	case errors.As(err, &exitErr):
		res.ExitCode = exitErr.ExitCode()
	default:
		l.t.Fatalf("running ftpdoctor: %v", err)
	}
	if r.Table {
		return res
	}
	if err := json.Unmarshal(stdout.Bytes(), &res.Report); err != nil {
		l.t.Fatalf("ftpdoctor's output is not a JSON report: %v\nstdout:\n%s\nstderr:\n%s", err, res.Raw, res.Stderr)
	}
	contract.Assert(l.t, contract.Check, stdout.Bytes())
	return res
}

// redact replaces the test passwords, and more, in s.
func redact(s string, more ...string) string {
	for _, secret := range more {
		s = strings.ReplaceAll(s, secret, "****")
	}
	s = strings.ReplaceAll(s, "wrong-"+suite.password, "****")
	return strings.ReplaceAll(s, suite.password, "****")
}

// expectation is what a scenario's report must say. Empty strings are not
// checked, except that Cause and CauseCode both empty means "no causes at
// all".
type expectation struct {
	Verdict    string            // ok, warning, critical, unknown
	Exit       int               // process exit code and exit_code
	Cause      string            // id of the first (primary) cause; "" means none expected
	CauseCode  string            // code of the primary cause
	ClientMode string            // recommendation.client_mode
	Software   string            // server.software
	Fix        string            // some fix of the primary cause must contain this (a directive)
	NoFix      string            // no fix of the primary cause may contain this (advice the evidence rules out)
	AlsoCodes  []string          // codes that must appear among the other causes
	Stages     map[string]string // stage id to expected code
}

// assertReport compares a run with the expectation and logs the whole
// report when something differs.
func assertReport(t *testing.T, got checkResult, want expectation) {
	t.Helper()
	rep := got.Report
	var errs []string
	fail := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	if rep.SchemaVersion != 1 {
		fail("schema_version = %d, want 1", rep.SchemaVersion)
	}
	if rep.Verdict != want.Verdict {
		fail("verdict = %q, want %q", rep.Verdict, want.Verdict)
	}
	if got.ExitCode != want.Exit || rep.ExitCode != want.Exit {
		fail("exit code = %d (report says %d), want %d", got.ExitCode, rep.ExitCode, want.Exit)
	}
	if want.Cause == "" && want.CauseCode == "" && len(rep.Causes) > 0 {
		fail("causes = %s, want none", causeList(rep.Causes))
	}
	if want.Cause != "" || want.CauseCode != "" {
		if len(rep.Causes) == 0 {
			fail("no causes, want %s (%s)", want.Cause, want.CauseCode)
		} else {
			c := rep.Causes[0]
			if (want.Cause != "" && c.ID != want.Cause) || (want.CauseCode != "" && c.Code != want.CauseCode) {
				fail("primary cause = %s (%s), want %s (%s); all: %s", c.ID, c.Code, want.Cause, want.CauseCode, causeList(rep.Causes))
			}
			if want.Fix != "" && !hasFix(c, want.Fix) {
				fail("no fix of the primary cause %s names %q", c.ID, want.Fix)
			}
			if want.NoFix != "" && hasFix(c, want.NoFix) {
				fail("a fix of the primary cause %s says %q, which the evidence rules out", c.ID, want.NoFix)
			}
		}
	}
	for _, code := range want.AlsoCodes {
		found := false
		for _, c := range rep.Causes {
			found = found || c.Code == code
		}
		if !found {
			fail("no cause with code %s; causes: %s", code, causeList(rep.Causes))
		}
	}
	if want.ClientMode != "" && rep.Recommendation.ClientMode != want.ClientMode {
		fail("recommendation.client_mode = %q, want %q", rep.Recommendation.ClientMode, want.ClientMode)
	}
	if want.Software != "" && rep.Server.Software != want.Software {
		fail("server.software = %q, want %q", rep.Server.Software, want.Software)
	}
	if login, ok := stage(rep, "login"); ok && login.Code == "login.ok" && rep.Server.Syst == "" {
		fail("server.syst is empty after a login: SYST goes with FEAT")
	}
	for id, code := range want.Stages {
		if s, ok := stage(rep, id); !ok {
			fail("no stage %s, want code %s", id, code)
		} else if s.Code != code {
			fail("stage %s code = %q (%s: %s), want %q", id, s.Code, s.Status, s.Summary, code)
		}
	}
	if len(errs) > 0 {
		t.Errorf("ftpdoctor's diagnosis differs:\n  %s\nreport:\n%s\nstderr:\n%s", strings.Join(errs, "\n  "), got.Raw, got.Stderr)
	} else {
		t.Logf("report:\n%s", got.Raw) // shown with -v
	}
}

// stage returns the report's stage with the given id.
func stage(rep reportJSON, id string) (stageJSON, bool) {
	for _, s := range rep.Stages {
		if s.ID == id {
			return s, true
		}
	}
	return stageJSON{}, false
}

// hasFix reports whether a fix of c mentions directive.
func hasFix(c causeJSON, directive string) bool {
	for _, f := range c.Fixes {
		if strings.Contains(f.Text, directive) {
			return true
		}
	}
	return false
}

// causeList formats causes as "id (code), ...".
func causeList(cs []causeJSON) string {
	var parts []string
	for _, c := range cs {
		parts = append(parts, fmt.Sprintf("%s (%s)", c.ID, c.Code))
	}
	return "[" + strings.Join(parts, ", ") + "]"
}
