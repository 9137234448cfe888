package probes_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/ftpdoctor/ftpdoctor/fixtures"
	"github.com/ftpdoctor/ftpdoctor/probes"
)

// TestPostLoginStageTakesTurnsOnTheControlConnection adds a throwaway
// stage after login that asks PWD again and again on the login's own
// connection while the passive and active stages list on it too (no extra
// connections: every data attempt runs there). Each PWD must get its own
// 257 and each listing arrive: commands of stages that run side by side
// never interleave on one connection. Run it with -race.
func TestPostLoginStageTakesTurnsOnTheControlConnection(t *testing.T) {
	srv := fixtures.StartT(t, fixtures.Script{Users: map[string]string{"alice": testPassword}})
	cfg := probes.Config{Target: probes.Target{Host: srv.Host(), Port: srv.Port(), User: "alice"}, Password: testPassword, Timeout: 2 * time.Second}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	const asks = 20
	pwd := probes.Stage{
		ID:    "pwd",
		Needs: []probes.Need{{After: probes.StageLogin, Met: func(s *probes.Session) bool { return s.Account.LoggedIn }, Why: "not logged in"}},
		Run: func(ctx context.Context, s *probes.Session) probes.Result {
			r := probes.Result{Status: probes.StatusPass, Code: "pwd.ok"}
			for i := range asks {
				c, release := s.ControlConn(ctx)
				if c == nil {
					return probes.Result{Status: probes.StatusFail, Code: "pwd.no_connection"}
				}
				reply, _, err := c.Cmd(ctx, s.Timeout, "PWD")
				release()
				if err != nil || reply.Code != 257 {
					return probes.Result{Status: probes.StatusFail, Code: "pwd.wrong_reply", Summary: fmt.Sprintf("PWD %d of %d: %d %v (%v)", i+1, asks, reply.Code, reply.Lines, err)}
				}
			}
			return r
		},
	}
	s := probes.NewSession(cfg, probes.DefaultEnv())
	results := s.Run(ctx, append(probes.Registry[:len(probes.Registry):len(probes.Registry)], pwd))
	s.Close(ctx)
	got := map[probes.StageID]probes.Result{}
	for _, r := range results {
		got[r.Stage] = r
	}
	want := map[probes.StageID]probes.Code{probes.StageLogin: probes.LoginOK, probes.StagePassive: probes.PassiveOK, probes.StageActive: probes.ActiveOK, "pwd": "pwd.ok"}
	for id, code := range want {
		if r := got[id]; r.Code != code {
			t.Errorf("stage %s: %s (%s), want %s", id, r.Code, r.Summary, code)
		}
	}
	var pwds int
	for _, c := range srv.Commands() {
		if c == "PWD" {
			pwds++
		}
	}
	if pwds != asks {
		t.Errorf("the server received %d PWD, want %d", pwds, asks)
	}
}
