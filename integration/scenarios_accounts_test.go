package integration

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ftpdoctor/ftpdoctor/internal/netlab"
)

// accountsShare is the netlab.Share name of the accounts' users.
const accountsShare = "fdlab-accounts"

// accountSpecs are the further local users of the many-accounts scenarios:
// a1 to a3 with homes, a4 whose home does not exist (vsftpd answers its
// login with "500 OOPS: cannot change directory:...").
var accountSpecs = []netlab.UserSpec{
	{Name: "fdlab-a1", Home: "/var/lib/fdlab-acct-a1"},
	{Name: "fdlab-a2", Home: "/var/lib/fdlab-acct-a2"},
	{Name: "fdlab-a3", Home: "/var/lib/fdlab-acct-a3"},
	{Name: "fdlab-a4", Home: "/var/lib/fdlab-acct-a4", NoHome: true},
}

// accountJSON is one element of the report's accounts[].
type accountJSON struct {
	User       string      `json:"user"`        // login name
	Verdict    string      `json:"verdict"`     // this account's verdict
	ExitCode   int         `json:"exit_code"`   // this account's exit code
	Phase      string      `json:"phase"`       // connect, tls, user, pass, after_login, data, ok
	Code       string      `json:"code"`        // the code of the stage that ended it
	Reply      string      `json:"reply"`       // the server's decisive reply
	DurationMS float64     `json:"duration_ms"` // wall time of its check
	Retried    bool        `json:"retried"`     // refused for too many connections, checked again alone
	Stages     []stageJSON `json:"stages"`      // its own stages
	Causes     []causeJSON `json:"causes"`      // its findings
}

// account returns the test's account user n (1 to 4).
func account(t *testing.T, n int) netlab.LocalUser {
	t.Helper()
	if n < 1 || n > len(suite.accounts) {
		t.Fatalf("no account user %d: %d created", n, len(suite.accounts))
	}
	return suite.accounts[n-1]
}

// usersFile writes a --users file, mode 0600, with one USER:PASSWORD line
// per entry of lines (already formatted), and returns its path.
func (l *lab) usersFile(lines ...string) string {
	l.t.Helper()
	path := filepath.Join(l.Dir, "users")
	body := "# accounts of " + l.t.Name() + "\n" + strings.Join(lines, "\n") + "\n"
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		l.t.Fatal(err)
	}
	return path
}

// accountWant is what one account of the report must say.
type accountWant struct {
	Phase     string // phase
	ReplyCode string // the reply starts with this ("530 "); empty: not checked
	Reply     string // the reply contains this; empty: not checked
}

// assertAccounts compares the report's accounts[] with want, by user.
func assertAccounts(t *testing.T, got checkResult, want map[string]accountWant) {
	t.Helper()
	seen := map[string]bool{}
	for _, a := range got.Report.Accounts {
		seen[a.User] = true
		w, ok := want[a.User]
		if !ok {
			t.Errorf("accounts[] has %s, which was not asked for", a.User)
			continue
		}
		if a.Phase != w.Phase || !strings.HasPrefix(a.Reply, w.ReplyCode) || !strings.Contains(a.Reply, w.Reply) {
			t.Errorf("account %s: phase %q, code %s, reply %q; want phase %q, reply %q...%q",
				a.User, a.Phase, a.Code, a.Reply, w.Phase, w.ReplyCode, w.Reply)
		}
		t.Logf("account %s: phase %s, code %s, reply %q, retried %v, %.0f ms", a.User, a.Phase, a.Code, a.Reply, a.Retried, a.DurationMS)
	}
	for user := range want {
		if !seen[user] {
			t.Errorf("accounts[] lacks %s", user)
		}
	}
}

// cause returns the report's cause with code, if any.
func cause(rep reportJSON, code string) (causeJSON, bool) {
	for _, c := range rep.Causes {
		if c.Code == code {
			return c, true
		}
	}
	return causeJSON{}, false
}

// TestAccounts runs the many-accounts scenarios in parallel.
func TestAccounts(t *testing.T) {
	requireSuite(t)
	t.Parallel()
	for name, f := range map[string]func(t *testing.T){
		"accounts_vsftpd":                   accountsVsftpd,
		"accounts_proftpd_connection_limit": accountsProftpdConnectionLimit,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f(t)
		})
	}
}

// accountsVsftpd checks four accounts against one vsftpd: one works,
// one is in the userlist (refused at USER), one has a wrong password
// (refused at PASS), one has no home directory (accepted, then "500 OOPS:
// cannot change directory"). The verdict is the worst account's; the
// passwords never show, in JSON nor in the table with --trace.
func accountsVsftpd(t *testing.T) {
	l := newLab(t, routed)
	a1, a2, a3, a4 := account(t, 1), account(t, 2), account(t, 3), account(t, 4)
	list := l.VsftpdUserlist(a2.Name)
	l.vsftpd("userlist_enable=YES", "userlist_deny=YES", "userlist_file="+list)
	wrong := "wrong-" + a3.Password
	file := l.usersFile(a1.Name+":"+a1.Password, a2.Name+":"+a2.Password, a3.Name+":"+wrong, a4.Name+":"+a4.Password)
	run := checkRun{Target: l.SrvAddr, Timeout: quick, Extra: []string{"--users", file},
		Secrets: []string{wrong, a1.Password, a2.Password, a3.Password, a4.Password}}
	got := l.check(run)
	assertReport(t, got, expectation{Verdict: "critical", Exit: 2, Cause: "credentials", Software: "vsftpd",
		AlsoCodes: []string{"login.accounts_refused"}})
	assertAccounts(t, got, map[string]accountWant{
		a1.Name: {Phase: "ok"},
		a2.Name: {Phase: "user", ReplyCode: "530 ", Reply: "Permission denied"},
		a3.Name: {Phase: "pass", ReplyCode: "530 ", Reply: "Login incorrect"},
		a4.Name: {Phase: "after_login", ReplyCode: "500 ", Reply: "OOPS: cannot change directory:" + a4.Home},
	})
	if c, ok := cause(got.Report, "login.accounts_refused"); ok {
		for _, part := range []string{
			"1 of 4 accounts log in and list",
			a2.Name + " is refused at USER, before the password is sent",
			a3.Name + " is refused at PASS",
			a4.Name + " is accepted, then the session fails",
		} {
			if !strings.Contains(c.Explanation, part) {
				t.Errorf("login.accounts_refused does not say %q:\n%s", part, c.Explanation)
			}
		}
		if strings.Contains(c.Explanation, a1.Name+" is") {
			t.Errorf("login.accounts_refused blames %s, which works:\n%s", a1.Name, c.Explanation)
		}
	}
	run.Table = true
	text := l.check(run) // fails the test if a password shows
	if text.ExitCode != 2 {
		t.Errorf("the table with --trace exits %d, want 2\n%s\n%s", text.ExitCode, text.Raw, text.Stderr)
	}
	for _, a := range []netlab.LocalUser{a1, a2, a3, a4} {
		if !strings.Contains(text.Raw, a.Name) {
			t.Errorf("the table does not name %s:\n%s", a.Name, text.Raw)
		}
	}
}

// accountsProftpdConnectionLimit checks four accounts that all work
// against a ProFTPD allowing one session per client address
// (MaxClientsPerHost 1), three at once: the refusals are the server's
// limit, not the accounts' fault, so each refused account is checked again
// alone and ends ok, and the limit is a finding of its own.
func accountsProftpdConnectionLimit(t *testing.T) {
	l := newLab(t, routed)
	a1, a2, a3 := account(t, 1), account(t, 2), account(t, 3)
	// ProFTPD counts only sessions that have logged in (mod_auth's
	// auth_count_scoreboard skips "(none)" users), at PASS. Sessions that
	// list a home of one file end within about 20 ms of their 230, so
	// three started at once often never meet (measured: 3 runs in 8 had
	// no refusal). A listing of 5,000 files keeps each session logged in
	// long enough that the last to log in sees the others; the timeout is
	// long enough for that listing on a machine loaded far past its cores
	// (at a load average of 30 on two cores one listing took 8 s, and a
	// 10 s step timeout cut one short).
	dir := l.publicDir(5000)
	l.proftpd("", "MaxClientsPerHost 1")
	file := l.usersFile(suite.user+":"+suite.password, a1.Name+":"+a1.Password, a2.Name+":"+a2.Password, a3.Name+":"+a3.Password)
	got := l.check(checkRun{Target: "ftp://" + l.SrvAddr + "/" + dir, Timeout: 30 * time.Second, Extra: []string{"--users", file, "--parallel", "3"},
		Secrets: []string{a1.Password, a2.Password, a3.Password}})
	rep := got.Report
	want := map[string]accountWant{suite.user: {Phase: "ok"}, a1.Name: {Phase: "ok"}, a2.Name: {Phase: "ok"}, a3.Name: {Phase: "ok"}}
	assertAccounts(t, got, want)
	retried := 0
	for _, a := range rep.Accounts {
		if a.Retried {
			retried++
		}
		for _, s := range a.Stages {
			t.Logf("  %s stage %s: %s %s: %s", a.User, s.ID, s.Status, s.Code, s.Summary)
		}
	}
	if retried == 0 {
		t.Errorf("no account is retried: with MaxClientsPerHost 1 and --parallel 3, some must have been refused at first")
	}
	if _, ok := cause(rep, "login.accounts_limited"); !ok {
		t.Errorf("no cause login.accounts_limited; causes: %s", causeList(rep.Causes))
	}
	if _, ok := cause(rep, "login.accounts_refused"); ok {
		t.Errorf("login.accounts_refused while every account works alone; causes: %s", causeList(rep.Causes))
	}
	if t.Failed() {
		t.Logf("report (verdict %s, exit %d):\n%s\nstderr:\n%s", rep.Verdict, got.ExitCode, got.Raw, got.Stderr)
	}
}
