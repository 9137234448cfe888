package probes_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ftpdoctor/ftpdoctor/fixtures"
	"github.com/ftpdoctor/ftpdoctor/probes"
	"github.com/ftpdoctor/ftpdoctor/report"
)

// explained runs a check against a scripted server and builds its report.
func explained(t *testing.T, script fixtures.Script, tune func(*probes.Config)) (probes.Outcome, report.Report, *fixtures.Server) {
	t.Helper()
	if script.Users == nil {
		script.Users = map[string]string{"alice": testPassword}
	}
	srv := fixtures.StartT(t, script)
	cfg := probes.Config{
		Target:   probes.Target{Host: srv.Host(), Port: srv.Port(), User: "alice"},
		Password: testPassword,
		Timeout:  400 * time.Millisecond,
		Roots:    testCA.Pool(),
	}
	if tune != nil {
		tune(&cfg)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	o := probes.Check(ctx, cfg, probes.DefaultEnv())
	return o, report.Build(o), srv
}

// causeOf is the report's cause with code.
func causeOf(t *testing.T, r report.Report, code probes.Code) report.Cause {
	t.Helper()
	for _, c := range r.Causes {
		if c.Code == code {
			return c
		}
	}
	t.Fatalf("no cause %s among %+v", code, r.Causes)
	return report.Cause{}
}

func TestExplanationsFollowTheEvidence(t *testing.T) {
	tests := []struct {
		name    string
		script  fixtures.Script
		tune    func(*probes.Config)
		stage   probes.StageID
		code    probes.Code
		says    []string // the explanation says these
		fixes   []string // the first fix contains the first; the fixes contain every one
		notSaid []string // neither explanation nor fixes say these
		product string   // the server software detected, when set
	}{
		{
			name: "port_unanswered_until_connected_back",
			script: fixtures.Script{Greeting: "220 pyftpdlib 1.5.7 ready.", Active: fixtures.ActiveConnectFirst, IOTimeout: 2 * time.Second,
				ActiveDialer: &fixtures.Dialer{Rule: func(string) fixtures.Action { return fixtures.BlackHole }}},
			tune:    func(c *probes.Config) { c.Mode = probes.ModeActive },
			stage:   probes.StageActive,
			code:    probes.ActiveNoConnect,
			says:    []string{"never answered EPRT within the timeout", "the listing was never sent", "cannot reach this client"},
			fixes:   []string{"Allow inbound TCP from the server"},
			notSaid: []string{"check the server's log", "Check the server's log"},
			product: probes.SoftwarePyftpdlib,
		},
		{
			name:    "greeting_530_logins_disabled",
			script:  fixtures.Script{Greeting: "530-System going down for maintenance at 22:00.\n530 Logins are disabled."},
			stage:   probes.StageControl,
			code:    probes.ControlLoginsDisabled,
			says:    []string{"System going down for maintenance at 22:00.", "turns everyone away"},
			fixes:   []string{"Wait for the maintenance", "/etc/nologin"},
			notSaid: []string{"RFC 959 section 5.4"},
		},
		{
			name:   "closed_without_greeting",
			script: fixtures.Script{Connect: fixtures.ConnectClose},
			stage:  probes.StageControl,
			code:   probes.ControlClosed,
			says:   []string{"closed it without a greeting"},
			fixes:  []string{"access rules for this client's address first", "Raise the limit"},
		},
		{
			name:   "passive_ports_busy_vsftpd",
			script: fixtures.Script{Replies: map[string]string{"EPSV": "500 OOPS: vsf_sysutil_bind", "PASV": "500 OOPS: vsf_sysutil_bind"}},
			tune: func(c *probes.Config) {
				c.Mode = probes.ModePassive
				c.PassiveRange = &probes.PortRange{Low: 30000, High: 30001}
			},
			stage:   probes.StagePassive,
			code:    probes.PassivePortsBusy,
			says:    []string{`"500 OOPS: vsf_sysutil_bind"`, "declared passive range of 2 ports (30000-30001)", "sessions on the server at once"},
			fixes:   []string{"Retry later", "pasv_min_port-pasv_max_port", "ss -ltnp"},
			notSaid: []string{"pasv_enable=YES", "turned passive mode off"},
		},
		{
			name:    "passive_ports_busy_pure_ftpd",
			script:  fixtures.Script{Software: fixtures.PureFTPd, Replies: map[string]string{"EPSV": "425 All reserved TCP ports are busy", "PASV": "425 All reserved TCP ports are busy"}},
			tune:    func(c *probes.Config) { c.Mode = probes.ModePassive },
			stage:   probes.StagePassive,
			code:    probes.PassivePortsBusy,
			says:    []string{"the range's size is unknown here"},
			fixes:   []string{"Retry later", "-p LOW:HIGH"},
			notSaid: []string{"turned passive mode off"},
		},
		{
			name:    "tls_no_version_works_plain_user_taken",
			script:  fixtures.Script{TLS: &fixtures.TLSConfig{Certificates: good(), Hostile: fixtures.TLSGarbageAfter234}},
			stage:   probes.StageTLS,
			code:    probes.TLSHandshakeFailed,
			says:    []string{"Offering at most TLS 1.2, it failed too", "Without TLS, the server takes the user name", "did not send it"},
			fixes:   []string{"Only on a network you trust", "--tls off"},
			notSaid: []string{"--tls-max 1.2"},
		},
		{
			name:    "tls_no_version_works_plain_refused",
			script:  fixtures.Script{TLS: &fixtures.TLSConfig{Certificates: good(), Hostile: fixtures.TLSGarbageAfter234, RequireLogin: true}},
			stage:   probes.StageTLS,
			code:    probes.TLSHandshakeFailed,
			says:    []string{"it failed too", "Without TLS, the server refuses the user name too", "Plain FTP is no way around"},
			notSaid: []string{"--tls-max 1.2", "--tls off"},
		},
		{
			name:    "tls_required_mode_sends_nothing_plain",
			script:  fixtures.Script{TLS: &fixtures.TLSConfig{Certificates: good(), Hostile: fixtures.TLSGarbageAfter234}},
			tune:    func(c *probes.Config) { c.TLS = probes.TLSRequire },
			stage:   probes.StageTLS,
			code:    probes.TLSHandshakeFailed,
			says:    []string{"it failed too"},
			notSaid: []string{"Without TLS", "--tls-max 1.2", "--tls off"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			o, r, srv := explained(t, tt.script, tt.tune)
			if got := stageCode(o, tt.stage); got != tt.code {
				t.Fatalf("stage %s: code %s, want %s", tt.stage, got, tt.code)
			}
			if tt.product != "" && r.Server.Software != tt.product {
				t.Errorf("software %q, want %q", r.Server.Software, tt.product)
			}
			c := causeOf(t, r, tt.code)
			var fixes []string
			for _, f := range c.Fixes {
				fixes = append(fixes, f.Text)
			}
			all := c.Explanation + "\n" + strings.Join(fixes, "\n")
			for _, s := range tt.says {
				if !strings.Contains(c.Explanation, s) {
					t.Errorf("the explanation does not say %q:\n%s", s, c.Explanation)
				}
			}
			for i, s := range tt.fixes {
				if i == 0 && (len(fixes) == 0 || !strings.Contains(fixes[0], s)) {
					t.Errorf("the first fix does not say %q: %q", s, fixes)
				}
				if !strings.Contains(strings.Join(fixes, "\n"), s) {
					t.Errorf("no fix says %q: %q", s, fixes)
				}
			}
			for _, s := range tt.notSaid {
				if strings.Contains(all, s) {
					t.Errorf("the cause says %q, which the evidence does not support:\n%s", s, all)
				}
			}
			for _, cmd := range srv.Commands() {
				if strings.HasPrefix(cmd, "PASS") && tt.stage == probes.StageTLS {
					t.Errorf("PASS was sent although TLS never came up: %q", srv.Commands())
				}
				if strings.HasPrefix(cmd, "LIST") && tt.code == probes.ActiveNoConnect {
					t.Errorf("LIST was sent although PORT/EPRT was never answered: %q", srv.Commands())
				}
			}
		})
	}
}
