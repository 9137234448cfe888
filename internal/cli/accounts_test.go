package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ftpdoctor/ftpdoctor/fixtures"
	"github.com/ftpdoctor/ftpdoctor/report"
	"github.com/ftpdoctor/ftpdoctor/verdict"
)

// accountsServer has four accounts, each failing in a phase of its own but
// alice.
func accountsServer(t *testing.T) string {
	srv := fixtures.StartT(t, fixtures.Script{
		Users:       map[string]string{"alice": "Alice-Sentinel-1", "bob": "Bob-Sentinel-2", "dave": "Dave-Sentinel-4"},
		RejectUsers: []string{"carol"},
		HomeMissing: map[string]string{"dave": "/home/dave"},
	})
	return "127.0.0.1:" + strconv.Itoa(srv.Port())
}

var accountSentinels = []string{"Alice-Sentinel-1", "Wrong-Sentinel-2", "Carol-Sentinel-3", "Dave-Sentinel-4"}

func TestUsersFileEachAccountDiagnosed(t *testing.T) {
	target := accountsServer(t)
	path := filepath.Join(t.TempDir(), "users")
	list := "# helpdesk ticket 4711\nalice:Alice-Sentinel-1\nbob:Wrong-Sentinel-2\n\ncarol:Carol-Sentinel-3\ndave:Dave-Sentinel-4\n"
	if err := os.WriteFile(path, []byte(list), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := runCLI(t, "", "check", "--timeout", "1s", "--users", path, "--json", "--trace", target)
	var rep report.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("exit %d: %v\n%s%s", code, err, out, stderr)
	}
	want := map[string]string{"alice": "ok", "bob": "pass", "carol": "user", "dave": "after_login"}
	if len(rep.Accounts) != 4 {
		t.Fatalf("%d accounts in the report", len(rep.Accounts))
	}
	for _, a := range rep.Accounts {
		if string(a.Phase) != want[a.User] || len(a.Stages) == 0 || a.Causes == nil {
			t.Errorf("account %s: phase %s, %d stages", a.User, a.Phase, len(a.Stages))
		}
	}
	if rep.Verdict != verdict.Critical || code != verdict.ExitCritical {
		t.Errorf("verdict %s exit %d: the worst account's is critical", rep.Verdict, code)
	}
	found := false
	for _, c := range rep.Causes {
		if c.Code == "login.accounts_refused" {
			found = strings.Contains(c.Explanation, "1 of 4 accounts log in") && strings.Contains(c.Explanation, "bob is refused at PASS")
		}
	}
	if !found {
		t.Errorf("no comparison of the accounts among %+v", rep.Causes)
	}
	_, table, _ := runCLI(t, "", "check", "--timeout", "1s", "--users", path, "--no-color", target)
	_, page, _ := runCLI(t, "", "check", "--timeout", "1s", "--users", path, "--format", "html", target)
	for _, u := range []string{"alice", "bob", "carol", "dave"} { // every account, with its causes
		if !strings.Contains(page, `data-user="`+u+`"`) || u != "alice" && !strings.Contains(page, "Account <code>"+u+"</code>") {
			t.Errorf("the HTML report lacks account %s or its causes", u)
		}
	}
	for _, s := range append(accountSentinels, "Bob-Sentinel-2") {
		if strings.Contains(out+stderr+table+page, s) {
			t.Fatalf("a password reached the output: %s", s)
		}
	}
	for _, u := range []string{"alice", "bob", "carol", "dave", "after login", "at USER", "login.user_rejected"} {
		if !strings.Contains(table, u) {
			t.Errorf("the table lacks %q", u)
		}
	}
}

func TestUsersFileReadableByOthersIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "users")
	if err := os.WriteFile(path, []byte("alice:pw\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := runCLI(t, "", "check", "--users", path, "127.0.0.1:1")
	if code != verdict.ExitUnknown || out != "" || !strings.Contains(stderr, "chmod 600") || strings.Count(stderr, "\n") != 1 {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, stderr)
	}
}

func TestRepeatedUserAndUsersFromStdin(t *testing.T) {
	target := accountsServer(t)
	code, out, _ := runCLI(t, "", "check", "--timeout", "1s", "--json", "-u", "alice:Alice-Sentinel-1", "-u", "dave:Dave-Sentinel-4", target)
	var rep report.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil || len(rep.Accounts) != 2 || rep.Accounts[1].Phase != "after_login" {
		t.Fatalf("exit %d: %v %+v", code, err, rep.Accounts)
	}
	code, out, _ = runCLI(t, "alice:Alice-Sentinel-1\nbob:Bob-Sentinel-2\n", "check", "--timeout", "1s", "--json", "--users", "-", target)
	rep = report.Report{}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || len(rep.Accounts) != 2 || code != verdict.ExitOK {
		t.Fatalf("exit %d: %v %+v", code, err, rep.Accounts)
	}
	if strings.Contains(out, "Sentinel") {
		t.Fatal("a password reached the output")
	}
}
