package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ftpdoctor/ftpdoctor/fixtures"
	"github.com/ftpdoctor/ftpdoctor/internal/testutil"
	"github.com/ftpdoctor/ftpdoctor/scan/render"
	"github.com/ftpdoctor/ftpdoctor/verdict"
)

// runRange runs the program with args after "ftpdoctor" and returns the
// exit code, stdout and stderr.
func runRange(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out, errb bytes.Buffer
	code := Run(ctx, append([]string{"ftpdoctor"}, args...), strings.NewReader(""), &out, &errb)
	assertJSONContract(t, args, out.Bytes())
	return code, out.String(), errb.String()
}

func TestRangeCommandExitCodes(t *testing.T) {
	open, closed := testutil.OpenPort(t), testutil.ClosedPort(t)
	dropped := testutil.BlackHolePort(t)
	one := func(p int) string { return fmt.Sprintf("%d-%d", p, p) }
	cases := []struct {
		name string
		args []string
		code int
		out  string // in stdout
	}{
		{"open_port_is_ok", []string{"range", "127.0.0.1", one(open)}, verdict.ExitOK, "open"},
		{"closed_port_is_ok", []string{"range", "127.0.0.1", one(closed)}, verdict.ExitOK, "passes the firewall"},
		{"dropped_port_is_critical", []string{"range", "--timeout", "300ms", "127.0.0.1", one(dropped)}, verdict.ExitCritical, "CRITICAL"},
		{"token_on_plain_listener_is_critical", []string{"range", "--token", "abc", "127.0.0.1", one(open)}, verdict.ExitCritical, "silent"},
		{"flags_after_arguments", []string{"range", "127.0.0.1", one(dropped), "--timeout=300ms", "--token", "abc", "--no-color"}, verdict.ExitCritical, "TOKEN"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runRange(t, tc.args...)
			if code != tc.code || !strings.Contains(out, tc.out) {
				t.Errorf("exit %d, want %d; stdout lacks %q?\n%s\nstderr: %s", code, tc.code, tc.out, out, errOut)
			}
			if errOut != "" {
				t.Errorf("stderr not empty (no progress bar when not a terminal): %q", errOut)
			}
		})
	}
}

func TestRangeCommandJSON(t *testing.T) {
	open, closed := testutil.OpenPort(t), testutil.ClosedPort(t)
	lo, hi := open, open // the open port, and the closed one too when it is near
	if max(open, closed)-min(open, closed) <= 200 {
		lo, hi = min(open, closed), max(open, closed)
	}
	code, out, errOut := runRange(t, "range", "--json", "127.0.0.1", fmt.Sprintf("%d-%d", lo, hi))
	var rep render.RangeJSON
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, out)
	}
	total := 0
	for _, r := range rep.Runs {
		total += r.Count
	}
	if code != rep.ExitCode || rep.Counts.Total != hi-lo+1 || total != rep.Counts.Total || rep.SchemaVersion != 1 {
		t.Errorf("exit %d, JSON %+v", code, rep)
	}
	if rep.Counts.Filtered != 0 || rep.Counts.Open < 1 {
		t.Errorf("counts %+v: want the listener open and nothing filtered on loopback", rep.Counts)
	}
	if errOut != "" {
		t.Errorf("stderr %q, want nothing with --json", errOut)
	}
}

func TestRangeCommandBadArguments(t *testing.T) {
	cases := []struct {
		name string
		args []string
		says string
	}{
		{"no_arguments", []string{"range"}, "HOST LOW-HIGH"},
		{"three_arguments", []string{"range", "127.0.0.1", "1-2", "3"}, "HOST LOW-HIGH"},
		{"reversed_range", []string{"range", "127.0.0.1", "60-50"}, "LOW <= HIGH"},
		{"not_a_range", []string{"range", "127.0.0.1", "fifty"}, "LOW-HIGH"},
		{"zero_concurrency", []string{"range", "--concurrency", "0", "127.0.0.1", "1-2"}, "--concurrency"},
		{"zero_timeout", []string{"range", "--timeout", "0s", "127.0.0.1", "1-2"}, "--timeout"},
		{"bad_token", []string{"range", "--token", "a b", "127.0.0.1", "1-2"}, "--token"},
		{"range_twice", []string{"range", "--passive-range", "1-2", "127.0.0.1", "1-2"}, "not both"},
		{"sftp_target", []string{"range", "sftp://127.0.0.1"}, "SSH"},
		{"unknown_flag_after_arguments", []string{"range", "127.0.0.1", "1-2", "--bogus"}, "--bogus"},
		{"flag_without_value_at_the_end", []string{"range", "127.0.0.1", "1-2", "--token"}, "needs an argument"},
		{"bad_flag_value_after_arguments", []string{"range", "127.0.0.1", "1-2", "--retries", "many"}, "--retries"},
		{"listen_without_range", []string{"listen"}, "LOW-HIGH"},
		{"listen_long_duration", []string{"listen", "--duration", "48h", "50000-50001"}, "--duration"},
		{"listen_bad_address", []string{"listen", "--address", "here", "50000-50001"}, "--address"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runRange(t, tc.args...)
			if code != verdict.ExitUnknown || out != "" {
				t.Errorf("exit %d stdout %q, want 3 and nothing", code, out)
			}
			if strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, tc.says) {
				t.Errorf("stderr %q, want one line mentioning %q", errOut, tc.says)
			}
		})
	}
}

// TestListenThenRangeWithToken runs listen on free loopback ports and
// range --token against them: every port must reach the listener. Listen
// must also stop by itself after --duration.
func TestListenThenRangeWithToken(t *testing.T) {
	low := testutil.FreePortRun(t, 3)
	r := fmt.Sprintf("%d-%d", low, low+2)
	done := make(chan struct {
		code    int
		out, er string
	}, 1)
	go func() {
		code, out, er := runRange(t, "listen", "--address", "127.0.0.1", "--token", "tk-1", "--duration", "1500ms", r)
		done <- struct {
			code    int
			out, er string
		}{code, out, er}
	}()
	// Wait until the first port answers with the token.
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(low), time.Second)
		if err == nil {
			c.SetReadDeadline(time.Now().Add(time.Second))
			line, _ := bufio.NewReader(c).ReadString('\n')
			c.Close()
			if strings.Contains(line, "tk-1") {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("listen did not come up")
		}
		time.Sleep(20 * time.Millisecond)
	}
	code, out, _ := runRange(t, "range", "--token", "tk-1", "127.0.0.1", r)
	if code != verdict.ExitOK || !strings.Contains(out, "reach the listener") {
		t.Errorf("range with token: exit %d\n%s", code, out)
	}
	select {
	case res := <-done:
		if res.code != verdict.ExitOK || !strings.Contains(res.out, "listening on") || !strings.Contains(res.out, "stopped after") {
			t.Errorf("listen: exit %d\n%s\n%s", res.code, res.out, res.er)
		}
		for _, want := range []string{"ftpdoctor range 127.0.0.1 " + r + " --token tk-1", "stop the FTP server on these ports first"} {
			if !strings.Contains(res.out, want) {
				t.Errorf("listen does not say %q:\n%s", want, res.out)
			}
		}
		if strings.Contains(res.out, "THIS_HOST") {
			t.Errorf("listen prints THIS_HOST although it knows its address:\n%s", res.out)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("listen did not stop after --duration")
	}
}

// TestRangeLearnsFromServer logs in to the fixture server, whose PASV and
// EPSV replies hand out one port inside and one outside the declared range.
func TestRangeLearnsFromServer(t *testing.T) {
	closed := testutil.ClosedPort(t)
	outside := closed + 1000
	srv := fixtures.StartT(t, fixtures.Script{Users: map[string]string{"alice": "pw-secret"}, Replies: map[string]string{
		"PASV": fmt.Sprintf("227 Entering Passive Mode (127,0,0,1,%d,%d).", closed>>8, closed&0xff),
		"EPSV": fmt.Sprintf("229 Entering Extended Passive Mode (|||%d|)", outside),
	}})
	target := fmt.Sprintf("ftp://alice:pw-secret@127.0.0.1:%d", srv.Port())
	cases := []struct {
		name string
		args []string
		code int
		out  string
	}{
		{"declared_range_differs", []string{"range", "--samples", "4", "--trace", "--passive-range", fmt.Sprintf("%d-%d", closed, closed), target},
			verdict.ExitCritical, "outside the declared range"},
		{"learned_range_is_scanned", []string{"range", "--samples", "1", target}, verdict.ExitOK, "passive replies from"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runRange(t, tc.args...)
			if code != tc.code || !strings.Contains(out, tc.out) {
				t.Errorf("exit %d, want %d; stdout lacks %q?\n%s\n%s", code, tc.code, tc.out, out, errOut)
			}
			if strings.Contains(out+errOut, "pw-secret") {
				t.Error("the password appears in the output")
			}
		})
	}
	code, _, errOut := runRange(t, "range", fmt.Sprintf("ftp://alice:wrong@127.0.0.1:%d", srv.Port()))
	if code != verdict.ExitUnknown || !strings.Contains(errOut, "login failed") || strings.Contains(errOut, "wrong") {
		t.Errorf("wrong password: exit %d stderr %q, want 3 and a redacted login failure", code, errOut)
	}
}
