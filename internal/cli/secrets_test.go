package cli

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ftpdoctor/ftpdoctor/fixtures"
	"github.com/ftpdoctor/ftpdoctor/output"
	"github.com/ftpdoctor/ftpdoctor/probes"
	"github.com/ftpdoctor/ftpdoctor/report"
)

// TestNoOutputHoldsThePassword runs every demo scenario (every failure path
// the fixtures play) and renders every output format without any redaction
// option: the password must appear in none of them.
func TestNoOutputHoldsThePassword(t *testing.T) {
	forEachScenario(t, func(t *testing.T, sc fixtures.Scenario, o probes.Outcome) {
		rep := report.Build(o)
		var outputs bytes.Buffer
		report.WriteTable(&outputs, rep, output.Options{})
		report.WriteTable(&outputs, rep, output.Options{Verbose: true, Color: true})
		report.WriteJSON(&outputs, rep)
		report.WriteTrace(&outputs, o.Transcript)
		fmt.Fprintf(&outputs, "%v %+v %#v", o, o, probes.Config{Password: fixtures.DemoPassword})
		if strings.Contains(outputs.String(), fixtures.DemoPassword) {
			t.Fatalf("the password appears in an output of %s", sc.Name)
		}
	})
}

// forEachScenario checks every demo scenario, in parallel, with a short
// step timeout, and hands each outcome to check.
func forEachScenario(t *testing.T, check func(*testing.T, fixtures.Scenario, probes.Outcome)) {
	for _, sc := range fixtures.DemoScenarios() {
		t.Run(sc.Name, func(t *testing.T) {
			t.Parallel()
			o, err := runScenario(context.Background(), sc, 300*time.Millisecond)
			if err != nil {
				t.Fatal(err)
			}
			check(t, sc, o)
		})
	}
}

// TestEchoedPasswordIsMasked plays a server that repeats the password in
// its reply to PASS.
func TestEchoedPasswordIsMasked(t *testing.T) {
	const pass = "Echo-S3ntinel"
	srv := fixtures.StartT(t, fixtures.Script{
		Users:   map[string]string{"alice": "other"},
		Replies: map[string]string{"PASS": "530 Password " + pass + " is wrong for alice"},
	})
	cfg := probes.Config{Target: probes.Target{Host: srv.Host(), Port: srv.Port(), User: "alice"}, Password: pass, Timeout: time.Second}
	o := probes.Check(context.Background(), cfg, probes.DefaultEnv())
	var out bytes.Buffer
	rep := report.Build(o)
	report.WriteTable(&out, rep, output.Options{Verbose: true})
	report.WriteJSON(&out, rep)
	report.WriteTrace(&out, o.Transcript)
	if strings.Contains(out.String(), pass) {
		t.Fatal("an echoed password reached the output")
	}
	if !strings.Contains(out.String(), "530 Password **** is wrong") {
		t.Fatalf("the masked reply is missing:\n%s", out.String())
	}
}

// TestTargetWithPasswordWithoutScheme: user:password@host is read as curl
// reads it, the user to USER and the password to PASS, and neither the
// table, the JSON nor an error repeats the password.
func TestTargetWithPasswordWithoutScheme(t *testing.T) {
	const pass = "Tgt-S3ntinel"
	srv := fixtures.StartT(t, fixtures.Script{Users: map[string]string{"alice": pass}})
	t.Setenv("FTP_PASSWORD", "")
	t.Setenv("HOME", t.TempDir())
	arg := fmt.Sprintf("alice:%s@127.0.0.1:%d", pass, srv.Port())
	for _, format := range []string{"table", "json"} {
		code, out, errOut := runCLI(t, "", "check", "--timeout", "1s", "--mode", "passive", "--format", format, arg)
		if code != 0 || strings.Contains(out+errOut, pass) || !strings.Contains(out, "alice") {
			t.Errorf("%s: exit %d, stderr %q:\n%s", format, code, errOut, out)
		}
	}
	for _, line := range srv.Commands() {
		if strings.HasPrefix(line, "USER") && line != "USER alice" {
			t.Errorf("the server received %q", strings.ReplaceAll(line, pass, "****"))
		}
	}
	code, out, errOut := runCLI(t, "", "check", "alice:"+pass+"@ho$t")
	if code != 3 || strings.Contains(out+errOut, pass) || !strings.Contains(errOut, "alice:****@ho$t") {
		t.Errorf("bad target: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}
