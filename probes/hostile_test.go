package probes_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ftpdoctor/ftpdoctor/fixtures"
	"github.com/ftpdoctor/ftpdoctor/probes"
)

// TestHostileServers checks that a check against a broken or hostile server
// ends within its deadlines with a clear finding. The bound asserted is the
// run's own deadline: a stage that ignored its deadline would be cut by it
// and leave the stage's code unset or wrong.
func TestHostileServers(t *testing.T) {
	tests := []struct {
		name   string
		script fixtures.Script
		stage  probes.StageID // the stage whose code is checked
		code   probes.Code    // expected code
	}{
		{"greeting_dripped", fixtures.Script{Hostile: fixtures.HostileDripGreeting, DripInterval: 100 * time.Millisecond}, probes.StageControl, probes.ControlNoGreeting},
		{"huge_line", fixtures.Script{Hostile: fixtures.HostileHugeLine}, probes.StageControl, probes.ControlNoGreeting},
		{"endless_multi_line", fixtures.Script{Hostile: fixtures.HostileEndlessMultiline}, probes.StageControl, probes.ControlUnexpected},
		{"wrong_code_class", fixtures.Script{Hostile: fixtures.HostileWrongClass}, probes.StageControl, probes.ControlUnexpected},
		{"bad_bytes_in_greeting", fixtures.Script{Hostile: fixtures.HostileBadBytes}, probes.StageControl, probes.ControlOK},
		{"close_mid_reply", fixtures.Script{Hostile: fixtures.HostileCloseMidReply}, probes.StageControl, probes.ControlClosed},
		{"passive_port_silent", fixtures.Script{Hostile: fixtures.HostilePassiveSilent}, probes.StagePassive, probes.PassiveTransferFailed},
		{"data_flood", fixtures.Script{Hostile: fixtures.HostileDataFlood}, probes.StagePassive, probes.PassiveTransferFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.script.Users = map[string]string{"alice": testPassword}
			srv := fixtures.StartT(t, tt.script)
			cfg := probes.Config{Target: probes.Target{Host: srv.Host(), Port: srv.Port(), User: "alice"}, Password: testPassword, Timeout: 300 * time.Millisecond}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			o := probes.Check(ctx, cfg, probes.DefaultEnv())
			if ctx.Err() != nil {
				t.Fatalf("the run's deadline had to end the check: %s", codes(o))
			}
			if got := result(o, tt.stage); got.Code != tt.code {
				t.Fatalf("%s code %s (%s), want %s; all: %s", got.Stage, got.Code, got.Summary, tt.code, codes(o))
			}
			for _, ex := range o.Transcript {
				if len(ex.Text) > probes.MaxLineBytes*probes.MaxReplyLines {
					t.Fatalf("a reply of %d bytes was kept", len(ex.Text))
				}
				if strings.Contains(ex.Text, testPassword) {
					t.Fatal("password in transcript")
				}
			}
		})
	}
}
