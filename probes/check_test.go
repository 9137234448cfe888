package probes_test

import (
	"context"
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

func TestCheckAgainstFixtures(t *testing.T) {
	tests := []struct {
		name   string
		script fixtures.Script
		user   string
		want   string // the stage codes, in order
	}{
		{"healthy_vsftpd", fixtures.Script{}, "alice",
			"dns=dns.literal control=control.ok tls=tls.plain login=login.ok passive=passive.ok active=active.ok firewall=firewall.open"},
		{"one_connection_per_client", fixtures.Script{MaxPerClient: 1}, "alice",
			"dns=dns.literal control=control.ok tls=tls.plain login=login.connection_limit passive=passive.ok active=active.ok firewall=firewall.open"},
		{"two_connections_per_client", fixtures.Script{MaxPerClient: 2}, "alice",
			"dns=dns.literal control=control.ok tls=tls.plain login=login.connection_limit passive=passive.ok active=active.ok firewall=firewall.open"},
		{"wrong_password", fixtures.Script{Users: map[string]string{"alice": "other"}}, "alice",
			"dns=dns.literal control=control.ok tls=tls.plain login=login.rejected passive=skipped active=skipped firewall=skipped"},
		{"user_rejected_at_user", fixtures.Script{RejectUsers: []string{"alice"}}, "alice",
			"dns=dns.literal control=control.ok tls=tls.plain login=login.user_rejected passive=skipped active=skipped firewall=skipped"},
		{"anonymous_refused", fixtures.Script{}, "anonymous",
			"dns=dns.literal control=control.ok tls=tls.plain login=login.anonymous_refused passive=skipped active=skipped firewall=skipped"},
		{"anonymous_allowed", fixtures.Script{Anonymous: fixtures.AnonAllowed}, "anonymous",
			"dns=dns.literal control=control.ok tls=tls.plain login=login.anonymous_ok passive=passive.ok active=active.ok firewall=firewall.open"},
		{"tls_required_at_user", fixtures.Script{TLSRequired: fixtures.TLSAtUser}, "alice",
			"dns=dns.literal control=control.ok tls=tls.plain login=login.tls_required passive=skipped active=skipped firewall=skipped"},
		{"tls_required_at_pass", fixtures.Script{TLSRequired: fixtures.TLSAtPass}, "alice",
			"dns=dns.literal control=control.ok tls=tls.plain login=login.tls_required passive=skipped active=skipped firewall=skipped"},
		{"tls_required_with_421_pure_ftpd", fixtures.Script{Replies: map[string]string{"USER": "421 Sorry, cleartext sessions and weak ciphers are not accepted on this server."}}, "alice",
			"dns=dns.literal control=control.ok tls=tls.plain login=login.tls_required passive=skipped active=skipped firewall=skipped"},
		{"writable_chroot_oops", fixtures.Script{ChrootOOPS: true}, "alice",
			"dns=dns.literal control=control.ok tls=tls.plain login=login.server_error passive=skipped active=skipped firewall=skipped"},
		{"greeting_421", fixtures.Script{Connect: fixtures.ConnectUnavailable}, "alice",
			"dns=dns.literal control=control.unavailable tls=skipped login=skipped passive=skipped active=skipped firewall=skipped"},
		{"never_greets", fixtures.Script{Connect: fixtures.ConnectSilent}, "alice",
			"dns=dns.literal control=control.no_greeting tls=skipped login=skipped passive=skipped active=skipped firewall=skipped"},
		{"closes_at_once", fixtures.Script{Connect: fixtures.ConnectClose}, "alice",
			"dns=dns.literal control=control.closed tls=skipped login=skipped passive=skipped active=skipped firewall=skipped"},
		{"ssh_server", fixtures.Script{Connect: fixtures.ConnectSSH}, "alice",
			"dns=dns.literal control=control.ssh tls=skipped login=skipped passive=skipped active=skipped firewall=skipped"},
		{"http_server", fixtures.Script{Connect: fixtures.ConnectHTTP}, "alice",
			"dns=dns.literal control=control.http tls=skipped login=skipped passive=skipped active=skipped firewall=skipped"},
		{"implicit_tls", fixtures.Script{Connect: fixtures.ConnectTLS}, "alice",
			"dns=dns.literal control=control.implicit_tls tls=skipped login=skipped passive=skipped active=skipped firewall=skipped"},
		{"delayed_greeting", fixtures.Script{Connect: fixtures.ConnectDelayed, GreetingDelay: 50 * time.Millisecond}, "alice",
			"dns=dns.literal control=control.delayed_greeting tls=tls.plain login=login.ok passive=passive.ok active=active.ok firewall=firewall.open"},
		{"epsv_refused_alone_is_fine", fixtures.Script{Replies: map[string]string{"EPSV": "500 Unknown command."}}, "alice",
			"dns=dns.literal control=control.ok tls=tls.plain login=login.ok passive=passive.ok active=active.ok firewall=firewall.open"},
		{"pasv_refused", fixtures.Script{Replies: map[string]string{"PASV": "502 Command not implemented."}}, "alice",
			"dns=dns.literal control=control.ok tls=tls.plain login=login.ok passive=passive.pasv_refused active=active.ok firewall=firewall.open"},
		{"passive_refused", fixtures.Script{Replies: map[string]string{"PASV": "550 Permission denied.", "EPSV": "550 Permission denied."}}, "alice",
			"dns=dns.literal control=control.ok tls=tls.plain login=login.ok passive=passive.refused active=active.ok firewall=skipped"},
		{"passive_dead_port", fixtures.Script{PassiveDeadPort: true}, "alice",
			"dns=dns.literal control=control.ok tls=tls.plain login=login.ok passive=passive.data_refused active=active.ok firewall=firewall.open"},
		{"port_illegal", fixtures.Script{Active: fixtures.ActiveIllegal}, "alice",
			"dns=dns.literal control=control.ok tls=tls.plain login=login.ok passive=passive.ok active=active.command_refused firewall=firewall.open"},
		{"port_disabled", fixtures.Script{Active: fixtures.ActiveDisabled}, "alice",
			"dns=dns.literal control=control.ok tls=tls.plain login=login.ok passive=passive.ok active=active.disabled firewall=firewall.open"},
		{"never_connects_back", fixtures.Script{Active: fixtures.ActiveNeverConnect, NoConnectDelay: 2 * time.Second}, "alice",
			"dns=dns.literal control=control.ok tls=tls.plain login=login.ok passive=passive.ok active=active.no_connect firewall=firewall.open"},
		{"connect_back_fails_425", fixtures.Script{Active: fixtures.ActiveNeverConnect, NoConnectDelay: 10 * time.Millisecond}, "alice",
			"dns=dns.literal control=control.ok tls=tls.plain login=login.ok passive=passive.ok active=active.no_connect firewall=firewall.open"},
		{"list_denied", fixtures.Script{List: fixtures.ListDenied}, "alice",
			"dns=dns.literal control=control.ok tls=tls.plain login=login.ok passive=passive.list_denied active=active.list_denied firewall=firewall.open"},
		{"data_tls_required", fixtures.Script{List: fixtures.ListDataTLSRequired}, "alice",
			"dns=dns.literal control=control.ok tls=tls.plain login=login.ok passive=passive.tls_required active=active.tls_required firewall=firewall.open"},
		{"transfer_aborted", fixtures.Script{List: fixtures.ListAborted}, "alice",
			"dns=dns.literal control=control.ok tls=tls.plain login=login.ok passive=passive.transfer_failed active=active.transfer_failed firewall=firewall.open"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			o, _ := check(t, tt.script, tt.user)
			if got := codes(o); got != tt.want {
				t.Errorf("stage codes\n got: %s\nwant: %s", got, tt.want)
			}
		})
	}
}

func TestCheckHoldsAtMostFourControlConnections(t *testing.T) {
	// Three extra sessions are allowed, a fourth would be refused: a check
	// that opened more than probes.MaxControlConnections would report a
	// connection limit.
	o, _ := check(t, fixtures.Script{MaxPerClient: probes.MaxControlConnections}, "alice")
	if got := codes(o); got != "dns=dns.literal control=control.ok tls=tls.plain login=login.ok passive=passive.ok active=active.ok firewall=firewall.open" {
		t.Fatalf("codes %s", got)
	}
	conns := map[string]bool{}
	for _, ex := range o.Transcript {
		conns[ex.Conn] = true
	}
	if len(conns) != probes.MaxControlConnections {
		t.Fatalf("%d control connections, want %d (one per data command): %v", len(conns), probes.MaxControlConnections, conns)
	}
	// The extra connections' set-up belongs to the attempts that use them,
	// never to the control, tls or login stage that ran meanwhile.
	for _, r := range o.Results[:4] {
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

func TestCheckServiceStopped(t *testing.T) {
	port, err := fixtures.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	cfg := probes.Config{Target: probes.Target{Host: "127.0.0.1", Port: port, User: "alice"}, Timeout: time.Second}
	o := probes.Check(context.Background(), cfg, probes.DefaultEnv())
	if got := o.Results[1].Code; got != probes.ControlRefused {
		t.Fatalf("control code %s: %s", got, o.Results[1].Summary)
	}
}

func TestOOPSRightAfterLogin(t *testing.T) {
	o, _ := check(t, fixtures.Script{Replies: map[string]string{"FEAT": "500 OOPS: priv_sock_get_cmd"}}, "alice")
	if r := o.Results[3]; r.Code != probes.LoginServerError || r.Status != probes.StatusFail {
		t.Fatalf("login: %s %s", r.Code, r.Summary)
	}
	if o.Results[4].Status != probes.StatusSkip {
		t.Fatalf("passive ran after a failed login: %s", o.Results[4].Code)
	}
}

func TestRunDeadlineIsReported(t *testing.T) {
	srv := fixtures.StartT(t, fixtures.Script{Connect: fixtures.ConnectSilent})
	cfg := probes.Config{Target: probes.Target{Host: srv.Host(), Port: srv.Port(), User: "alice"}, Timeout: 5 * time.Second}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	o := probes.Check(ctx, cfg, probes.DefaultEnv())
	if !o.Interrupted || o.Results[1].Status != probes.StatusInterrupted {
		t.Fatalf("interrupted %v, control %s %s", o.Interrupted, o.Results[1].Status, o.Results[1].Code)
	}
	// The stages after it did not begin: interrupted too, not skipped as
	// after a real failure.
	for _, r := range o.Results[2:] {
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
	if o.Interrupted || o.Results[1].Status != probes.StatusFail || o.Results[3].Status != probes.StatusSkip {
		t.Fatalf("interrupted %v, control %s, login %s", o.Interrupted, o.Results[1].Status, o.Results[3].Status)
	}
}

func TestBrokenControlConnectionSendsNothingMore(t *testing.T) {
	// LIST gets its 150 but never a final reply: a late 226 would be read
	// as the reply to the next command. After the timeout no more commands
	// go out on that connection. With one connection per client, PASV
	// would have had to follow EPSV on it, so it is not sent at all.
	o, srv := check(t, fixtures.Script{MaxPerClient: 1, Replies: map[string]string{"LIST": "150 Here comes the directory listing."}}, "alice")
	p := o.Results[4]
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
