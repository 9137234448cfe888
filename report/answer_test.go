package report

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ftpdoctor/ftpdoctor/output"
	"github.com/ftpdoctor/ftpdoctor/probes"
)

// threeAccounts is the helpdesk's case: alice works, bob's password is
// wrong, carol is on the server's userlist; the server is vsftpd.
func threeAccounts() probes.Outcome {
	o := healthy()
	o.Server.Software = probes.SoftwareVsftpd
	own := "10.231.0.9:40000 -> 10.231.0.2:21"
	bob := stopAt(probes.StageLogin, probes.LoginRejected, "rejected", probes.Evidence{Replies: []probes.Exchange{
		{Conn: own, Command: "USER bob", Verb: "USER", Code: 331}, {Conn: own, Command: "PASS ****", Verb: "PASS", Code: 530, Text: "Login incorrect."}}})
	carol := stopAt(probes.StageLogin, probes.LoginUserRejected, "refused at USER", probes.Evidence{Replies: []probes.Exchange{
		{Conn: own, Command: "USER carol", Verb: "USER", Code: 530, Text: "Permission denied."}}})
	o.Accounts = []probes.AccountOutcome{
		{User: "alice", Mode: probes.ModeBoth, Phase: probes.PhaseOK, Results: o.Results},
		{User: "bob-with-a-rather-long-name", Mode: probes.ModePassive, Phase: probes.PhasePass, Results: bob.Results},
		{User: "carol", Mode: probes.ModePassive, Phase: probes.PhaseUser, Results: carol.Results},
	}
	return o
}

func TestAnswerComesBeforeTheTables(t *testing.T) {
	for name, o := range map[string]probes.Outcome{
		"three_accounts": threeAccounts(),
		"data_dropped":   dataDropped(),
	} {
		t.Run(name, func(t *testing.T) {
			r := Build(o)
			var buf bytes.Buffer
			if err := WriteTable(&buf, r, output.Options{Width: 80}); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			table := strings.Index(out, "\n+-")
			first := r.Causes[0]
			fix, _ := firstFix(first)
			for _, want := range []string{"1. [" + string(first.Severity) + "] " + first.Title, "First fix (" + string(fix.Side) + " side): "} {
				if i := strings.Index(out, want); i < 0 || i > table {
					t.Errorf("%q is not before the stage table:\n%s", want, out)
				}
			}
			if words := strings.Fields(fix.Text)[:3]; !strings.Contains(flat(out[:table]), strings.Join(words, " ")) {
				t.Errorf("the first fix %q is not in the answer:\n%s", fix.Text, out[:table])
			}
			if full := strings.Index(out, "Causes, most important first:"); full < table {
				t.Errorf("the full causes come before the stage table")
			}
		})
	}
}

func TestAccountsTableFitsAndSaysWhere(t *testing.T) {
	r := Build(threeAccounts())
	var buf bytes.Buffer
	if err := WriteTable(&buf, r, output.Options{Width: 80}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, line := range strings.Split(out, "\n") {
		if n := utf8.RuneCountInString(line); n > 80 {
			t.Errorf("line of %d columns: %q", n, line)
		}
	}
	for _, want := range []string{"| at PASS ", "| at USER ", "account carol: The user is not allowed to log in"} {
		if !strings.Contains(out, want) {
			t.Errorf("the table lacks %q:\n%s", want, out)
		}
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "| carol ") && strings.Contains(line, "| user ") || strings.HasPrefix(line, "| bob") && strings.Contains(line, "| pass ") {
			t.Errorf("the phase column still says pass or user: %q", line)
		}
	}
}

func TestSharedFixGivenOnce(t *testing.T) {
	r := Build(threeAccounts())
	var buf bytes.Buffer
	if err := WriteTable(&buf, r, output.Options{}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, marker := range []string{"comes from PAM", "userlist_enable=YES"} {
		if n := strings.Count(out, marker); n != 1 {
			t.Errorf("the vsftpd fix with %q is given %d times, want once:\n%s", marker, n, out)
		}
	}
	for _, a := range r.Accounts[1:] {
		refers := false
		for _, f := range a.Causes[0].Fixes {
			refers = refers || f.Side == SideServer && strings.HasPrefix(f.Text, referencePrefix+"cause ")
		}
		if !refers {
			t.Errorf("account %s's server fix does not refer to the one above: %+v", a.User, a.Causes[0].Fixes)
		}
	}
}

func TestRecommendationOnlyWhenDataRan(t *testing.T) {
	for name, tc := range map[string]struct {
		o    probes.Outcome
		want bool
	}{
		"login_failed": {stopAt(probes.StageLogin, probes.LoginRejected, "rejected", probes.Evidence{}), false},
		"healthy":      {healthy(), true},
	} {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteTable(&buf, Build(tc.o), output.Options{}); err != nil {
				t.Fatal(err)
			}
			if got := strings.Contains(buf.String(), "Recommendation:"); got != tc.want {
				t.Errorf("recommendation shown %v, want %v:\n%s", got, tc.want, buf.String())
			}
		})
	}
}
