package report

import (
	"slices"
	"strings"
	"testing"

	"github.com/ftpdoctor/ftpdoctor/probes"
	"github.com/ftpdoctor/ftpdoctor/verdict"
)

func TestBuildVerdictAndRecommendation(t *testing.T) {
	activeOnly := healthy()
	activeOnly.Mode = probes.ModeActive
	*at(&activeOnly, probes.StagePassive) = skipped(probes.StagePassive, "--mode active")
	*at(&activeOnly, probes.StageFirewall) = skipped(probes.StageFirewall, "no passive port was advertised")

	passiveOnly := healthy()
	passiveOnly.Mode = probes.ModePassive
	*at(&passiveOnly, probes.StageActive) = skipped(probes.StageActive, "--mode passive")

	passiveOnlyDropped := dataDropped()
	passiveOnlyDropped.Mode = probes.ModePassive
	*at(&passiveOnlyDropped, probes.StageActive) = skipped(probes.StageActive, "--mode passive")

	activeFails := healthy()
	*at(&activeFails, probes.StageActive) = with(*at(&activeFails, probes.StageActive), probes.StatusFail, probes.ActiveCommandRefused, "no active listing arrived: EPRT: active.command_refused")
	at(&activeFails, probes.StageActive).Evidence.Attempts[0].Status = probes.StatusFail
	at(&activeFails, probes.StageActive).Evidence.Attempts[0].Code = probes.ActiveCommandRefused
	at(&activeFails, probes.StageActive).Evidence.Attempts[0].Reply = ex("EPRT |1|10.231.0.1|41001|", 500, "Illegal PORT command.", 300*1000)

	delayed := healthy()
	*at(&delayed, probes.StageControl) = with(*at(&delayed, probes.StageControl), probes.StatusWarn, probes.ControlDelayedGreeting, "10.231.0.2:21 answered 120 (not ready) before 220")

	noMode := healthy()
	noMode.Mode = ""

	badStatus := healthy()
	at(&badStatus, probes.StageLogin).Status = "exploded"

	cases := []struct {
		name     string
		outcome  probes.Outcome
		verdict  verdict.Verdict
		exit     int
		mode     ClientMode
		causes   []probes.Code // codes, in order
		severity []Severity
	}{
		{"healthy_both_modes", healthy(), verdict.OK, 0, ModeEither, nil, nil},
		{"empty_mode_means_both", noMode, verdict.OK, 0, ModeEither, nil, nil},
		{"active_only_requested_and_works", activeOnly, verdict.OK, 0, ModeActive, nil, nil},
		{"passive_only_requested_and_works", passiveOnly, verdict.OK, 0, ModePassive, nil, nil},
		{"passive_private_address_is_warning", passiveNAT(), verdict.Warning, 1, ModePassive, []probes.Code{probes.PassivePrivateAddress}, []Severity{SeverityWarning}},
		{"passive_dropped_active_works_is_warning", dataDropped(), verdict.Warning, 1, ModeActive,
			[]probes.Code{probes.PassiveDataTimeout, probes.FirewallFiltered}, []Severity{SeverityWarning, SeverityWarning}},
		{"active_refused_passive_works_is_warning", activeFails, verdict.Warning, 1, ModePassive, []probes.Code{probes.ActiveCommandRefused}, []Severity{SeverityWarning}},
		{"no_data_mode_works_is_critical", nothingWorks(), verdict.Critical, 2, ModeNone,
			[]probes.Code{probes.PassiveDataTimeout, probes.ActiveNoConnect, probes.FirewallFiltered}, []Severity{SeverityCritical, SeverityCritical, SeverityCritical}},
		{"only_requested_mode_fails_is_critical", passiveOnlyDropped, verdict.Critical, 2, ModeNone,
			[]probes.Code{probes.PassiveDataTimeout, probes.FirewallFiltered}, []Severity{SeverityCritical, SeverityCritical}},
		{"delayed_greeting_is_warning", delayed, verdict.Warning, 1, ModeEither, []probes.Code{probes.ControlDelayedGreeting}, []Severity{SeverityWarning}},
		{"dns_failure_is_critical_and_data_unknown", stopAt(probes.StageDNS, probes.DNSNotFound, "ftp.test.zone does not exist in DNS (no such host)", probes.Evidence{Host: "ftp.test.zone", Error: "lookup ftp.test.zone: no such host"}),
			verdict.Critical, 2, ModeUnknown, []probes.Code{probes.DNSNotFound}, []Severity{SeverityCritical}},
		{"login_failure_is_critical", stopAt(probes.StageLogin, probes.LoginRejected, "user alice and the given password were rejected: 530 Login incorrect.", probes.Evidence{Replies: []probes.Exchange{ex("USER alice", 331, "Please specify the password.", 300*1000), ex("PASS ****", 530, "Login incorrect.", 2100*ms)}}),
			verdict.Critical, 2, ModeUnknown, []probes.Code{probes.LoginRejected}, []Severity{SeverityCritical}},
		{"no_results_is_unknown", probes.Outcome{Target: target()}, verdict.Unknown, 3, ModeUnknown, nil, nil},
		{"invalid_status_is_unknown", badStatus, verdict.Unknown, 3, ModeEither, nil, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := Build(tc.outcome)
			if r.Verdict != tc.verdict || r.ExitCode != tc.exit {
				t.Errorf("verdict %s exit %d, want %s exit %d", r.Verdict, r.ExitCode, tc.verdict, tc.exit)
			}
			if r.Recommendation.ClientMode != tc.mode {
				t.Errorf("client mode %s, want %s (%s)", r.Recommendation.ClientMode, tc.mode, r.Recommendation.Text)
			}
			if r.Recommendation.Text == "" {
				t.Error("recommendation has no text")
			}
			var got []probes.Code
			var sev []Severity
			for _, c := range r.Causes {
				got = append(got, c.Code)
				sev = append(sev, c.Severity)
			}
			if !slices.Equal(got, tc.causes) {
				t.Errorf("causes %v, want %v", got, tc.causes)
			}
			if len(tc.severity) > 0 && !equalSeverities(sev, tc.severity) {
				t.Errorf("severities %v, want %v", sev, tc.severity)
			}
			if r.Causes == nil {
				t.Error("Causes is nil; want an empty slice so JSON has []")
			}
		})
	}
}

func equalSeverities(a, b []Severity) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestBuildOrdersCriticalBeforeWarning(t *testing.T) {
	o := nothingWorks()
	*at(&o, probes.StageControl) = with(*at(&o, probes.StageControl), probes.StatusWarn, probes.ControlDelayedGreeting, "120 before 220")
	r := Build(o)
	if len(r.Causes) != 4 || r.Causes[3].Code != probes.ControlDelayedGreeting {
		t.Fatalf("causes %+v: want the control warning last, after the critical data causes", r.Causes)
	}
	if r.Causes[0].Code != probes.PassiveDataTimeout || r.Causes[1].Code != probes.ActiveNoConnect {
		t.Errorf("critical causes out of stage order: %s, %s", r.Causes[0].Code, r.Causes[1].Code)
	}
}

func TestBuildDoesNotModifyOutcome(t *testing.T) {
	o := passiveNAT()
	at(&o, probes.StageLogin).Evidence.Replies[1].Command = "PASS hunter2"
	Build(o)
	if at(&o, probes.StageLogin).Evidence.Replies[1].Command != "PASS hunter2" {
		t.Error("Build changed its input")
	}
}

func TestBuildStagesMapOneToOne(t *testing.T) {
	o := passiveNAT()
	r := Build(o)
	if len(r.Stages) != len(o.Results) {
		t.Fatalf("%d stages for %d results", len(r.Stages), len(o.Results))
	}
	var p Stage
	for i, s := range r.Stages {
		if s.ID != o.Results[i].Stage {
			t.Errorf("stage %d is %s, result %d is %s", i, s.ID, i, o.Results[i].Stage)
		}
		if s.ID == probes.StagePassive {
			p = s
		}
	}
	if p.Code != probes.PassivePrivateAddress || p.DurationMS != 5004.8 || p.StartedMS != 12.5 {
		t.Errorf("passive stage %+v", p)
	}
	if r.DurationMS != 5012 || r.Target.Host != "ftp.test.zone" || r.Target.Mode != "both" {
		t.Errorf("report header %+v %v", r.Target, r.DurationMS)
	}
}

func TestUnknownCodeStillReported(t *testing.T) {
	o := healthy()
	*at(&o, probes.StagePassive) = with(*at(&o, probes.StagePassive), probes.StatusFail, "passive.brand_new_failure", "something new went wrong")
	at(&o, probes.StagePassive).Evidence.Attempts[1].Status = probes.StatusFail
	at(&o, probes.StagePassive).Evidence.Attempts[1].Code = "passive.brand_new_failure"
	at(&o, probes.StagePassive).Evidence.Attempts[1].List = &probes.Exchange{Command: "LIST", Verb: "LIST", Code: 451, Text: "Strange local error"}
	r := Build(o)
	if len(r.Causes) != 1 {
		t.Fatalf("causes %+v", r.Causes)
	}
	c := r.Causes[0]
	if c.Code != "passive.brand_new_failure" || c.ID != probes.FamilyTransferMode || c.Severity != SeverityWarning {
		t.Errorf("fallback cause %+v", c)
	}
	for _, want := range []string{"passive.brand_new_failure", "something new went wrong", "451 Strange local error"} {
		if !strings.Contains(c.Title+c.Explanation, want) {
			t.Errorf("fallback explanation lacks %q: %s", want, c.Explanation)
		}
	}
	if r.Verdict != verdict.Warning {
		t.Errorf("verdict %s, want warning (active still works)", r.Verdict)
	}
}

func TestServerFixesFollowSoftware(t *testing.T) {
	cases := []struct {
		name     string
		software string
		want     []string
		notWant  []string
	}{
		{"vsftpd_gets_pasv_address", probes.SoftwareVsftpd, []string{"pasv_address=10.231.0.2"}, []string{"MasqueradeAddress"}},
		{"proftpd_gets_masquerade", probes.SoftwareProFTPD, []string{"MasqueradeAddress 10.231.0.2"}, []string{"pasv_address"}},
		{"pureftpd_gets_force_passive_ip", probes.SoftwarePureFTPd, []string{"-P 10.231.0.2"}, []string{"pasv_address"}},
		{"filezilla_gets_passive_host", probes.SoftwareFileZilla, []string{"Use the following host"}, []string{"pasv_address"}},
		{"iis_gets_firewall_support", probes.SoftwareIIS, []string{"External IP Address of Firewall"}, []string{"pasv_address"}},
		{"servu_gets_pasv_ip", probes.SoftwareServU, []string{"PASV IP address"}, []string{"pasv_address"}},
		{"unknown_gets_every_product", "", []string{"not recognised", "pasv_address=", "MasqueradeAddress", "-P 10.231.0.2", "Use the following host", "External IP", "PASV IP"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := passiveNAT()
			o.Server.Software = tc.software
			r := Build(o)
			var all []string
			for _, f := range r.Causes[0].Fixes {
				if f.Side == SideServer {
					all = append(all, f.Text)
				}
			}
			text := strings.Join(all, "\n")
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("server fixes lack %q:\n%s", w, text)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(text, w) {
					t.Errorf("server fixes for %q mention %q:\n%s", tc.software, w, text)
				}
			}
		})
	}
}

func TestExplanationsQuoteEvidence(t *testing.T) {
	cases := []struct {
		name    string
		outcome probes.Outcome
		code    probes.Code
		want    []string
	}{
		{"private_address_quotes_227_and_dials", passiveNAT(), probes.PassivePrivateAddress,
			[]string{"227 Entering Passive Mode (192,168,7,10,117,53).", "192.168.7.10:30005", "filtered after 5.0 s", "10.231.0.2:30005", "open after 0.2 ms"}},
		{"firewall_lists_ports", dataDropped(), probes.FirewallFiltered, []string{"10.231.0.2:30004 filtered (5.0 s)"}},
		{"data_timeout_names_range", dataDropped(), probes.PassiveDataTimeout, []string{"Active mode works"}},
		{"login_rejected_quotes_530_and_delay", stopAt(probes.StageLogin, probes.LoginRejected, "rejected", probes.Evidence{Replies: []probes.Exchange{ex("USER alice", 331, "Please specify the password.", 300*1000), ex("PASS ****", 530, "Login incorrect.", 2100*ms)}}),
			probes.LoginRejected, []string{"530 Login incorrect.", "2.1 s", "deliberate delay"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := Build(tc.outcome)
			for _, c := range r.Causes {
				if c.Code != tc.code {
					continue
				}
				for _, w := range tc.want {
					if !strings.Contains(c.Explanation, w) {
						t.Errorf("explanation lacks %q:\n%s", w, c.Explanation)
					}
				}
				return
			}
			t.Fatalf("no cause %s", tc.code)
		})
	}
}
