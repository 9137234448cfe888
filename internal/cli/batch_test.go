package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ftpdoctor/ftpdoctor/fixtures"
	"github.com/ftpdoctor/ftpdoctor/probes"
	"github.com/ftpdoctor/ftpdoctor/report"
	"github.com/ftpdoctor/ftpdoctor/verdict"
)

const batchPass = "Batch-S3ntinel-pw"

// batchServers starts a healthy server and one that refuses alice's
// password, and writes a netrc file holding the password for 127.0.0.1.
func batchServers(t *testing.T) (healthy, broken, netrc string) {
	t.Helper()
	good := fixtures.StartT(t, fixtures.Script{Users: map[string]string{"alice": batchPass}})
	bad := fixtures.StartT(t, fixtures.Script{Users: map[string]string{"alice": "other"}})
	netrc = filepath.Join(t.TempDir(), "netrc")
	if err := os.WriteFile(netrc, []byte("machine 127.0.0.1 login alice password "+batchPass+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return "alice@127.0.0.1:" + strconv.Itoa(good.Port()), "alice@127.0.0.1:" + strconv.Itoa(bad.Port()), netrc
}

func TestBatchJSONLines(t *testing.T) {
	healthy, broken, netrc := batchServers(t)
	list := strings.Join([]string{
		"# fleet",
		healthy,
		"",
		"ftp://alice:" + batchPass + "@ho%zz/",
		"  " + broken + "  ",
		"sftp://nope",
		healthy,
	}, "\n")
	code, out, errOut := runCLI(t, list, "batch", "--parallel", "3", "--timeout", "1s", "--netrc-file", netrc, "--format", "json", "-")
	if code != verdict.ExitCritical {
		t.Errorf("exit %d, want %d (the worst: a server that refuses the login outranks a line that does not parse); stderr %q", code, verdict.ExitCritical, errOut)
	}
	if strings.Contains(out+errOut, batchPass) {
		t.Fatal("the password appears in the output")
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 5 {
		t.Fatalf("%d records, want 5:\n%s", len(lines), out)
	}
	// In input order: report, error, report, error, report.
	wantVerdict := []verdict.Verdict{verdict.OK, verdict.Unknown, verdict.Critical, verdict.Unknown, verdict.OK}
	wantLine := []int{2, 4, 5, 6, 7}
	for i, l := range lines {
		var rec struct {
			report.Report
			Line  int    `json:"line"`
			Input string `json:"input"`
			Error string `json:"error"`
		}
		if err := json.Unmarshal([]byte(l), &rec); err != nil {
			t.Fatalf("record %d is not JSON: %v\n%s", i, err, l)
		}
		if rec.Verdict != wantVerdict[i] || rec.ExitCode != wantVerdict[i].ExitCode() || rec.SchemaVersion != report.SchemaVersion {
			t.Errorf("record %d: verdict %s exit %d schema %d, want %s", i, rec.Verdict, rec.ExitCode, rec.SchemaVersion, wantVerdict[i])
		}
		if rec.Line != wantLine[i] || rec.Input == "" || strings.Contains(rec.Input, batchPass) {
			t.Errorf("record %d: line %d input %q, want line %d and the masked input", i, rec.Line, rec.Input, wantLine[i])
		}
		if rec.Verdict == verdict.Unknown {
			if rec.Error == "" {
				t.Errorf("error record %d: %s", i, l)
			}
			continue
		}
		if len(rec.Stages) != len(probes.Wanted(probes.Config{})) || rec.Target.User != "alice" || rec.Causes == nil {
			t.Errorf("record %d is not a whole check report: %s", i, l)
		}
		if rec.Verdict == verdict.Critical && (len(rec.Causes) == 0 || rec.Causes[0].Code != "login.rejected") {
			t.Errorf("record %d: causes %+v, want login.rejected", i, rec.Causes)
		}
	}
	if !strings.Contains(lines[1], `"input":"ftp://alice:****@ho%zz/"`) {
		t.Errorf("the error record does not hold the masked line: %s", lines[1])
	}
}

func TestBatchTable(t *testing.T) {
	healthy, broken, netrc := batchServers(t)
	list := healthy + "\n" + broken + "\n"
	dir := t.TempDir()
	file := filepath.Join(dir, "list")
	os.WriteFile(file, []byte(list), 0o600)
	t.Setenv("FTP_PASSWORD", "")
	code, out, errOut := runCLI(t, "", "batch", "--timeout", "1s", "--netrc-file", netrc, file)
	if code != verdict.ExitCritical {
		t.Errorf("exit %d, want %d (the worst: critical); stderr %q", code, verdict.ExitCritical, errOut)
	}
	rows := strings.Split(out, "\n")
	if len(rows) < 5 || !strings.HasPrefix(rows[0], "TARGET") ||
		!strings.Contains(rows[1], healthy) || !strings.Contains(rows[1], "OK") ||
		!strings.Contains(rows[2], broken) || !strings.Contains(rows[2], "CRITICAL") || !strings.Contains(rows[2], "login.rejected") {
		t.Errorf("table:\n%s", out)
	}
	if !strings.Contains(out, "2 targets: 1 ok, 0 warning, 1 critical, 0 unknown. Worst: CRITICAL (exit 2).") {
		t.Errorf("summary missing:\n%s", out)
	}
}

// TestBatchFTPPassword: FTP_PASSWORD serves every target with a user, as
// for check.
func TestBatchFTPPassword(t *testing.T) {
	healthy, _, _ := batchServers(t)
	t.Setenv("FTP_PASSWORD", batchPass)
	t.Setenv("HOME", t.TempDir()) // no ~/.netrc
	code, out, _ := runCLI(t, healthy+"\n", "batch", "--timeout", "1s", "--json", "-")
	if code != verdict.ExitOK || strings.Contains(out, batchPass) {
		t.Errorf("exit %d:\n%s", code, out)
	}
}

func TestBatchLongLineIsARecord(t *testing.T) {
	list := strings.Repeat("a", 3*maxBatchLine) + "\n127.0.0.1:1\n"
	code, out, _ := runCLI(t, list, "batch", "--timeout", "1s", "--json", "-")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != verdict.ExitCritical || len(lines) != 2 || !strings.Contains(lines[0], "longer than") ||
		!strings.Contains(lines[1], "control.refused") {
		t.Errorf("exit %d:\n%s", code, out)
	}
}

func TestBatchBadInput(t *testing.T) {
	tests := []struct {
		name  string
		stdin string
		args  []string
		want  string
	}{
		{"no_file", "", []string{"batch"}, "exactly one FILE"},
		{"missing_file", "", []string{"batch", "/nonexistent/list"}, "no such file"},
		{"parallel_zero", "x\n", []string{"batch", "--parallel", "0", "-"}, "--parallel must be"},
		{"empty_list", "# only a comment\n\n", []string{"batch", "-"}, "holds no target"},
		{"bad_timeout", "x\n", []string{"batch", "--timeout", "-1s", "-"}, "--timeout must be positive"},
		{"nagios_not_for_batch", "x\n", []string{"batch", "--format", "nagios", "-"}, "--format must be one of json, table"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tt.stdin, tt.args...)
			if code != verdict.ExitUnknown || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, tt.want) || stdout != "" {
				t.Errorf("exit %d, stdout %q, stderr %q; want one line with %q", code, stdout, stderr, tt.want)
			}
		})
	}
}

// TestBatchTableEscapesAndMasks: a line of the list is echoed in the table
// with its control characters made visible and its password masked, in
// the URL form and in curl's form without a scheme.
func TestBatchTableEscapesAndMasks(t *testing.T) {
	list := "\x1b[31mevil\x07host\n" + "alice:Batch-S3cret@ho$t\n" + "ftp://alice:Batch-S3cret@ho$t/\n"
	code, out, _ := runCLI(t, list, "batch", "--timeout", "1s", "-")
	if code != verdict.ExitUnknown {
		t.Errorf("exit %d, want %d", code, verdict.ExitUnknown)
	}
	if strings.ContainsAny(out, "\x1b\x07") || !strings.Contains(out, `\x1b[31mevil`) {
		t.Errorf("control characters not made visible:\n%q", out)
	}
	if strings.Contains(out, "Batch-S3cret") || strings.Count(out, "alice:****@ho$t") != 2 {
		t.Errorf("password not masked:\n%s", out)
	}
}

// TestBatchChecksOneServerAsCheckDoes: twelve lines name one server that
// takes at most eight connections from one client. A single check needs
// four and passes; ten checks at once pass eight, and those refused are
// run again alone: every line is OK, as check alone says. A server that
// takes one is still reported as limited, on every line.
func TestBatchChecksOneServerAsCheckDoes(t *testing.T) {
	for _, tt := range []struct {
		limit int
		want  verdict.Verdict
		code  string
	}{{8, verdict.OK, ""}, {1, verdict.Warning, "login.connection_limit"}} {
		srv := fixtures.StartT(t, fixtures.Script{Users: map[string]string{"alice": batchPass}, MaxPerClient: tt.limit})
		var lines []string
		for range 12 {
			lines = append(lines, "ftp://alice@127.0.0.1:"+strconv.Itoa(srv.Port())+"/")
		}
		t.Setenv("FTP_PASSWORD", batchPass)
		_, out, errOut := runCLI(t, strings.Join(lines, "\n"), "batch", "--parallel", "10", "--timeout", "2s", "--format", "json", "-")
		recs := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if len(recs) != 12 {
			t.Fatalf("limit %d: %d records, want 12; stderr %q", tt.limit, len(recs), errOut)
		}
		for i, l := range recs {
			var rec report.Report
			if err := json.Unmarshal([]byte(l), &rec); err != nil {
				t.Fatal(err)
			}
			code := ""
			if len(rec.Causes) > 0 {
				code = string(rec.Causes[0].Code)
			}
			if rec.Verdict != tt.want || code != tt.code {
				t.Errorf("limit %d, line %d: %s %s, want %s %s", tt.limit, i+1, rec.Verdict, code, tt.want, tt.code)
			}
		}
	}
}
