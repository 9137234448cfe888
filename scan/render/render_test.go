package render

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/ftpdoctor/ftpdoctor/internal/contract"
	"github.com/ftpdoctor/ftpdoctor/internal/testutil"
	"github.com/ftpdoctor/ftpdoctor/output"
	"github.com/ftpdoctor/ftpdoctor/probes"
	"github.com/ftpdoctor/ftpdoctor/scan"
)

// ports builds a port list: each step is (count, state, reason, token).
func ports(low int, steps ...any) []scan.Port {
	var ps []scan.Port
	for i := 0; i+3 < len(steps)+3 && i < len(steps); i += 4 {
		for n := 0; n < steps[i].(int); n++ {
			ps = append(ps, scan.Port{Port: low + len(ps), State: steps[i+1].(scan.State), Reason: steps[i+2].(string),
				Token: steps[i+3].(scan.TokenCheck)})
		}
	}
	return ps
}

func rangeResult(r probes.PortRange, ps []scan.Port) scan.Result {
	return scan.Result{Address: "10.231.0.2", Range: r, Ports: ps, Concurrency: 256, FDLimit: 20000,
		Timeout: 100 * time.Millisecond, Retries: 1, Duration: 432 * time.Millisecond}
}

func rangeCases() map[string]scan.Report {
	half := probes.PortRange{Low: 50000, High: 50999}
	declared := probes.PortRange{Low: 50000, High: 50009}
	disc := &scan.Discovery{Control: "10.231.0.2:21", Addresses: []string{"10.231.0.2", "192.168.7.2"},
		Observed: &probes.PortRange{Low: 40001, High: 50007}, Distinct: 3, Declared: &declared, Outside: []int{40001},
		Samples: []scan.Sample{{Command: "PASV", Code: 227, Address: "10.231.0.2", Port: 50003},
			{Command: "EPSV", Code: 229, Port: 50007}, {Command: "PASV", Code: 227, Address: "192.168.7.2", Port: 40001}},
		Transcript: []probes.Exchange{{Code: 220, Text: "ready"}, {Command: "USER u", Code: 331}, {Command: "PASS ****", Code: 230}}}
	return map[string]scan.Report{
		"half_dropped": scan.Build("ftp.test", rangeResult(half, ports(50000,
			500, scan.StateClosed, scan.ReasonRefused, scan.TokenCheck(""),
			500, scan.StateFiltered, scan.ReasonNoResponse, scan.TokenCheck(""))), false, nil),
		"all_pass": scan.Build("10.231.0.2", rangeResult(half, ports(50000,
			999, scan.StateClosed, scan.ReasonRefused, scan.TokenCheck(""),
			1, scan.StateOpen, scan.ReasonSynAck, scan.TokenCheck(""))), false, nil),
		"token": scan.Build("10.231.0.2", rangeResult(probes.PortRange{Low: 50000, High: 50009}, ports(50000,
			6, scan.StateOpen, scan.ReasonSynAck, scan.TokenMatch,
			2, scan.StateOpen, scan.ReasonSynAck, scan.TokenMismatch,
			2, scan.StateClosed, scan.ReasonRefused, scan.TokenCheck(""))), true, nil),
		"discovery": scan.Build("ftp.test", rangeResult(declared, ports(50000,
			10, scan.StateClosed, scan.ReasonRefused, scan.TokenCheck(""))), false, disc),
	}
}

func TestRangeTableGolden(t *testing.T) {
	for name, rep := range rangeCases() {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteRangeTable(&b, rep, output.Options{}); err != nil {
				t.Fatal(err)
			}
			testutil.Golden(t, "range_table_"+name+".golden", b.Bytes())
		})
	}
}

func TestRangeJSONGolden(t *testing.T) {
	for name, rep := range rangeCases() {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteRangeJSON(&b, rep, output.Options{}); err != nil {
				t.Fatal(err)
			}
			testutil.Golden(t, "range_json_"+name+".golden", b.Bytes())
			contract.Assert(t, contract.Range, b.Bytes())
			var back RangeJSON
			if err := json.Unmarshal(b.Bytes(), &back); err != nil {
				t.Fatal(err)
			}
			if back.SchemaVersion != SchemaVersion || back.Counts != rep.Counts || len(back.Runs) != len(rep.Runs) ||
				back.ExitCode != rep.Verdict.Code || back.Verdict != rep.Verdict.Status || back.Target.Host != rep.Target {
				t.Errorf("JSON lost facts: %+v", back)
			}
		})
	}
}

// TestRangeTableAndJSONAgree checks that every run of the JSON is a row of
// the table, so both show the same facts.
func TestRangeTableAndJSONAgree(t *testing.T) {
	for name, rep := range rangeCases() {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			WriteRangeTable(&b, rep, output.Options{})
			for _, run := range rep.Runs {
				if !strings.Contains(b.String(), scan.RunText(run)) {
					t.Errorf("table lacks run %s", scan.RunText(run))
				}
			}
			if !strings.Contains(b.String(), strings.ToUpper(string(rep.Verdict.Status))) {
				t.Errorf("table lacks the verdict %s", rep.Verdict.Status)
			}
		})
	}
}

func TestRangeTableCapsRows(t *testing.T) {
	var ps []scan.Port
	for i := 0; i < 100; i++ {
		s, reason := scan.StateClosed, scan.ReasonRefused
		if i%2 == 1 {
			s, reason = scan.StateFiltered, scan.ReasonNoResponse
		}
		ps = append(ps, scan.Port{Port: 1000 + i, State: s, Reason: reason})
	}
	rep := scan.Build("h", rangeResult(probes.PortRange{Low: 1000, High: 1099}, ps), false, nil)
	cases := []struct {
		name    string
		verbose bool
		has     string
		lacks   string
	}{
		{"capped", false, "... 60 more runs", "1099"},
		{"verbose_shows_all", true, "1099", "more runs"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			WriteRangeTable(&b, rep, output.Options{Verbose: tc.verbose})
			_, table, _ := strings.Cut(b.String(), "PORTS")
			table, _, _ = strings.Cut(table, "CRITICAL")
			if !strings.Contains(table, tc.has) || strings.Contains(table, tc.lacks) {
				t.Errorf("table should have %q and not %q:\n%s", tc.has, tc.lacks, table)
			}
		})
	}
}

func TestRangeTableColor(t *testing.T) {
	rep := rangeCases()["half_dropped"]
	for _, tc := range []struct {
		name  string
		color bool
	}{{"plain", false}, {"colored", true}} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			WriteRangeTable(&b, rep, output.Options{Color: tc.color})
			if got := strings.Contains(b.String(), "\x1b["); got != tc.color {
				t.Errorf("escape codes present: %v, want %v", got, tc.color)
			}
		})
	}
}

func TestListenGolden(t *testing.T) {
	rep := scan.ListenReport{Address: "", Range: probes.PortRange{Low: 50000, High: 50999}, Token: "k7",
		Bound: []probes.PortRange{{Low: 50000, High: 50020}, {Low: 50022, High: 50899}}, BoundCount: 899,
		Busy: []probes.PortRange{{Low: 50021, High: 50021}}, FDSkipped: []probes.PortRange{{Low: 50900, High: 50999}},
		FDLimit: 1024, Connections: 1200, PortsHit: 899, Peers: []string{"10.231.0.1"}, DurationMS: 600000}
	var b bytes.Buffer
	if err := WriteListenStart(&b, rep, 10*time.Minute, []string{"10.231.0.2", "fd00::2"}); err != nil {
		t.Fatal(err)
	}
	if err := WriteListenEnd(&b, rep, output.Options{}); err != nil {
		t.Fatal(err)
	}
	testutil.Golden(t, "range_listen.golden", b.Bytes())
	b.Reset()
	if err := WriteListenJSON(&b, rep, output.Options{}); err != nil {
		t.Fatal(err)
	}
	testutil.Golden(t, "range_listen_json.golden", b.Bytes())
	contract.Assert(t, contract.Listen, b.Bytes())
}

func TestProgress(t *testing.T) {
	cases := []struct {
		name  string
		delay time.Duration
		wait  bool // wait for a frame before Finish
		want  string
	}{
		{"short_scan_draws_nothing", time.Hour, false, ""},
		{"long_scan_draws_and_clears", 0, true, "tries"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var w testutil.SyncBuffer
			p := StartProgress(&w, tc.delay)
			p.Update(5, 10)
			for deadline := time.Now().Add(5 * time.Second); tc.wait && !strings.Contains(w.String(), "5/10"); {
				if time.Now().After(deadline) {
					t.Fatal("no frame drawn within 5 s")
				}
				time.Sleep(10 * time.Millisecond)
			}
			p.Finish()
			p.Finish()
			got := w.String()
			if tc.want == "" && got != "" {
				t.Errorf("drew %q, want nothing", got)
			}
			if tc.want != "" && (!strings.Contains(got, "[###############---------------] 5/10 tries") || !strings.HasSuffix(got, "\r\x1b[K")) {
				t.Errorf("drew %q, want a half bar and a cleared line at the end", got)
			}
		})
	}
	var none *Progress
	none.Finish()
}

func TestRangeTableFitsWidth(t *testing.T) {
	for name, rep := range rangeCases() {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteRangeTable(&b, rep, output.Options{Width: 80}); err != nil {
				t.Fatal(err)
			}
			for _, line := range strings.Split(b.String(), "\n") {
				if n := output.DisplayWidth(line); n > 80 {
					t.Errorf("line of %d columns: %q", n, line)
				}
			}
		})
	}
}
