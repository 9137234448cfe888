package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/ftpdoctor/ftpdoctor/fixtures"
	"github.com/ftpdoctor/ftpdoctor/verdict"
)

// runCLI runs the program with buffers, as main would.
func runCLI(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = Run(context.Background(), append([]string{"ftpdoctor"}, args...), strings.NewReader(stdin), &out, &errOut)
	assertJSONContract(t, args, out.Bytes())
	return code, out.String(), errOut.String()
}

func TestBadInputExitsUnknownWithOneLine(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no_target", []string{"check"}, "exactly one TARGET"},
		{"two_targets", []string{"check", "a", "b"}, "exactly one TARGET"},
		{"bad_port", []string{"check", "host:99999"}, "invalid port"},
		{"bad_scheme", []string{"check", "sftp://host"}, "SSH file transfer"},
		{"unknown_flag", []string{"check", "--frobnicate", "host"}, "frobnicate"},
		{"bad_timeout", []string{"check", "--timeout", "soon", "host"}, "timeout"},
		{"negative_timeout", []string{"check", "--timeout", "-1s", "host"}, "--timeout must be positive"},
		{"bad_mode", []string{"check", "--mode", "sideways", "host"}, "--mode must be"},
		{"bad_range", []string{"check", "--passive-range", "5-1", "host"}, "--passive-range"},
		{"bad_active_address", []string{"check", "--active-address", "nope", "host"}, "--active-address"},
		{"missing_netrc", []string{"check", "--netrc-file", "/nonexistent/netrc", "host"}, "--netrc-file"},
		{"unknown_command", []string{"chekc", "127.0.0.1"}, `unknown command "chekc". Did you mean "check"?`},
		{"unknown_command_host", []string{"ftp.example.net"}, `to check a server, 'ftpdoctor check ftp.example.net'`},
		{"huge_host_is_clipped", []string{"check", strings.Repeat("h", 10000) + ":99999"}, "... (10006 bytes)"},
		{"huge_command_is_clipped", []string{strings.Repeat("c", 10000)}, "... (10000 bytes)"},
		{"unknown_demo", []string{"demo", "no_such_scenario"}, "unknown demo scenario"},
		{"bad_format", []string{"check", "--format", "xml", "host"}, "--format must be one of html, json, nagios, table"},
		{"bad_format_demo", []string{"demo", "--format", "nagios"}, "--format must be one of"},
		{"bad_format_range", []string{"range", "--format", "csv", "127.0.0.1", "1-2"}, "--format must be one of"},
		{"bad_format_listen", []string{"listen", "--format", "", "1-2"}, "--format must be one of"},
		{"json_contradicts_format", []string{"check", "--json", "--format", "table", "host"}, "contradicts --format table"},
		{"width_too_small", []string{"check", "--width", "12", "host"}, "--width must be 0"},
		{"width_not_a_number", []string{"demo", "--width", "wide"}, "width"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "", tt.args...)
			if code != verdict.ExitUnknown {
				t.Errorf("exit %d, want %d", code, verdict.ExitUnknown)
			}
			if strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, tt.want) || len(stderr) > 1100 {
				t.Errorf("stderr %.300q (%d bytes), want one short line containing %q", stderr, len(stderr), tt.want)
			}
			if stdout != "" {
				t.Errorf("stdout %q, want nothing", stdout)
			}
		})
	}
}

func TestVersionAndHelp(t *testing.T) {
	if code, out, _ := runCLI(t, "", "--version"); code != 0 || !strings.Contains(out, version) {
		t.Errorf("--version: exit %d, %q", code, out)
	}
	if code, out, _ := runCLI(t, "", "check", "--help"); code != 0 || !strings.Contains(out, "Examples:") || !strings.Contains(out, "--passive-range") ||
		!strings.Contains(out, "check --users accounts.txt") || !strings.Contains(out, "check 'ftpes://") {
		t.Errorf("check --help: exit %d, %q", code, out)
	}
}

var numbers = regexp.MustCompile(`[0-9]+(\.[0-9]+)?`)

// jsonReport is the part of the JSON report the CLI tests read.
type jsonReport struct {
	Verdict  string `json:"verdict"`
	ExitCode int    `json:"exit_code"`
	Target   struct {
		User string `json:"user"`
	} `json:"target"`
	Stages []struct {
		ID, Status, Code, Summary string
	} `json:"stages"`
	Causes []struct {
		ID, Code, Title string
	} `json:"causes"`
	Recommendation struct {
		ClientMode string `json:"client_mode"`
	} `json:"recommendation"`
}

func TestCheckExitCodesAndFormatsAgree(t *testing.T) {
	const pass = "Cli-S3ntinel-pw"
	tests := []struct {
		name    string
		script  fixtures.Script
		args    []string
		exit    int
		verdict string
		cause   string
	}{
		{"healthy", fixtures.Script{}, nil, verdict.ExitOK, "ok", ""},
		{"wrong_password", fixtures.Script{Users: map[string]string{"alice": "other"}}, nil, verdict.ExitCritical, "critical", "login.rejected"},
		{"port_refused", fixtures.Script{Active: fixtures.ActiveIllegal}, nil, verdict.ExitWarning, "warning", "active.command_refused"},
		{"port_refused_active_only", fixtures.Script{Active: fixtures.ActiveIllegal}, []string{"--mode", "active"}, verdict.ExitCritical, "critical", "active.command_refused"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.script.Users == nil {
				tt.script.Users = map[string]string{"alice": pass}
			}
			srv := fixtures.StartT(t, tt.script)
			target := "ftp://alice:" + pass + "@127.0.0.1:" + strconv.Itoa(srv.Port()) + "/"
			base := append([]string{"check", "--timeout", "1s"}, tt.args...)
			code, table, stderr := runCLI(t, "", append(base, "--trace", target)...)
			jcode, js, _ := runCLI(t, "", append(base, "--json", target)...)
			hcode, html, _ := runCLI(t, "", append(base, "--format", "html", target)...)
			if code != tt.exit || jcode != tt.exit || hcode != tt.exit {
				t.Fatalf("exit %d (table), %d (json) and %d (html), want %d; stderr %q", code, jcode, hcode, tt.exit, stderr)
			}
			if !strings.Contains(html, `data-verdict="`+tt.verdict+`"`) || (tt.cause != "" && !strings.Contains(html, ">"+tt.cause+"<")) {
				t.Fatalf("the html report lacks verdict %s or cause %q", tt.verdict, tt.cause)
			}
			for name, text := range map[string]string{"table": table, "json": js, "trace": stderr, "html": html} {
				if strings.Contains(text, pass) {
					t.Fatalf("the password appears in the %s output", name)
				}
			}
			var rep jsonReport
			if err := json.Unmarshal([]byte(js), &rep); err != nil {
				t.Fatalf("JSON: %v\n%s", err, js)
			}
			if rep.Verdict != tt.verdict || rep.ExitCode != tt.exit || rep.Target.User != "alice" {
				t.Fatalf("verdict %s exit %d user %s", rep.Verdict, rep.ExitCode, rep.Target.User)
			}
			if tt.cause == "" && len(rep.Causes) != 0 || tt.cause != "" && (len(rep.Causes) == 0 || rep.Causes[0].Code != tt.cause) {
				t.Fatalf("causes %+v, want first %q", rep.Causes, tt.cause)
			}
			// The same facts in both formats: every stage summary and cause
			// title. The two runs' timings differ, so numbers are masked.
			for _, s := range rep.Stages {
				if !strings.Contains(numbers.ReplaceAllString(table, "N"), numbers.ReplaceAllString(s.Summary, "N")) {
					t.Errorf("the table lacks the %s summary %q", s.ID, s.Summary)
				}
			}
			for _, c := range rep.Causes {
				if !strings.Contains(table, c.Title) || !strings.Contains(table, c.Code) {
					t.Errorf("the table lacks cause %s %q", c.Code, c.Title)
				}
			}
			if !strings.Contains(stderr, "PASS ****") {
				t.Errorf("--trace lacks the redacted PASS: %q", stderr)
			}
		})
	}
}

func TestPasswordSources(t *testing.T) {
	const pass = "Stdin-S3ntinel"
	srv := fixtures.StartT(t, fixtures.Script{Users: map[string]string{"bob": pass}})
	target := "127.0.0.1:" + strconv.Itoa(srv.Port())
	code, out, stderr := runCLI(t, pass+"\n", "check", "--timeout", "1s", "-u", "bob", "--password-stdin", "--no-color", target)
	if code != verdict.ExitOK || strings.Contains(out+stderr, pass) {
		t.Fatalf("--password-stdin: exit %d\n%s%s", code, out, stderr)
	}
	t.Setenv("FTP_PASSWORD", pass)
	if code, out, _ := runCLI(t, "", "check", "--timeout", "1s", "-u", "bob", target); code != verdict.ExitOK || strings.Contains(out, pass) {
		t.Fatalf("FTP_PASSWORD: exit %d\n%s", code, out)
	}
}

func TestDemoRunsEveryScenario(t *testing.T) {
	code, out, stderr := runCLI(t, "", "demo", "--no-color", "--timeout", "300ms")
	if code != verdict.ExitOK {
		t.Fatalf("demo exit %d: %s", code, stderr)
	}
	for _, sc := range fixtures.DemoScenarios() {
		if !strings.Contains(out, "=== demo "+sc.Name) {
			t.Errorf("demo output lacks %s", sc.Name)
		}
	}
	if strings.Contains(out, fixtures.DemoPassword) || strings.Contains(out, "\x1b[") {
		t.Error("demo output holds the password or color codes")
	}
}

func TestFormatJSONIsTheJSONFlag(t *testing.T) {
	_, short, _ := runCLI(t, "", "demo", "--json", "--timeout", "300ms", "healthy_vsftpd")
	code, long, stderr := runCLI(t, "", "demo", "--format", "json", "--timeout", "300ms", "healthy_vsftpd")
	if code != verdict.ExitOK || !strings.HasPrefix(long, "{") {
		t.Fatalf("exit %d, stdout %.80q, stderr %q", code, long, stderr)
	}
	if a, b := sameShape(t, short), sameShape(t, long); a != b {
		t.Errorf("--json and --format json differ:\n%s\n%s", a, b)
	}
}

// sameShape masks what differs between two runs of one check: the
// numbers (times, ports) and the firewall stage's open-or-closed (a passive
// port the server has not yet closed when the check comes is open, later
// closed: both mean the firewall lets it through).
func sameShape(t *testing.T, report string) string {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal([]byte(report), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, report)
	}
	stages, _ := doc["stages"].([]any)
	for _, st := range stages {
		st, _ := st.(map[string]any)
		ev, _ := st["evidence"].(map[string]any)
		if st["id"] == "firewall" {
			ports, _ := ev["ports"].([]any)
			for _, p := range ports {
				if p, _ := p.(map[string]any); p["state"] == "open" || p["state"] == "closed" {
					p["state"] = "reachable"
					delete(p, "error")
				}
			}
		}
	}
	out, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return numbers.ReplaceAllString(string(out), "N")
}

func TestFlagsAfterTheTarget(t *testing.T) {
	srv := fixtures.StartT(t, fixtures.Script{Users: map[string]string{"alice": "pw-after"}})
	target := "ftp://alice:pw-after@127.0.0.1:" + strconv.Itoa(srv.Port())
	code, out, stderr := runCLI(t, "", "check", target, "--json", "--timeout", "1s")
	if code != verdict.ExitOK || !strings.HasPrefix(out, "{") {
		t.Fatalf("exit %d, stdout %.80q, stderr %q", code, out, stderr)
	}
}

func TestWidthWrapsOnlyWhenAsked(t *testing.T) {
	longest := func(s string) int {
		n := 0
		for _, l := range strings.Split(s, "\n") {
			n = max(n, len(l))
		}
		return n
	}
	_, piped, _ := runCLI(t, "", "demo", "--timeout", "300ms", "nat_private_address")
	if longest(piped) <= 80 {
		t.Errorf("piped output was wrapped: longest line %d columns", longest(piped))
	}
	_, narrow, _ := runCLI(t, "", "demo", "--timeout", "300ms", "--width", "80", "nat_private_address")
	if longest(narrow) > 80 {
		t.Errorf("--width 80: longest line %d columns:\n%s", longest(narrow), narrow)
	}
}
