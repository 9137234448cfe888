package scan

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/ftpdoctor/ftpdoctor/probes"
	"github.com/ftpdoctor/ftpdoctor/verdict"
)

// portsFrom builds ports low.. with the given states in order.
func portsFrom(low int, ss ...State) []Port {
	var ps []Port
	for i, s := range ss {
		p := Port{Port: low + i, State: s}
		switch s {
		case StateOpen:
			p.Reason = ReasonSynAck
		case StateClosed:
			p.Reason = ReasonRefused
		case StateFiltered:
			p.Reason = ReasonNoResponse
		}
		ps = append(ps, p)
	}
	return ps
}

func TestCompress(t *testing.T) {
	C, F, O := StateClosed, StateFiltered, StateOpen
	cases := []struct {
		name  string
		ports []Port
		want  []string // "low-high state"
	}{
		{"empty", nil, nil},
		{"one_port", portsFrom(21, C), []string{"21-21 closed"}},
		{"two_halves", portsFrom(50000, C, C, F, F), []string{"50000-50001 closed", "50002-50003 filtered"}},
		{"alternating", portsFrom(10, C, F, C), []string{"10-10 closed", "11-11 filtered", "12-12 closed"}},
		{"open_in_the_middle", portsFrom(1, C, O, C, C), []string{"1-1 closed", "2-2 open", "3-4 closed"}},
		{"gap_splits_a_run", append(portsFrom(1, C), portsFrom(3, C)...), []string{"1-1 closed", "3-3 closed"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			total := 0
			for _, r := range Compress(tc.ports) {
				got = append(got, fmt.Sprintf("%d-%d %s", r.Low, r.High, r.State))
				total += r.Count
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("runs %q, want %q", got, tc.want)
			}
			if total != len(tc.ports) {
				t.Errorf("runs count %d ports, want %d", total, len(tc.ports))
			}
		})
	}
}

func withToken(ps []Port, tok ...TokenCheck) []Port {
	for i := range ps {
		ps[i].Token = tok[i]
	}
	return ps
}

func TestBuildVerdict(t *testing.T) {
	C, F, O := StateClosed, StateFiltered, StateOpen
	declared := &probes.PortRange{Low: 50000, High: 50009}
	cases := []struct {
		name     string
		ports    []Port
		token    bool
		disc     *Discovery
		level    verdict.Verdict
		usable   bool
		contains string // in the headline or a note
	}{
		{"all_closed_is_ok", portsFrom(50000, C, C, C), false, nil, verdict.OK, true, "all 3 ports pass the firewall"},
		{"open_ports_are_ok", portsFrom(50000, C, O), false, nil, verdict.OK, true, "1 closed, 1 open"},
		{"one_filtered_is_critical", portsFrom(50000, C, F), false, nil, verdict.Critical, false, "1 of 2 ports are dropped"},
		{"filtered_runs_are_named", portsFrom(50000, F, C, F, F), false, nil, verdict.Critical, false, "50000, 50002-50003"},
		{"error_is_unknown", append(portsFrom(50000, C), Port{Port: 50001, State: StateError}), false, nil, verdict.Unknown, true, "local error"},
		{"token_everywhere_is_ok", withToken(portsFrom(50000, O, O), TokenMatch, TokenMatch), true, nil, verdict.OK, true, "all 2 ports reach the listener"},
		{"token_mismatch_is_critical", withToken(portsFrom(50000, O, O), TokenMatch, TokenMismatch), true, nil, verdict.Critical, false, "forwarded to another host"},
		{"token_closed_is_critical", withToken(portsFrom(50000, O, C), TokenMatch, ""), true, nil, verdict.Critical, false, "listener is not there"},
		{"token_wrong_port_is_warning", withToken(portsFrom(50000, O, O), TokenMatch, TokenWrongPort), true, nil, verdict.Warning, true, "rewrites the port"},
		{"discovery_outside_declared_is_critical", portsFrom(50000, C), false,
			&Discovery{Control: "10.1.1.1:21", Addresses: []string{"10.1.1.1"}, Declared: declared, Outside: []int{40000}},
			verdict.Critical, false, "outside the declared range 50000-50009"},
		{"discovery_other_address_is_warning", portsFrom(50000, C), false,
			&Discovery{Control: "10.1.1.1:21", Addresses: []string{"192.168.1.5"}},
			verdict.Warning, true, "advertises 192.168.1.5 but the control connection reached 10.1.1.1"},
		{"discovery_two_addresses_is_warning", portsFrom(50000, C), false,
			&Discovery{Control: "10.1.1.1:21", Addresses: []string{"10.1.1.1", "10.1.1.2"}},
			verdict.Warning, true, "2 different addresses"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rep := Build("h", Result{Address: "10.1.1.1", Ports: tc.ports}, tc.token, tc.disc)
			v := rep.Verdict
			if v.Status != tc.level || v.Code != tc.level.ExitCode() || v.Usable != tc.usable {
				t.Errorf("verdict %d %s usable=%v, want %s usable=%v", v.Code, v.Status, v.Usable, tc.level, tc.usable)
			}
			all := v.Text + "\n" + strings.Join(v.Notes, "\n")
			if !strings.Contains(all, tc.contains) {
				t.Errorf("verdict text %q lacks %q", all, tc.contains)
			}
		})
	}
}
