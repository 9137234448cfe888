package probes_test

import (
	"context"
	"net"
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/ftpdoctor/ftpdoctor/fixtures"
	"github.com/ftpdoctor/ftpdoctor/probes"
)

// TestCheckThroughFirewalls plays dropped and refused packets with the
// black-hole dialer: nothing leaves loopback.
func TestCheckThroughFirewalls(t *testing.T) {
	tests := []struct {
		name   string
		script fixtures.Script
		dialer func(control int) *fixtures.Dialer
		mode   probes.Mode
		want   stages
	}{
		{"server_behind_nat_advertises_private_address", fixtures.Script{PassiveAddress: "10.0.0.5"},
			func(int) *fixtures.Dialer { return &fixtures.Dialer{} }, probes.ModeBoth,
			merged(plainOK, stages{probes.StagePassive: probes.PassivePrivateAddress})},
		{"server_advertises_unspecified_address", fixtures.Script{PassiveAddress: "0.0.0.0"},
			func(int) *fixtures.Dialer { return &fixtures.Dialer{BlackHole: []string{"0.0.0.0"}} }, probes.ModeBoth,
			merged(plainOK, stages{probes.StagePassive: probes.PassiveUnroutable})},
		{"passive_ports_dropped", fixtures.Script{},
			func(control int) *fixtures.Dialer { return &fixtures.Dialer{Rule: allBut(control, fixtures.BlackHole)} }, probes.ModeBoth,
			merged(plainOK, stages{probes.StagePassive: probes.PassiveDataTimeout, probes.StageFirewall: probes.FirewallFiltered})},
		{"passive_ports_dropped_passive_only", fixtures.Script{},
			func(control int) *fixtures.Dialer { return &fixtures.Dialer{Rule: allBut(control, fixtures.BlackHole)} }, probes.ModePassive,
			merged(plainOK, stages{probes.StagePassive: probes.PassiveDataTimeout, probes.StageActive: probes.CodeSkipped, probes.StageFirewall: probes.FirewallFiltered})},
		{"passive_ports_rejected", fixtures.Script{},
			func(control int) *fixtures.Dialer { return &fixtures.Dialer{Rule: allBut(control, fixtures.Refuse)} }, probes.ModeBoth,
			merged(plainOK, stages{probes.StagePassive: probes.PassiveDataRefused})},
		{"control_port_filtered_host_up", fixtures.Script{},
			func(control int) *fixtures.Dialer {
				return &fixtures.Dialer{BlackHole: []string{strconv.Itoa(control)}, Rule: allBut(control, fixtures.Refuse)}
			}, probes.ModeBoth,
			stoppedAt(probes.StageControl, probes.ControlFiltered)},
		{"host_down", fixtures.Script{},
			func(int) *fixtures.Dialer {
				return &fixtures.Dialer{Rule: func(string) fixtures.Action { return fixtures.BlackHole }}
			}, probes.ModeBoth,
			stoppedAt(probes.StageControl, probes.ControlTimeout)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.script.Users = map[string]string{"alice": testPassword}
			srv := fixtures.StartT(t, tt.script)
			env := probes.DefaultEnv()
			env.Dialer = tt.dialer(srv.Port())
			cfg := probes.Config{Target: probes.Target{Host: srv.Host(), Port: srv.Port(), User: "alice"}, Password: testPassword,
				Timeout: 300 * time.Millisecond, Mode: tt.mode}
			o := probes.Check(context.Background(), cfg, env)
			expectStages(t, o, tt.want)
		})
	}
}

// allBut applies action to every port except the control port.
func allBut(control int, action fixtures.Action) func(string) fixtures.Action {
	return func(addr string) fixtures.Action {
		if _, p, _ := net.SplitHostPort(addr); p == strconv.Itoa(control) {
			return fixtures.Pass
		}
		return action
	}
}

func TestPassiveRangeDeclared(t *testing.T) {
	srv := fixtures.StartT(t, fixtures.Script{Users: map[string]string{"alice": testPassword}})
	cfg := probes.Config{Target: probes.Target{Host: srv.Host(), Port: srv.Port(), User: "alice"}, Password: testPassword,
		Timeout: time.Second, PassiveRange: &probes.PortRange{Low: 1, High: 2}}
	o := probes.Check(context.Background(), cfg, probes.DefaultEnv())
	if r := result(o, probes.StagePassive); r.Code != probes.PassivePortOutOfRange || r.Status != probes.StatusWarn {
		t.Fatalf("passive: %s %s", r.Code, r.Summary)
	}
}

// unreachableDialer answers the control port with an ICMP host unreachable,
// as firewalld's reject rule does, and every other port as refused (the
// host is up) unless hostDown is set.
type unreachableDialer struct {
	control  string
	hostDown bool
}

func (d unreachableDialer) DialContext(_ context.Context, _, addr string) (net.Conn, error) {
	if _, p, _ := net.SplitHostPort(addr); p == d.control || d.hostDown {
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.EHOSTUNREACH)}
	}
	return nil, &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
}

func TestControlRejectedVersusUnreachable(t *testing.T) {
	for _, tt := range []struct {
		name     string
		hostDown bool
		want     probes.Code
	}{
		{"firewall_rejects_port", false, probes.ControlRejected},
		{"host_unreachable", true, probes.ControlUnreachable},
	} {
		t.Run(tt.name, func(t *testing.T) {
			env := probes.DefaultEnv()
			env.Dialer = unreachableDialer{control: "2121", hostDown: tt.hostDown}
			cfg := probes.Config{Target: probes.Target{Host: "127.0.0.1", Port: 2121, User: "alice"}, Timeout: time.Second}
			if r := result(probes.Check(context.Background(), cfg, env), probes.StageControl); r.Code != tt.want {
				t.Fatalf("control: %s (%s), want %s", r.Code, r.Summary, tt.want)
			}
		})
	}
}

// twoAddresses resolves every name to the fixture's address and a second one.
type twoAddresses struct{ second string }

func (r twoAddresses) LookupIPAddr(context.Context, string) ([]net.IPAddr, error) {
	return []net.IPAddr{{IP: net.ParseIP(r.second)}, {IP: net.ParseIP("127.0.0.1")}}, nil
}

// netUnreachable fails every dial to one host with ENETUNREACH (no route
// for that family here) and passes the rest to the fixture dialer.
type netUnreachable struct {
	host string
	next probes.Dialer
}

func (d netUnreachable) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	if h, _, _ := net.SplitHostPort(addr); h == d.host {
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ENETUNREACH)}
	}
	return d.next.DialContext(ctx, network, addr)
}

func TestNameWithADeadAddress(t *testing.T) {
	tests := []struct {
		name   string
		second string
		dialer func() probes.Dialer
		want   probes.Code
	}{
		{"dead_address_listed_first", "127.0.0.3", func() probes.Dialer { return &fixtures.Dialer{BlackHole: []string{"127.0.0.3"}} }, probes.ControlAddressFailed},
		{"refused_address_listed_first", "127.0.0.3", func() probes.Dialer { return &fixtures.Dialer{Refuse: []string{"127.0.0.3"}} }, probes.ControlAddressFailed},
		{"no_route_for_that_family_is_fine", "::2", func() probes.Dialer { return netUnreachable{"::2", &fixtures.Dialer{}} }, probes.ControlOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := fixtures.StartT(t, fixtures.Script{Users: map[string]string{"alice": testPassword}})
			env := probes.DefaultEnv()
			env.Resolver, env.Dialer = twoAddresses{tt.second}, tt.dialer()
			cfg := probes.Config{Target: probes.Target{Host: "ftp.test", Port: srv.Port(), User: "alice"}, Password: testPassword, Timeout: 300 * time.Millisecond}
			o := probes.Check(context.Background(), cfg, env)
			r := result(o, probes.StageControl)
			if r.Code != tt.want || len(r.Evidence.Tried) != 1 {
				t.Fatalf("control %s (%s), tried %+v; want %s", r.Code, r.Summary, r.Evidence.Tried, tt.want)
			}
			if result(o, probes.StagePassive).Code != probes.PassiveOK {
				t.Fatalf("the check did not go on over the working address: %s", codes(o))
			}
		})
	}
}
