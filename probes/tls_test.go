package probes_test

import (
	"context"
	"crypto/tls"
	"strings"
	"testing"
	"time"

	"github.com/ftpdoctor/ftpdoctor/fixtures"
	"github.com/ftpdoctor/ftpdoctor/probes"
)

// testCA is one CA for every FTPS test of the package.
var testCA = fixtures.NewTestCA()

// checkTLS runs a check with TLS settings against a fixture.
func checkTLS(t *testing.T, script fixtures.Script, tune func(*probes.Config)) probes.Outcome {
	t.Helper()
	script.Users = map[string]string{"alice": testPassword}
	srv := fixtures.StartT(t, script)
	cfg := probes.Config{
		Target:   probes.Target{Host: srv.Host(), Port: srv.Port(), User: "alice"},
		Password: testPassword,
		Timeout:  2 * time.Second, // handshakes under -race on a busy machine; only the stalling cases wait for it
		Roots:    testCA.Pool(),
	}
	if tune != nil {
		tune(&cfg)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	o := probes.Check(ctx, cfg, probes.DefaultEnv())
	if ctx.Err() != nil {
		t.Fatalf("the run's deadline had to end the check: %s", codes(o))
	}
	return o
}

// good is a certificate of the test CA for the fixture's address.
func good() []tls.Certificate {
	return []tls.Certificate{testCA.Leaf([]string{"127.0.0.1"}, time.Now().Add(-time.Hour), time.Now().Add(365*24*time.Hour))}
}

func TestFTPS(t *testing.T) {
	now := time.Now()
	okData := stages{probes.StagePassive: probes.PassiveOK, probes.StageActive: probes.ActiveOK, probes.StageFirewall: probes.FirewallOpen}
	tests := []struct {
		name   string
		tls    *fixtures.TLSConfig
		tune   func(*probes.Config)
		want   stages // the stage codes from control on
		resume bool   // every data connection resumed the control session
	}{
		{"explicit_tls_13", &fixtures.TLSConfig{Certificates: good()}, nil,
			merged(okData, stages{probes.StageControl: probes.ControlOK, probes.StageTLS: probes.TLSOK, probes.StageLogin: probes.LoginOK}), true},
		{"explicit_tls_12_capped_by_client", &fixtures.TLSConfig{Certificates: good()}, func(c *probes.Config) { c.TLSMax = tls.VersionTLS12 },
			merged(okData, stages{probes.StageControl: probes.ControlOK, probes.StageTLS: probes.TLSOK, probes.StageLogin: probes.LoginOK}), true},
		{"reuse_required_tls_13", &fixtures.TLSConfig{Certificates: good(), RequireReuse: true}, nil,
			merged(okData, stages{probes.StageControl: probes.ControlOK, probes.StageTLS: probes.TLSOK, probes.StageLogin: probes.LoginOK}), true},
		{"reuse_required_tls_12", &fixtures.TLSConfig{Certificates: good(), RequireReuse: true, MaxVersion: tls.VersionTLS12}, nil,
			merged(okData, stages{probes.StageControl: probes.ControlOK, probes.StageTLS: probes.TLSOK, probes.StageLogin: probes.LoginOK}), true},
		{"required_login_and_data", &fixtures.TLSConfig{Certificates: good(), RequireLogin: true, RequireData: true}, func(c *probes.Config) { c.TLS = probes.TLSRequire },
			merged(okData, stages{probes.StageControl: probes.ControlOK, probes.StageTLS: probes.TLSOK, probes.StageLogin: probes.LoginOK}), true},
		{"implicit", &fixtures.TLSConfig{Certificates: good(), Implicit: true}, func(c *probes.Config) { c.TLS = probes.TLSImplicit },
			merged(okData, stages{probes.StageControl: probes.ControlOK, probes.StageTLS: probes.TLSOK, probes.StageLogin: probes.LoginOK}), true},
		{"implicit_port_found_by_auto", &fixtures.TLSConfig{Certificates: good(), Implicit: true}, nil,
			merged(okData, stages{probes.StageControl: probes.ControlImplicitTLS, probes.StageTLS: probes.TLSOK, probes.StageLogin: probes.LoginOK}), true},
		{"no_tls_offered_auto_goes_plain", nil, nil,
			merged(okData, stages{probes.StageControl: probes.ControlOK, probes.StageTLS: probes.TLSPlain, probes.StageLogin: probes.LoginOK}), false},
		{"no_tls_offered_require_fails", nil, func(c *probes.Config) { c.TLS = probes.TLSRequire },
			stages{probes.StageControl: probes.ControlOK, probes.StageTLS: probes.TLSNotOffered, probes.StageLogin: probes.CodeSkipped, probes.StagePassive: probes.CodeSkipped, probes.StageActive: probes.CodeSkipped, probes.StageFirewall: probes.CodeSkipped}, false},
		{"tls_off_login_required", &fixtures.TLSConfig{Certificates: good(), RequireLogin: true}, func(c *probes.Config) { c.TLS = probes.TLSOff },
			stages{probes.StageControl: probes.ControlOK, probes.StageTLS: probes.CodeSkipped, probes.StageLogin: probes.LoginTLSRequired, probes.StagePassive: probes.CodeSkipped, probes.StageActive: probes.CodeSkipped, probes.StageFirewall: probes.CodeSkipped}, false},
		{"tls_off_data_required", &fixtures.TLSConfig{Certificates: good(), RequireData: true}, func(c *probes.Config) { c.TLS = probes.TLSOff },
			stages{probes.StageControl: probes.ControlOK, probes.StageTLS: probes.CodeSkipped, probes.StageLogin: probes.LoginOK, probes.StagePassive: probes.PassiveTLSRequired, probes.StageActive: probes.ActiveTLSRequired, probes.StageFirewall: probes.FirewallOpen}, false},
		{"self_signed_stops", &fixtures.TLSConfig{Certificates: []tls.Certificate{fixtures.SelfSigned([]string{"127.0.0.1"}, now.Add(-time.Hour), now.Add(time.Hour*24*90))}}, nil,
			stages{probes.StageControl: probes.ControlOK, probes.StageTLS: probes.TLSCertSelfSigned, probes.StageLogin: probes.CodeSkipped, probes.StagePassive: probes.CodeSkipped, probes.StageActive: probes.CodeSkipped, probes.StageFirewall: probes.CodeSkipped}, false},
		{"self_signed_insecure_goes_on", &fixtures.TLSConfig{Certificates: []tls.Certificate{fixtures.SelfSigned([]string{"127.0.0.1"}, now.Add(-time.Hour), now.Add(time.Hour*24*90))}}, func(c *probes.Config) { c.Insecure = true },
			merged(okData, stages{probes.StageControl: probes.ControlOK, probes.StageTLS: probes.TLSCertSelfSigned, probes.StageLogin: probes.LoginOK}), true},
		{"expired", &fixtures.TLSConfig{Certificates: []tls.Certificate{testCA.Leaf([]string{"127.0.0.1"}, now.Add(-48*time.Hour), now.Add(-24*time.Hour))}}, nil,
			stages{probes.StageControl: probes.ControlOK, probes.StageTLS: probes.TLSCertExpired, probes.StageLogin: probes.CodeSkipped, probes.StagePassive: probes.CodeSkipped, probes.StageActive: probes.CodeSkipped, probes.StageFirewall: probes.CodeSkipped}, false},
		{"expiring_warns", &fixtures.TLSConfig{Certificates: []tls.Certificate{testCA.Leaf([]string{"127.0.0.1"}, now.Add(-time.Hour), now.Add(10*24*time.Hour))}}, nil,
			merged(okData, stages{probes.StageControl: probes.ControlOK, probes.StageTLS: probes.TLSCertExpiring, probes.StageLogin: probes.LoginOK}), true},
		{"wrong_name", &fixtures.TLSConfig{Certificates: []tls.Certificate{testCA.Leaf([]string{"ftp.example.net"}, now.Add(-time.Hour), now.Add(time.Hour*24*90))}}, nil,
			stages{probes.StageControl: probes.ControlOK, probes.StageTLS: probes.TLSCertNameMismatch, probes.StageLogin: probes.CodeSkipped, probes.StagePassive: probes.CodeSkipped, probes.StageActive: probes.CodeSkipped, probes.StageFirewall: probes.CodeSkipped}, false},
		{"incomplete_chain", &fixtures.TLSConfig{Certificates: []tls.Certificate{testCA.Issue([]string{"127.0.0.1"}, now.Add(-time.Hour), now.Add(time.Hour*24*90), fixtures.ChainIncomplete)}}, nil,
			stages{probes.StageControl: probes.ControlOK, probes.StageTLS: probes.TLSCertUntrusted, probes.StageLogin: probes.CodeSkipped, probes.StagePassive: probes.CodeSkipped, probes.StageActive: probes.CodeSkipped, probes.StageFirewall: probes.CodeSkipped}, false},
		{"intermediate_sent", &fixtures.TLSConfig{Certificates: []tls.Certificate{testCA.Issue([]string{"127.0.0.1"}, now.Add(-time.Hour), now.Add(time.Hour*24*90), fixtures.ChainIntermediate)}}, nil,
			merged(okData, stages{probes.StageControl: probes.ControlOK, probes.StageTLS: probes.TLSOK, probes.StageLogin: probes.LoginOK}), true},
		{"nat_helper_blind_to_tls_compare_plain", &fixtures.TLSConfig{Certificates: good(), HelperBlind: true}, func(c *probes.Config) { c.ComparePlain = true },
			stages{probes.StageControl: probes.ControlOK, probes.StageTLS: probes.TLSOK, probes.StageLogin: probes.LoginOK, probes.StagePassive: probes.PassiveNATHelper, probes.StageActive: probes.ActiveOK, probes.StageFirewall: probes.FirewallOpen}, true},
		{"nat_helper_not_asked_without_compare_plain", &fixtures.TLSConfig{Certificates: good(), HelperBlind: true}, nil,
			stages{probes.StageControl: probes.ControlOK, probes.StageTLS: probes.TLSOK, probes.StageLogin: probes.LoginOK, probes.StagePassive: probes.PassiveDataRefused, probes.StageActive: probes.ActiveOK, probes.StageFirewall: probes.FirewallOpen}, true},
		{"nat_helper_not_asked_with_tls_require", &fixtures.TLSConfig{Certificates: good(), HelperBlind: true}, func(c *probes.Config) { c.TLS = probes.TLSRequire },
			stages{probes.StageControl: probes.ControlOK, probes.StageTLS: probes.TLSOK, probes.StageLogin: probes.LoginOK, probes.StagePassive: probes.PassiveDataRefused, probes.StageActive: probes.ActiveOK, probes.StageFirewall: probes.FirewallOpen}, true},
		{"reuse_broken_under_tls_13", &fixtures.TLSConfig{Certificates: good(), RequireReuse: true, ReuseBrokenTLS13: true}, nil,
			stages{probes.StageControl: probes.ControlOK, probes.StageTLS: probes.TLSOK, probes.StageLogin: probes.LoginOK, probes.StagePassive: probes.PassiveTLSReuse, probes.StageActive: probes.ActiveTLSReuse, probes.StageFirewall: probes.FirewallOpen}, true},
		{"stall_after_234", &fixtures.TLSConfig{Certificates: good(), Hostile: fixtures.TLSStallAfter234}, nil,
			stages{probes.StageControl: probes.ControlOK, probes.StageTLS: probes.TLSHandshakeFailed, probes.StageLogin: probes.CodeSkipped, probes.StagePassive: probes.CodeSkipped, probes.StageActive: probes.CodeSkipped, probes.StageFirewall: probes.CodeSkipped}, false},
		{"garbage_after_234", &fixtures.TLSConfig{Certificates: good(), Hostile: fixtures.TLSGarbageAfter234}, nil,
			stages{probes.StageControl: probes.ControlOK, probes.StageTLS: probes.TLSHandshakeFailed, probes.StageLogin: probes.CodeSkipped, probes.StagePassive: probes.CodeSkipped, probes.StageActive: probes.CodeSkipped, probes.StageFirewall: probes.CodeSkipped}, false},
		{"huge_chain", &fixtures.TLSConfig{Certificates: good(), Hostile: fixtures.TLSHugeChain}, nil,
			merged(okData, stages{probes.StageControl: probes.ControlOK, probes.StageTLS: probes.TLSChainTooLarge, probes.StageLogin: probes.LoginOK}), true},
		{"implicit_handshake_stalls", &fixtures.TLSConfig{Certificates: good(), Implicit: true, Hostile: fixtures.TLSStallAfter234}, func(c *probes.Config) { c.TLS = probes.TLSImplicit },
			stages{probes.StageControl: probes.ControlTLSFailed, probes.StageTLS: probes.CodeSkipped, probes.StageLogin: probes.CodeSkipped, probes.StagePassive: probes.CodeSkipped, probes.StageActive: probes.CodeSkipped, probes.StageFirewall: probes.CodeSkipped}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			o := checkTLS(t, fixtures.Script{TLS: tt.tls}, tt.tune)
			if bad := differs(o, tt.want); bad != "" {
				t.Fatalf("stage codes differ: %s\n got: %s\nwant: %s", bad, codes(o), tt.want)
			}
			reused := o.TLS.SessionReuse != nil && *o.TLS.SessionReuse
			if reused != tt.resume {
				t.Errorf("session reuse %v, want %v (%+v)", o.TLS.SessionReuse, tt.resume, o.TLS)
			}
			if tt.resume && (!o.TLS.DataProtected || o.TLS.Version == "" || o.TLS.Certificate == nil) {
				t.Errorf("tls facts %+v", o.TLS)
			}
			for _, r := range o.Results {
				for _, a := range r.Evidence.Attempts {
					if tt.resume && a.Status == probes.StatusPass && !a.Protected && !strings.Contains(a.Command, "plain text") {
						t.Errorf("%s listing was not protected", a.Command)
					}
				}
			}
			for _, ex := range o.Transcript {
				if strings.Contains(ex.Command+ex.Text, testPassword) {
					t.Fatalf("the password reached the transcript: %+v", ex)
				}
			}
		})
	}
}

func TestFTPSVersionAndCertificateFacts(t *testing.T) {
	o := checkTLS(t, fixtures.Script{TLS: &fixtures.TLSConfig{Certificates: good(), MaxVersion: tls.VersionTLS12}}, nil)
	i := o.TLS
	if i.Mode != "explicit" || i.Version != "TLS 1.2" || i.Cipher == "" || !i.DataProtected {
		t.Fatalf("tls facts %+v", i)
	}
	c := i.Certificate
	if c == nil || !c.Verified || c.SelfSigned || c.Error != "" || len(c.DNSNames) != 1 || c.DNSNames[0] != "127.0.0.1" {
		t.Fatalf("certificate %+v", c)
	}
	// Every control connection ran AUTH TLS before USER.
	auth := map[string]bool{}
	for _, ex := range o.Transcript {
		switch {
		case ex.Command == "AUTH TLS" && ex.Code == 234:
			auth[ex.Conn] = true
		case ex.Verb == "USER" && !auth[ex.Conn]:
			t.Fatalf("USER went out in plain text on %s", ex.Conn)
		}
	}
	if len(auth) != probes.MaxControlConnections {
		t.Fatalf("%d control connections used TLS, want %d", len(auth), probes.MaxControlConnections)
	}
}

func TestReuseBrokenUnderTLS13IsTriedUnderTLS12(t *testing.T) {
	o := checkTLS(t, fixtures.Script{TLS: &fixtures.TLSConfig{Certificates: good(), RequireReuse: true, ReuseBrokenTLS13: true}}, nil)
	p := result(o, probes.StagePassive)
	last := p.Evidence.Attempts[len(p.Evidence.Attempts)-1]
	if last.Command != "EPSV (TLS 1.2)" || last.Status != probes.StatusPass || last.Resumed == nil || !*last.Resumed {
		t.Fatalf("no resumed TLS 1.2 comparison: %+v", p.Evidence.Attempts)
	}
	if !strings.Contains(p.Summary, "--tls-max 1.2") {
		t.Errorf("summary does not name --tls-max 1.2: %s", p.Summary)
	}
}
