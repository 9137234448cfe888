package probes_test

import (
	"strings"
	"testing"
	"time"

	"github.com/ftpdoctor/ftpdoctor/fixtures"
	"github.com/ftpdoctor/ftpdoctor/probes"
)

// TestDataAttemptsKeepTheirConnections checks where each data command
// runs, over several runs and with logins that take longer than a whole
// listing (as PAM logins do on a near server): EPSV at once on the
// login's own connection, PASV, EPRT and PORT each on an extra connection
// of its own. The placement must not follow timing: a connection that
// asked AUTH TLS can look different to a firewall's FTP helper.
func TestDataAttemptsKeepTheirConnections(t *testing.T) {
	for run := range 3 {
		o, _ := check(t, fixtures.Script{LoginDelay: 30 * time.Millisecond}, "alice")
		login := result(o, probes.StageLogin)
		if login.Code != probes.LoginOK || len(login.Evidence.Replies) == 0 {
			t.Fatalf("run %d: login %s: %s", run, login.Code, login.Summary)
		}
		primary := login.Evidence.Replies[0].Conn
		conns := map[string]string{}
		for _, st := range []probes.StageID{probes.StagePassive, probes.StageActive} {
			for _, a := range result(o, st).Evidence.Attempts {
				if a.Status != probes.StatusPass {
					t.Fatalf("run %d: %s %s: %s", run, a.Command, a.Code, a.Reply.Error)
				}
				conns[a.Command] = a.Reply.Conn
			}
		}
		if conns["EPSV"] != primary {
			t.Errorf("run %d: EPSV ran on %s, want the login's own connection %s", run, conns["EPSV"], primary)
		}
		seen := map[string]string{}
		for _, cmd := range []string{"PASV", "EPRT", "PORT"} {
			if conns[cmd] == primary || seen[conns[cmd]] != "" {
				t.Errorf("run %d: %s ran on %s, want an extra connection of its own (%v)", run, cmd, conns[cmd], conns)
			}
			seen[conns[cmd]] = cmd
		}
	}
}

// TestExtrasAskTLSBeforeTheLoginsHandshakeEnds: the server holds the
// login's handshake until another connection has sent AUTH TLS. The
// extra connections send it as soon as the login's connection got 234,
// so the check goes on; were they to wait for the login's handshake, it
// would time out. Every connection still logs in under TLS, and only
// after the login's certificate was judged.
func TestExtrasAskTLSBeforeTheLoginsHandshakeEnds(t *testing.T) {
	o, srv, _ := runOn(t, fixtures.Script{IOTimeout: 10 * time.Second, TLS: &fixtures.TLSConfig{Certificates: good(), HoldFirstHandshake: true}},
		func(c *probes.Config) { c.Mode = probes.ModePassive })
	if got := stageCode(o, probes.StageTLS); got != probes.TLSOK {
		t.Fatalf("tls %s: %s", got, codes(o))
	}
	conns := map[string]bool{}
	for _, a := range result(o, probes.StagePassive).Evidence.Attempts {
		if a.Status != probes.StatusPass {
			t.Fatalf("%s %s: %s", a.Command, a.Code, a.Reply.Error)
		}
		conns[a.Reply.Conn] = true
	}
	if len(conns) != 2 {
		t.Errorf("EPSV and PASV ran on %d connections, want 2: %v", len(conns), conns)
	}
	for _, r := range srv.Received() {
		if strings.HasPrefix(r.Line, "USER") && !r.Secure {
			t.Errorf("session %d sent USER in clear text", r.Session)
		}
	}
}
