package probes_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ftpdoctor/ftpdoctor/fixtures"
	"github.com/ftpdoctor/ftpdoctor/probes"
)

const testPassword = "S3ntinel-Pa55"

// check runs a whole check against a fixture with a short step timeout.
func check(t *testing.T, script fixtures.Script, user string) (probes.Outcome, *fixtures.Server) {
	t.Helper()
	if script.Users == nil {
		script.Users = map[string]string{"alice": testPassword}
	}
	srv := fixtures.StartT(t, script)
	cfg := probes.Config{
		Target:   probes.Target{Host: srv.Host(), Port: srv.Port(), User: user},
		Password: testPassword,
		Timeout:  400 * time.Millisecond,
	}
	if user == "anonymous" {
		cfg.Anonymous, cfg.Password = true, ""
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return probes.Check(ctx, cfg, probes.DefaultEnv()), srv
}

// codes lists "stage=code" for every stage, in order.
func codes(o probes.Outcome) string {
	var out []string
	for _, r := range o.Results {
		out = append(out, string(r.Stage)+"="+string(r.Code))
	}
	return strings.Join(out, " ")
}

// stages is what a test expects: the code each named stage ends with. A
// stage it does not name is not checked, so a new stage breaks no test.
type stages map[probes.StageID]probes.Code

// plainOK is what a check of a healthy plain-FTP server ends with.
var plainOK = stages{probes.StageDNS: probes.DNSLiteral, probes.StageControl: probes.ControlOK, probes.StageTLS: probes.TLSPlain,
	probes.StageLogin: probes.LoginOK, probes.StagePassive: probes.PassiveOK, probes.StageActive: probes.ActiveOK, probes.StageFirewall: probes.FirewallOpen}

// stoppedAt is a check of a plain-FTP server that stage id ended with
// code: the stages before it as plainOK, every stage after it skipped.
func stoppedAt(id probes.StageID, code probes.Code) stages {
	out, after := stages{}, false
	for _, st := range probes.Wanted(probes.Config{}) {
		switch {
		case st.ID == id:
			out[st.ID], after = code, true
		case after:
			out[st.ID] = probes.CodeSkipped
		case plainOK[st.ID] != "":
			out[st.ID] = plainOK[st.ID]
		}
	}
	return out
}

// merged returns a copy of base with more's entries added.
func merged(base, more stages) stages {
	out := stages{}
	maps.Copy(out, base)
	maps.Copy(out, more)
	return out
}

// String writes the expectation in Registry order.
func (w stages) String() string {
	var out []string
	for _, st := range probes.Registry {
		if code, ok := w[st.ID]; ok {
			out = append(out, string(st.ID)+"="+string(code))
		}
	}
	return strings.Join(out, " ")
}

// result returns the result of stage id, or a result with no code when
// the outcome has none.
func result(o probes.Outcome, id probes.StageID) probes.Result {
	for _, r := range o.Results {
		if r.Stage == id {
			return r
		}
	}
	return probes.Result{Stage: id, Summary: "no result for this stage"}
}

// differs reports the stages whose code is not what want says, and every
// stage a check runs (opt-in stages left out) that the outcome lacks;
// empty when all match.
func differs(o probes.Outcome, want stages) string {
	var bad []string
	for _, st := range probes.Wanted(probes.Config{}) {
		r := result(o, st.ID)
		if code, named := want[st.ID]; r.Summary == "no result for this stage" || named && r.Code != code {
			bad = append(bad, fmt.Sprintf("%s=%s (%s)", st.ID, r.Code, r.Summary))
		}
	}
	return strings.Join(bad, "; ")
}

// expectStages fails the test when a stage's code differs from want.
func expectStages(t *testing.T, o probes.Outcome, want stages) {
	t.Helper()
	if bad := differs(o, want); bad != "" {
		t.Errorf("stage codes differ: %s\n got: %s\nwant: %s", bad, codes(o), want)
	}
}

func TestCheckAgainstFixtures(t *testing.T) {
	tests := []struct {
		name   string
		script fixtures.Script
		user   string
		want   stages
	}{
		{"healthy_vsftpd", fixtures.Script{}, "alice",
			plainOK},
		{"one_connection_per_client", fixtures.Script{MaxPerClient: 1}, "alice",
			merged(plainOK, stages{probes.StageLogin: probes.LoginConnectionLimit})},
		{"two_connections_per_client", fixtures.Script{MaxPerClient: 2}, "alice",
			merged(plainOK, stages{probes.StageLogin: probes.LoginConnectionLimit})},
		{"wrong_password", fixtures.Script{Users: map[string]string{"alice": "other"}}, "alice",
			stoppedAt(probes.StageLogin, probes.LoginRejected)},
		{"user_rejected_at_user", fixtures.Script{RejectUsers: []string{"alice"}}, "alice",
			stoppedAt(probes.StageLogin, probes.LoginUserRejected)},
		{"anonymous_refused", fixtures.Script{}, "anonymous",
			stoppedAt(probes.StageLogin, probes.LoginAnonRefused)},
		{"anonymous_allowed", fixtures.Script{Anonymous: fixtures.AnonAllowed}, "anonymous",
			merged(plainOK, stages{probes.StageLogin: probes.LoginAnonymousOK})},
		{"tls_required_at_user", fixtures.Script{TLSRequired: fixtures.TLSAtUser}, "alice",
			stoppedAt(probes.StageLogin, probes.LoginTLSRequired)},
		{"tls_required_at_pass", fixtures.Script{TLSRequired: fixtures.TLSAtPass}, "alice",
			stoppedAt(probes.StageLogin, probes.LoginTLSRequired)},
		{"tls_required_with_421_pure_ftpd", fixtures.Script{Replies: map[string]string{"USER": "421 Sorry, cleartext sessions and weak ciphers are not accepted on this server."}}, "alice",
			stoppedAt(probes.StageLogin, probes.LoginTLSRequired)},
		{"writable_chroot_oops", fixtures.Script{ChrootOOPS: true}, "alice",
			stoppedAt(probes.StageLogin, probes.LoginServerError)},
		{"greeting_421", fixtures.Script{Connect: fixtures.ConnectUnavailable}, "alice",
			stoppedAt(probes.StageControl, probes.ControlUnavailable)},
		{"never_greets", fixtures.Script{Connect: fixtures.ConnectSilent}, "alice",
			stoppedAt(probes.StageControl, probes.ControlNoGreeting)},
		{"closes_at_once", fixtures.Script{Connect: fixtures.ConnectClose}, "alice",
			stoppedAt(probes.StageControl, probes.ControlClosed)},
		{"ssh_server", fixtures.Script{Connect: fixtures.ConnectSSH}, "alice",
			stoppedAt(probes.StageControl, probes.ControlSSH)},
		{"http_server", fixtures.Script{Connect: fixtures.ConnectHTTP}, "alice",
			stoppedAt(probes.StageControl, probes.ControlHTTP)},
		{"implicit_tls", fixtures.Script{Connect: fixtures.ConnectTLS}, "alice",
			stoppedAt(probes.StageControl, probes.ControlImplicitTLS)},
		{"delayed_greeting", fixtures.Script{Connect: fixtures.ConnectDelayed, GreetingDelay: 50 * time.Millisecond}, "alice",
			merged(plainOK, stages{probes.StageControl: probes.ControlDelayedGreeting})},
		{"epsv_refused_alone_is_fine", fixtures.Script{Replies: map[string]string{"EPSV": "500 Unknown command."}}, "alice",
			plainOK},
		{"pasv_refused", fixtures.Script{Replies: map[string]string{"PASV": "502 Command not implemented."}}, "alice",
			merged(plainOK, stages{probes.StagePassive: probes.PassivePASVRefused})},
		{"passive_refused", fixtures.Script{Replies: map[string]string{"PASV": "550 Permission denied.", "EPSV": "550 Permission denied."}}, "alice",
			merged(plainOK, stages{probes.StagePassive: probes.PassiveRefused, probes.StageFirewall: probes.CodeSkipped})},
		{"passive_dead_port", fixtures.Script{PassiveDeadPort: true}, "alice",
			merged(plainOK, stages{probes.StagePassive: probes.PassiveDataRefused})},
		{"port_illegal", fixtures.Script{Active: fixtures.ActiveIllegal}, "alice",
			merged(plainOK, stages{probes.StageActive: probes.ActiveCommandRefused})},
		{"port_disabled", fixtures.Script{Active: fixtures.ActiveDisabled}, "alice",
			merged(plainOK, stages{probes.StageActive: probes.ActiveDisabled})},
		{"never_connects_back", fixtures.Script{Active: fixtures.ActiveNeverConnect, NoConnectDelay: 2 * time.Second}, "alice",
			merged(plainOK, stages{probes.StageActive: probes.ActiveNoConnect})},
		{"connect_back_fails_425", fixtures.Script{Active: fixtures.ActiveNeverConnect, NoConnectDelay: 10 * time.Millisecond}, "alice",
			merged(plainOK, stages{probes.StageActive: probes.ActiveNoConnect})},
		{"list_denied", fixtures.Script{List: fixtures.ListDenied}, "alice",
			merged(plainOK, stages{probes.StagePassive: probes.PassiveListDenied, probes.StageActive: probes.ActiveListDenied})},
		{"data_tls_required", fixtures.Script{List: fixtures.ListDataTLSRequired}, "alice",
			merged(plainOK, stages{probes.StagePassive: probes.PassiveTLSRequired, probes.StageActive: probes.ActiveTLSRequired})},
		{"transfer_aborted", fixtures.Script{List: fixtures.ListAborted}, "alice",
			merged(plainOK, stages{probes.StagePassive: probes.PassiveTransferFailed, probes.StageActive: probes.ActiveTransferFailed})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			o, _ := check(t, tt.script, tt.user)
			expectStages(t, o, tt.want)
		})
	}
}

func TestCheckHoldsAtMostFourControlConnections(t *testing.T) {
	// Three extra sessions are allowed, a fourth would be refused: a check
	// that opened more than probes.MaxControlConnections would report a
	// connection limit.
	o, _ := check(t, fixtures.Script{MaxPerClient: probes.MaxControlConnections}, "alice")
	expectStages(t, o, plainOK)
	conns := map[string]bool{}
	for _, ex := range o.Transcript {
		conns[ex.Conn] = true
	}
	if len(conns) != probes.MaxControlConnections {
		t.Fatalf("%d control connections, want %d (one per data command): %v", len(conns), probes.MaxControlConnections, conns)
	}
	// The extra connections' set-up belongs to the attempts that use them,
	// never to the control, tls or login stage that ran meanwhile.
	for _, id := range []probes.StageID{probes.StageControl, probes.StageTLS, probes.StageLogin} {
		r := result(o, id)
		for _, ex := range r.Evidence.Replies {
			if ex.Conn != r.Evidence.Replies[0].Conn {
				t.Fatalf("the %s stage holds another connection's exchange: %+v", r.Stage, ex)
			}
		}
	}
}

func TestCheckRecordsWhatWasSent(t *testing.T) {
	o, srv := check(t, fixtures.Script{}, "alice")
	sent := strings.Join(srv.Commands(), "\n")
	for _, want := range []string{"USER alice", "PASS " + testPassword, "EPSV", "PASV", "EPRT |1|127.0.0.1|", "PORT 127,0,0,1,", "LIST"} {
		if !strings.Contains(sent, want) {
			t.Errorf("the server did not receive %q; it got:\n%s", want, sent)
		}
	}
	if n := strings.Count(sent, "LIST"); n != 4 {
		t.Errorf("%d listings, want 4 (EPSV, PASV, EPRT, PORT)", n)
	}
	for _, ex := range o.Transcript {
		if strings.Contains(ex.Command+ex.Text, testPassword) {
			t.Fatalf("the password is in the transcript: %+v", ex)
		}
	}
	if o.Server.Software != "vsftpd" || o.Server.Version != "3.0.3" {
		t.Errorf("server = %+v", o.Server)
	}
}

// TestSystIsAskedBesideFEAT: SYST follows FEAT right after login, its
// reply is server.syst, and it names software the greeting hid.
func TestSystIsAskedBesideFEAT(t *testing.T) {
	tests := []struct {
		name     string
		script   fixtures.Script
		syst     string
		software string
	}{
		{"vsftpd_named_by_its_greeting", fixtures.Script{}, "UNIX Type: L8", "vsftpd"},
		{"iis_named_by_syst", fixtures.Script{Software: fixtures.IIS, Greeting: "220 Welcome"}, "Windows_NT", "iis"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, srv := check(t, tt.script, "alice")
			if o.Server.Syst != tt.syst || o.Server.Software != tt.software {
				t.Errorf("server = %+v, want syst %q and software %q", o.Server, tt.syst, tt.software)
			}
			if !slices.Contains(srv.Commands(), "SYST") {
				t.Errorf("SYST not sent; the server got %q", srv.Commands())
			}
			var login []string
			for _, ex := range o.Results[3].Evidence.Replies {
				login = append(login, fmt.Sprintf("%s %d", ex.Command, ex.Code))
			}
			if got := strings.Join(login, ", "); !strings.HasSuffix(got, "FEAT 211, SYST 215") {
				t.Errorf("login exchanges %s, want FEAT then SYST", got)
			}
		})
	}
}

func TestCheckServiceStopped(t *testing.T) {
	port, err := fixtures.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	cfg := probes.Config{Target: probes.Target{Host: "127.0.0.1", Port: port, User: "alice"}, Timeout: time.Second}
	o := probes.Check(context.Background(), cfg, probes.DefaultEnv())
	if got := result(o, probes.StageControl).Code; got != probes.ControlRefused {
		t.Fatalf("control code %s: %s", got, result(o, probes.StageControl).Summary)
	}
}

func TestOOPSRightAfterLogin(t *testing.T) {
	o, _ := check(t, fixtures.Script{Replies: map[string]string{"FEAT": "500 OOPS: priv_sock_get_cmd"}}, "alice")
	if r := result(o, probes.StageLogin); r.Code != probes.LoginServerError || r.Status != probes.StatusFail {
		t.Fatalf("login: %s %s", r.Code, r.Summary)
	}
	if result(o, probes.StagePassive).Status != probes.StatusSkip {
		t.Fatalf("passive ran after a failed login: %s", result(o, probes.StagePassive).Code)
	}
}

func TestRunDeadlineIsReported(t *testing.T) {
	srv := fixtures.StartT(t, fixtures.Script{Connect: fixtures.ConnectSilent})
	cfg := probes.Config{Target: probes.Target{Host: srv.Host(), Port: srv.Port(), User: "alice"}, Timeout: 5 * time.Second}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	o := probes.Check(ctx, cfg, probes.DefaultEnv())
	if !o.Interrupted || result(o, probes.StageControl).Status != probes.StatusInterrupted {
		t.Fatalf("interrupted %v, control %s %s", o.Interrupted, result(o, probes.StageControl).Status, result(o, probes.StageControl).Code)
	}
	// The stages after it did not begin: interrupted too, not skipped as
	// after a real failure.
	for _, r := range o.Results {
		if r.Stage == probes.StageDNS || r.Stage == probes.StageControl {
			continue
		}
		if r.Status != probes.StatusInterrupted || r.Code != probes.CodeSkipped {
			t.Errorf("%s: %s %s, want interrupted and skipped", r.Stage, r.Status, r.Code)
		}
	}
}

func TestRealFailureBeforeTheDeadlineStaysAFailure(t *testing.T) {
	srv := fixtures.StartT(t, fixtures.Script{})
	srv.Close()
	cfg := probes.Config{Target: probes.Target{Host: srv.Host(), Port: srv.Port(), User: "alice"}, Timeout: 5 * time.Second}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	o := probes.Check(ctx, cfg, probes.DefaultEnv())
	if o.Interrupted || result(o, probes.StageControl).Status != probes.StatusFail || result(o, probes.StageLogin).Status != probes.StatusSkip {
		t.Fatalf("interrupted %v, control %s, login %s", o.Interrupted, result(o, probes.StageControl).Status, result(o, probes.StageLogin).Status)
	}
}

func TestBrokenControlConnectionSendsNothingMore(t *testing.T) {
	// LIST gets its 150 but never a final reply: a late 226 would be read
	// as the reply to the next command. After the timeout no more commands
	// go out on that connection. With one connection per client, PASV
	// would have had to follow EPSV on it, so it is not sent at all.
	o, srv := check(t, fixtures.Script{MaxPerClient: 1, Replies: map[string]string{"LIST": "150 Here comes the directory listing."}}, "alice")
	p := result(o, probes.StagePassive)
	if p.Status != probes.StatusFail || len(p.Evidence.Attempts) != 2 || p.Evidence.Attempts[1].Status != probes.StatusSkip {
		t.Fatalf("passive: %s %s, attempts %+v", p.Code, p.Summary, p.Evidence.Attempts)
	}
	if n := strings.Count(strings.Join(srv.Commands(), "\n"), "PASV"); n != 0 {
		t.Fatalf("PASV was sent %d times on a broken connection", n)
	}
	// With connections to spare, each attempt has its own, and each
	// connection still stops at its own failed read.
	o, _ = check(t, fixtures.Script{Replies: map[string]string{"LIST": "150 Here comes the directory listing."}}, "alice")
	failedOn := map[string]bool{}
	for _, ex := range o.Transcript {
		if failedOn[ex.Conn] && ex.Command != "" {
			t.Fatalf("%s sent on %s after a failed read", ex.Command, ex.Conn)
		}
		if ex.Error != "" {
			failedOn[ex.Conn] = true
		}
	}
	if len(failedOn) < 2 {
		t.Fatalf("expected EPSV and PASV to fail on connections of their own, failed on %v", failedOn)
	}
}
