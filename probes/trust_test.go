package probes_test

import (
	"context"
	"crypto/tls"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/ftpdoctor/ftpdoctor/fixtures"
	"github.com/ftpdoctor/ftpdoctor/probes"
)

// runOn checks a fixture server through a fixtures.Dialer, which never
// lets a packet leave loopback (an advertised private address times out).
func runOn(t *testing.T, script fixtures.Script, tune func(*probes.Config)) (probes.Outcome, *fixtures.Server, *fixtures.Dialer) {
	t.Helper()
	if script.Users == nil {
		script.Users = map[string]string{"alice": testPassword, "bob": testPassword}
	}
	srv := fixtures.StartT(t, script)
	cfg := probes.Config{
		Target:   probes.Target{Host: srv.Host(), Port: srv.Port(), User: "alice"},
		Password: testPassword,
		Timeout:  2 * time.Second, // a TLS handshake under -race on a busy machine, as in TestFTPS
		Roots:    testCA.Pool(),
	}
	if tune != nil {
		tune(&cfg)
	}
	d := &fixtures.Dialer{}
	env := probes.DefaultEnv()
	env.Dialer = d
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	o := probes.Check(ctx, cfg, env)
	if ctx.Err() != nil {
		t.Fatalf("the run's deadline had to end the check: %s", codes(o))
	}
	return o, srv, d
}

// plainLogins counts the USER and PASS lines the server received without
// TLS.
func plainLogins(srv *fixtures.Server) (user, pass int) {
	for _, r := range srv.Received() {
		verb, _, _ := strings.Cut(r.Line, " ")
		switch {
		case r.Secure:
		case strings.EqualFold(verb, "USER"):
			user++
		case strings.EqualFold(verb, "PASS"):
			pass++
		}
	}
	return user, pass
}

// stageCode returns the code of one stage.
func stageCode(o probes.Outcome, id probes.StageID) probes.Code {
	for _, r := range o.Results {
		if r.Stage == id {
			return r.Code
		}
	}
	return ""
}

func TestNoLoginInClearTextAfterTLS(t *testing.T) {
	blind := func() *fixtures.TLSConfig { return &fixtures.TLSConfig{Certificates: good(), HelperBlind: true} }
	tests := []struct {
		name      string
		script    fixtures.Script
		tune      func(*probes.Config)
		passive   probes.Code
		plainPASS int // PASS lines the server received in clear text
	}{
		{"tls_passive_firewalled_auto", fixtures.Script{TLS: blind()}, nil, probes.PassiveDataRefused, 0},
		{"nat_helper_hypothesis_auto", fixtures.Script{TLS: blind(), PassiveAddress: "10.0.0.5"}, nil, probes.PassiveNATHelperSuspected, 0},
		{"nat_helper_hypothesis_require", fixtures.Script{TLS: blind(), PassiveAddress: "10.0.0.5"}, func(c *probes.Config) { c.TLS = probes.TLSRequire }, probes.PassiveNATHelperSuspected, 0},
		{"listing_worked_with_a_warning_compare_plain", fixtures.Script{TLS: &fixtures.TLSConfig{Certificates: good()}, PassiveAddress: "10.0.0.5"},
			func(c *probes.Config) { c.ComparePlain = true }, probes.PassivePrivateAddress, 0},
		{"compare_plain_confirms_the_helper", fixtures.Script{TLS: blind(), PassiveAddress: "10.0.0.5"}, func(c *probes.Config) { c.ComparePlain = true }, probes.PassiveNATHelper, 1},
		{"compare_plain_finds_no_helper", fixtures.Script{TLS: blind(), PassiveDeadPort: true}, func(c *probes.Config) { c.ComparePlain = true }, probes.PassiveDataRefused, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			o, srv, _ := runOn(t, tt.script, tt.tune)
			if got := stageCode(o, probes.StageTLS); got != probes.TLSOK {
				t.Fatalf("tls stage %s, want tls.ok: %s", got, codes(o))
			}
			if got := stageCode(o, probes.StagePassive); got != tt.passive {
				t.Errorf("passive stage %s, want %s: %s", got, tt.passive, codes(o))
			}
			user, pass := plainLogins(srv)
			if pass != tt.plainPASS || user != tt.plainPASS {
				t.Errorf("the server received USER %d times and PASS %d times in clear text, want %d", user, pass, tt.plainPASS)
			}
			for _, ex := range o.Transcript {
				if strings.Contains(ex.Command+ex.Text, testPassword) {
					t.Fatalf("the password reached the transcript: %+v", ex)
				}
			}
		})
	}
}

func TestNATHelperHypothesisNamesComparePlain(t *testing.T) {
	o, _, _ := runOn(t, fixtures.Script{TLS: &fixtures.TLSConfig{Certificates: good(), HelperBlind: true}, PassiveAddress: "10.0.0.5"}, nil)
	for _, r := range o.Results {
		if r.Stage == probes.StagePassive && (!strings.Contains(r.Summary, "--compare-plain") || !strings.Contains(r.Summary, "10.0.0.5")) {
			t.Errorf("passive summary names neither the private address nor --compare-plain: %s", r.Summary)
		}
	}
}

// another is a self-signed certificate for 127.0.0.1 that is not the
// first connection's.
func another() []tls.Certificate {
	now := time.Now()
	return []tls.Certificate{fixtures.SelfSigned([]string{"127.0.0.1"}, now.Add(-time.Hour), now.Add(90*24*time.Hour))}
}

func TestLaterConnectionWithAnotherCertificateIsRefused(t *testing.T) {
	now := time.Now()
	tests := []struct {
		name  string
		first []tls.Certificate
		tune  func(*probes.Config)
	}{
		{"verified_first", good(), nil},
		{"pinned_under_insecure", []tls.Certificate{fixtures.SelfSigned([]string{"127.0.0.1"}, now.Add(-time.Hour), now.Add(90*24*time.Hour))}, func(c *probes.Config) { c.Insecure = true }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			o, srv, _ := runOn(t, fixtures.Script{TLS: &fixtures.TLSConfig{Certificates: tt.first, LaterCertificates: another()}}, tt.tune)
			if got := stageCode(o, probes.StageTLS); got != probes.TLSCertChanged {
				t.Fatalf("tls stage %s, want %s: %s", got, probes.TLSCertChanged, codes(o))
			}
			if len(o.TLS.CertificateChanges) == 0 {
				t.Fatalf("no certificate change in %+v", o.TLS)
			}
			// Only the first connection, whose certificate the tls stage
			// judged, may have received USER and PASS.
			for _, r := range srv.Received() {
				verb, _, _ := strings.Cut(r.Line, " ")
				if r.Session != 1 && (strings.EqualFold(verb, "USER") || strings.EqualFold(verb, "PASS")) {
					t.Errorf("session %d, which presented another certificate, received %s", r.Session, verb)
				}
			}
			for _, c := range o.TLS.CertificateChanges {
				if c.SHA256 == "" || c.Expected == "" || c.SHA256 == c.Expected || c.Remote == "" {
					t.Errorf("change %+v", c)
				}
			}
			data := false
			for _, c := range o.TLS.CertificateChanges {
				data = data || c.Connection == "data"
			}
			if !data {
				t.Errorf("no data connection was refused: %+v", o.TLS.CertificateChanges)
			}
		})
	}
}

func TestFurtherAccountWithAnotherCertificateSendsNoUser(t *testing.T) {
	script := fixtures.Script{Users: map[string]string{"alice": testPassword, "bob": testPassword},
		TLS: &fixtures.TLSConfig{Certificates: good(), LaterCertificates: another()}}
	srv := fixtures.StartT(t, script)
	cfg := probes.Config{Target: probes.Target{Host: srv.Host(), Port: srv.Port()}, Timeout: 400 * time.Millisecond, Roots: testCA.Pool(), Mode: probes.ModePassive}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	accounts := []probes.Credential{{User: "alice", Password: testPassword}, {User: "bob", Password: testPassword}}
	o := probes.CheckAccounts(ctx, cfg, accounts, "", 1, probes.DefaultEnv())
	if len(o.Accounts) != 2 {
		t.Fatalf("%d accounts", len(o.Accounts))
	}
	bob := o.Accounts[1]
	if bob.Phase != probes.PhaseTLS || bob.Results[1].Code != probes.TLSCertChanged {
		t.Errorf("bob: phase %s, results %+v", bob.Phase, bob.Results)
	}
	for _, r := range srv.Received() {
		if r.Line == "USER bob" || (r.Session != 1 && strings.HasPrefix(r.Line, "PASS")) {
			t.Errorf("session %d received %q after presenting another certificate", r.Session, strings.Fields(r.Line)[0])
		}
	}
}

// TestShortEchoedPasswordIsMasked: a server that repeats a two-character
// password in its reply to PASS; the transcript shows it masked, and the
// words around it intact.
func TestShortEchoedPasswordIsMasked(t *testing.T) {
	const pass = "pw"
	srv := fixtures.StartT(t, fixtures.Script{Users: map[string]string{"alice": "other"},
		Replies: map[string]string{"PASS": "530 Password pw is wrong for alice (pwd: see the FAQ)"}})
	cfg := probes.Config{Target: probes.Target{Host: srv.Host(), Port: srv.Port(), User: "alice"}, Password: pass, Timeout: time.Second}
	o := probes.Check(context.Background(), cfg, probes.DefaultEnv())
	found := false
	for _, ex := range o.Transcript {
		if ex.Verb == "PASS" {
			found = true
			if ex.Text != "Password **** is wrong for alice (pwd: see the FAQ)" {
				t.Errorf("reply to PASS recorded as %q", ex.Text)
			}
		}
	}
	if !found {
		t.Fatalf("no PASS in the transcript: %+v", o.Transcript)
	}
}

// TestDataDialsStayInsideAllowData: a 227 that names another address
// (127.0.0.2) than the server's does not make the check connect there
// when Env.AllowData refuses it; the listing still arrives over the
// control connection's address, and the summary names what the server
// advertised.
func TestDataDialsStayInsideAllowData(t *testing.T) {
	srv := fixtures.StartT(t, fixtures.Script{Users: map[string]string{"alice": testPassword}, PassiveAddress: "127.0.0.2"})
	cfg := probes.Config{Target: probes.Target{Host: srv.Host(), Port: srv.Port(), User: "alice"}, Password: testPassword,
		Timeout: 400 * time.Millisecond, Mode: probes.ModePassive}
	d := &fixtures.Dialer{}
	env := probes.DefaultEnv()
	env.Dialer = d
	env.AllowData = func(ip net.IP) bool { return ip.Equal(net.IPv4(127, 0, 0, 1)) }
	o := probes.Check(context.Background(), cfg, env)
	for _, a := range d.Dials() {
		if strings.HasPrefix(a, "127.0.0.2:") {
			t.Errorf("the check connected to %s, outside AllowData", a)
		}
	}
	for _, r := range o.Results {
		if r.Stage != probes.StagePassive {
			continue
		}
		if r.Status != probes.StatusWarn || !strings.Contains(r.Summary, "advertised 127.0.0.2:") || !strings.Contains(r.Summary, "--allow") {
			t.Errorf("passive %s %s: %s", r.Status, r.Code, r.Summary)
		}
		for _, a := range r.Evidence.Attempts {
			if a.Command == "PASV" && (len(a.Dials) != 2 || a.Dials[0].Outcome != probes.DialNotAllowed || a.Dials[1].Outcome != probes.PortOpen) {
				t.Errorf("PASV dials %+v", a.Dials)
			}
		}
	}
}
