package report

import (
	"testing"

	"github.com/ftpdoctor/ftpdoctor/probes"
	"github.com/ftpdoctor/ftpdoctor/verdict"
)

func TestAccountReplyIsItsOwn(t *testing.T) {
	o := healthy()
	login := *at(&o, probes.StageLogin)
	own, extra := "10.231.0.9:40000 -> 10.231.0.2:21", "10.231.0.9:40002 -> 10.231.0.2:21"
	login.Evidence.Replies = []probes.Exchange{
		{Conn: own, Command: "USER alice", Verb: "USER", Code: 331, Text: "Please specify the password."},
		{Conn: own, Command: "PASS ****", Verb: "PASS", Code: 230, Text: "Login successful."},
		{Conn: extra, Command: "PASS ****", Verb: "PASS", Code: 530, Text: "Sorry, the maximum number of clients (1) from your host are already connected."},
	}
	*at(&o, probes.StageLogin) = with(login, probes.StatusWarn, probes.LoginConnectionLimit, "logged in, but a second connection was refused")
	failing := stopAt(probes.StageLogin, probes.LoginRejected, "rejected", probes.Evidence{Replies: []probes.Exchange{
		{Conn: own, Command: "USER bob", Verb: "USER", Code: 331}, {Conn: own, Command: "PASS ****", Verb: "PASS", Code: 530, Text: "Login incorrect."}}})
	o.Accounts = []probes.AccountOutcome{
		{User: "alice", Mode: probes.ModeBoth, Phase: probes.PhaseOK, Results: o.Results},
		{User: "bob", Mode: probes.ModePassive, Phase: probes.PhasePass, Results: failing.Results},
	}
	r := Build(o)
	if got := r.Accounts[0].Reply; got != "230 Login successful." {
		t.Errorf("alice's reply %q, want her own 230", got)
	}
	if got := r.Accounts[1].Reply; got != "530 Login incorrect." || r.Accounts[1].Verdict != verdict.Critical {
		t.Errorf("bob: reply %q verdict %s", got, r.Accounts[1].Verdict)
	}
	var summary *Cause
	for i := range r.Causes {
		if r.Causes[i].Code == probes.LoginAccountsRefused {
			summary = &r.Causes[i]
		}
	}
	if summary == nil || summary.Severity != SeverityCritical || r.Verdict != verdict.Critical {
		t.Fatalf("the comparison must be as severe as the worst account: %+v, verdict %s", summary, r.Verdict)
	}
}

func TestAnAccountCutShortIsNoRefusal(t *testing.T) {
	o := healthy()
	cut := stopAt(probes.StageLogin, probes.CodeSkipped, "", probes.Evidence{})
	for i := range cut.Results {
		if cut.Results[i].Status == probes.StatusSkip || cut.Results[i].Stage == probes.StageLogin {
			cut.Results[i] = probes.NotReached(cut.Results[i].Stage)
		}
	}
	o.Accounts = []probes.AccountOutcome{
		{User: "alice", Mode: probes.ModeBoth, Phase: probes.PhaseOK, Results: o.Results},
		{User: "bob", Mode: probes.ModeBoth, Phase: probes.PhaseInterrupted, Results: cut.Results},
	}
	r := Build(o)
	for _, c := range r.Causes {
		if c.Code == probes.LoginAccountsRefused {
			t.Errorf("an account the deadline cut short counts as refused: %s", c.Title)
		}
	}
	if got := PhaseLabel(r.Accounts[1].Phase); got != "cut short" {
		t.Errorf("bob's phase reads %q, want \"cut short\"", got)
	}
}
