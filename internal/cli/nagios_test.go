package cli

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/ftpdoctor/ftpdoctor/fixtures"
	"github.com/ftpdoctor/ftpdoctor/verdict"
)

var nagiosLine = regexp.MustCompile(`^FTP (OK|WARNING|CRITICAL|UNKNOWN) - [^|\n]+ \| dns=[0-9.]+s;;;0 control=[0-9.]+s;;;0 .*total=[0-9.]+s;[0-9.]*;[0-9.]*;0\n$`)

func TestCheckNagios(t *testing.T) {
	const pass = "Nagios-S3ntinel"
	srv := fixtures.StartT(t, fixtures.Script{Users: map[string]string{"alice": pass}, Active: fixtures.ActiveIllegal})
	target := "ftp://alice:" + pass + "@127.0.0.1:" + strconv.Itoa(srv.Port())
	tests := []struct {
		name   string
		args   []string
		exit   int
		status string
		text   string
	}{
		{"warning_from_the_check", nil, verdict.ExitWarning, "FTP WARNING - ", "(active.command_refused)"},
		{"thresholds_not_reached", []string{"--warning", "30s", "--critical", "60s"}, verdict.ExitWarning, "FTP WARNING - ", ";30;60;0\n"},
		{"critical_threshold_raises", []string{"--critical", "1ns"}, verdict.ExitCritical, "FTP CRITICAL - ", "over the critical threshold 0s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append(append([]string{"check", "--timeout", "1s", "--format", "nagios"}, tt.args...), target)
			code, out, errOut := runCLI(t, "", args...)
			if code != tt.exit || !nagiosLine.MatchString(out) || !strings.HasPrefix(out, tt.status) || !strings.Contains(out, tt.text) {
				t.Errorf("exit %d, want %d; out %q; stderr %q", code, tt.exit, out, errOut)
			}
			if strings.Contains(out+errOut, pass) {
				t.Fatal("the password appears in the output")
			}
		})
	}
}

func TestThresholdFlagsBadInput(t *testing.T) {
	for _, args := range [][]string{
		{"check", "--warning", "5s", "--critical", "1s", "host"},
		{"check", "--critical", "-1s", "host"},
		{"range", "--warning", "0s", "127.0.0.1", "1-2"},
	} {
		code, _, stderr := runCLI(t, "", args...)
		if code != verdict.ExitUnknown || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, "--") {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr)
		}
	}
}

// TestThresholdIsACauseInEveryFormat: a healthy server over --warning is
// WARNING with the cause check.slow in every format, never a verdict with
// no reason.
func TestThresholdIsACauseInEveryFormat(t *testing.T) {
	srv := fixtures.StartT(t, fixtures.Script{Users: map[string]string{"alice": "Slow-S3ntinel"}})
	target := "ftp://alice:Slow-S3ntinel@127.0.0.1:" + strconv.Itoa(srv.Port())
	for _, format := range []string{"table", "json", "nagios", "html"} {
		t.Run(format, func(t *testing.T) {
			code, out, errOut := runCLI(t, "", "check", "--timeout", "1s", "--no-color", "--warning", "1ns", "--format", format, target)
			if code != verdict.ExitWarning || !strings.Contains(out, "check.slow") {
				t.Errorf("exit %d, want %d with check.slow; stderr %q\n%s", code, verdict.ExitWarning, errOut, out)
			}
			if format == "table" && strings.Contains(out, "No problems found") {
				t.Errorf("the table says there is no problem under a WARNING verdict:\n%s", out)
			}
		})
	}
}
