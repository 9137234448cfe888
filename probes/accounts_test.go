package probes_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ftpdoctor/ftpdoctor/fixtures"
	"github.com/ftpdoctor/ftpdoctor/probes"
)

func checkAccounts(t *testing.T, script fixtures.Script, accounts []probes.Credential, parallel int) probes.Outcome {
	t.Helper()
	srv := fixtures.StartT(t, script)
	cfg := probes.Config{Target: probes.Target{Host: srv.Host(), Port: srv.Port()}, Timeout: 400 * time.Millisecond}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return probes.CheckAccounts(ctx, cfg, accounts, "", parallel, probes.DefaultEnv())
}

func TestAccountsEachGetTheirPhase(t *testing.T) {
	script := fixtures.Script{
		Users:       map[string]string{"alice": "Alice-S3cret", "bob": "Bob-S3cret", "dave": "Dave-S3cret"},
		RejectUsers: []string{"carol"},
		HomeMissing: map[string]string{"dave": "/home/dave"},
	}
	accounts := []probes.Credential{
		{User: "alice", Password: "Alice-S3cret"},
		{User: "bob", Password: "Bob-Wrong-Pw"},
		{User: "carol", Password: "Carol-S3cret"},
		{User: "dave", Password: "Dave-S3cret"},
	}
	o := checkAccounts(t, script, accounts, 2)
	want := map[string]probes.Phase{"alice": probes.PhaseOK, "bob": probes.PhasePass, "carol": probes.PhaseUser, "dave": probes.PhaseAfterLogin}
	if len(o.Accounts) != len(accounts) {
		t.Fatalf("%d accounts reported, want %d", len(o.Accounts), len(accounts))
	}
	for i, a := range o.Accounts {
		if a.User != accounts[i].User || a.Phase != want[a.User] {
			t.Errorf("account %d: %s phase %s, want %s %s", i, a.User, a.Phase, accounts[i].User, want[accounts[i].User])
		}
	}
	// DNS and the firewall ran once for the server; every further account
	// has the stages that run per account: a control connection, TLS,
	// login and one data mode of its own.
	var perAccount []string
	for _, st := range probes.Registry {
		if st.PerAccount {
			perAccount = append(perAccount, string(st.ID))
		}
	}
	for _, a := range o.Accounts[1:] {
		var ids []string
		for _, r := range a.Results {
			ids = append(ids, string(r.Stage))
		}
		if strings.Join(ids, ",") != strings.Join(perAccount, ",") || !slices.Contains(ids, "login") || slices.Contains(ids, "dns") {
			t.Errorf("%s stages %v, want %v", a.User, ids, perAccount)
		}
		if a.User == "alice" {
			continue
		}
		for _, r := range a.Results {
			if r.Stage == probes.StageActive && r.Status != probes.StatusSkip {
				t.Errorf("%s ran active mode though passive works: %s", a.User, r.Code)
			}
		}
	}
	for _, a := range o.Accounts {
		for _, ex := range append(o.Transcript, a.Transcript...) {
			for _, c := range accounts {
				if strings.Contains(ex.Command+ex.Text+ex.Error, c.Password.Reveal()) {
					t.Fatalf("a password reached the transcript: %+v", ex)
				}
			}
		}
	}
}

// numbered returns the fixture's users and the accounts to check for the
// given names, each with the password "Pw-" and its name.
func numbered(names ...string) (map[string]string, []probes.Credential) {
	users := map[string]string{}
	var accounts []probes.Credential
	for _, u := range names {
		users[u] = "Pw-" + u
		accounts = append(accounts, probes.Credential{User: u, Password: probes.Secret("Pw-" + u)})
	}
	return users, accounts
}

func TestAccountsBackOffFromAConnectionLimit(t *testing.T) {
	users, accounts := numbered("u1", "u2", "u3", "u4", "u5")
	// One session at a time: of the four further accounts checked at once,
	// all but one meet the limit, and are checked again alone. Each login
	// takes 200 ms, so that the four sessions overlap however the machine
	// schedules them.
	o := checkAccounts(t, fixtures.Script{Users: users, MaxPerClient: 1, LoginDelay: 200 * time.Millisecond}, accounts, 4)
	for _, a := range o.Accounts {
		if a.Phase != probes.PhaseOK {
			t.Errorf("%s ended at %s: a connection limit is not an account failure (retried %v)", a.User, a.Phase, a.Retried)
		}
	}
	if o.AccountLimit == nil || o.AccountLimit.Code != 421 {
		t.Fatalf("the server's limit was not reported: %+v", o.AccountLimit)
	}
}

// TestAccountsRetryABusyServersLimit: the server counts a session for
// 250 ms after it ended, longer than the first back-off (a quarter of the
// 400 ms timeout): an account refused for too many connections is checked
// again, waiting longer each time, until the server lets it in.
func TestAccountsRetryABusyServersLimit(t *testing.T) {
	users, accounts := numbered("u1", "u2", "u3")
	o := checkAccounts(t, fixtures.Script{Users: users, MaxPerClient: 1, LeaveLate: 250 * time.Millisecond}, accounts, 2)
	retried := 0
	for _, a := range o.Accounts {
		if a.Phase != probes.PhaseOK {
			t.Errorf("%s ended at %s (retried %v)", a.User, a.Phase, a.Retried)
		}
		if a.Retried {
			retried++
		}
	}
	if retried == 0 || o.AccountLimit == nil {
		t.Errorf("%d accounts retried, limit %+v: the further accounts met the limit and were not checked again", retried, o.AccountLimit)
	}
}

// TestAccountsStopRetryingAFullServer: the server stays full (the first
// account's session counts long after it ended), so every retry meets the
// limit. The first refused account is tried maxRetries times, the later
// ones once each, and no limit of the run's own making is reported.
func TestAccountsStopRetryingAFullServer(t *testing.T) {
	users, accounts := numbered("u1", "u2", "u3", "u4")
	srv := fixtures.StartT(t, fixtures.Script{Users: users, MaxPerClient: 1, LeaveLate: time.Minute})
	d := &fixtures.Dialer{}
	env := probes.DefaultEnv()
	env.Dialer = d
	cfg := probes.Config{Target: probes.Target{Host: srv.Host(), Port: srv.Port()}, Timeout: 400 * time.Millisecond}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	o := probes.CheckAccounts(ctx, cfg, accounts, "", 3, env)
	control := 0
	for _, a := range d.Dials() {
		if a == srv.Addr() {
			control++
		}
	}
	// The first account's check: its own connection and three extras;
	// then the three further accounts at once; then 3 + 1 + 1 retries.
	if want := 1 + probes.MaxControlConnections - 1 + 3 + 3 + 1 + 1; control != want {
		t.Errorf("%d control connections, want %d", control, want)
	}
	for _, a := range o.Accounts[1:] {
		if a.Phase == probes.PhaseOK || a.Retried {
			t.Errorf("%s: phase %s, retried %v, on a server that stayed full", a.User, a.Phase, a.Retried)
		}
	}
	if o.AccountLimit != nil {
		t.Errorf("limit %+v reported as the run's own, on a server that stayed full", o.AccountLimit)
	}
}

func TestFurtherAccountsTakeTurnsOnOneConnection(t *testing.T) {
	// A further account has one control connection: its passive and
	// active stages, which run side by side, must take turns on it.
	srv := fixtures.StartT(t, fixtures.Script{Users: map[string]string{"alice": testPassword}})
	cfg := probes.Config{Target: probes.Target{Host: srv.Host(), Port: srv.Port()}, Timeout: 400 * time.Millisecond}
	accounts := []probes.Credential{{User: "alice", Password: testPassword}, {User: "alice", Password: testPassword}}
	for range 5 {
		o := probes.CheckAccounts(context.Background(), cfg, accounts, probes.ModeBoth, 2, probes.DefaultEnv())
		second := o.Accounts[1]
		for _, r := range second.Results {
			if (r.Stage == probes.StagePassive || r.Stage == probes.StageActive) && r.Status != probes.StatusPass {
				t.Fatalf("second account, both modes on one connection: %s %s %s", r.Stage, r.Code, r.Summary)
			}
		}
		conns := map[string]bool{}
		for _, ex := range second.Transcript {
			conns[ex.Conn] = true
		}
		if len(conns) != 1 {
			t.Fatalf("the second account used %d control connections, want 1", len(conns))
		}
	}
}

func TestAccountsEndWithTheRunsDeadline(t *testing.T) {
	users := map[string]string{}
	var accounts []probes.Credential
	for i := range 6 {
		u := "u" + itoa(i)
		users[u] = "pw"
		accounts = append(accounts, probes.Credential{User: u, Password: "pw"})
	}
	srv := fixtures.StartT(t, fixtures.Script{Users: users, Active: fixtures.ActiveNeverConnect, NoConnectDelay: time.Second})
	cfg := probes.Config{Target: probes.Target{Host: srv.Host(), Port: srv.Port()}, Timeout: 300 * time.Millisecond}
	ctx, cancel := context.WithTimeout(context.Background(), 700*time.Millisecond)
	defer cancel()
	o := probes.CheckAccounts(ctx, cfg, accounts, probes.ModeBoth, 1, probes.DefaultEnv())
	if len(o.Accounts) != len(accounts) || !o.Interrupted {
		t.Fatalf("%d accounts, interrupted %v", len(o.Accounts), o.Interrupted)
	}
	// An account the deadline cut short is not known to work: its phase
	// says so, never ok.
	cut := 0
	for _, a := range o.Accounts {
		interrupted := slices.ContainsFunc(a.Results, func(r probes.Result) bool { return r.Status == probes.StatusInterrupted })
		if interrupted != (a.Phase == probes.PhaseInterrupted) {
			t.Errorf("%s: phase %s, with a stage interrupted: %v", a.User, a.Phase, interrupted)
		}
		if interrupted {
			cut++
		}
	}
	if cut == 0 {
		t.Error("no account was cut short: the test proves nothing")
	}
}
