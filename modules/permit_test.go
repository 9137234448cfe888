package modules

import (
	"strings"
	"testing"

	"github.com/ftpdoctor/ftpdoctor/probes"
)

// TestPermit: a module with credentials probes only its pinned hosts and
// ports (port 21 for an entry without one, 990 under implicit TLS), a
// module that lists hosts only those (and, without credentials, only those
// --allow lists too), and a probe without credentials only what --allow
// lists, at any port; the reason names what was refused, never the
// password.
func TestPermit(t *testing.T) {
	const permitPass = "Permit-S3ntinel-pw"
	hosts, err := ParseHostList([]string{"ftp.corp.example", "10.1.0.0/16:2121"})
	if err != nil {
		t.Fatal(err)
	}
	allow, err := ParseHostList([]string{"127.0.0.0/8"})
	if err != nil {
		t.Fatal(err)
	}
	corp := Module{Name: "corp", Password: permitPass, Hosts: hosts, TLS: probes.TLSAuto}
	corpImplicit := Module{Name: "corp", Password: permitPass, Hosts: hosts, TLS: probes.TLSImplicit}
	listed := Module{Name: "listed", Hosts: hosts}
	anon := Module{Name: DefaultName}
	tests := []struct {
		name   string
		module Module
		allow  HostList
		target probes.Target
		want   string // "" for permitted, else a part of the reason
	}{
		{"credentials_pinned_host_port_21", corp, allow, probes.Target{Host: "FTP.corp.example.", Port: 21}, ""},
		{"credentials_pinned_host_other_port", corp, allow, probes.Target{Host: "ftp.corp.example", Port: 2121}, `module "corp" logs in with a password and may only probe its hosts and ports; "ftp.corp.example:2121"`},
		{"credentials_network_with_port", corp, allow, probes.Target{Host: "10.1.2.3", Port: 2121}, ""},
		{"credentials_not_pinned_even_if_allowed", corp, allow, probes.Target{Host: "127.0.0.1", Port: 21}, "logs in with a password"},
		{"implicit_tls_module_defaults_to_990", corpImplicit, allow, probes.Target{Host: "ftp.corp.example", Port: 990}, ""},
		{"implicit_tls_module_not_21", corpImplicit, allow, probes.Target{Host: "ftp.corp.example", Port: 21}, "logs in with a password"},
		{"ftps_scheme_defaults_to_990", corp, allow, probes.Target{Host: "ftp.corp.example", Port: 990, Scheme: "ftps"}, ""},
		{"ftpes_scheme_keeps_21", corp, allow, probes.Target{Host: "ftp.corp.example", Port: 990, Scheme: "ftpes"}, "logs in with a password"},
		{"listed_hosts_without_credentials", listed, allow, probes.Target{Host: "other.example", Port: 21}, `module "listed" may only probe its hosts and ports; "other.example:21"`},
		{"listed_hosts_still_bound_by_allow", listed, allow, probes.Target{Host: "ftp.corp.example", Port: 21}, "is not in --allow"},
		{"listed_host_without_allow", listed, HostList{}, probes.Target{Host: "ftp.corp.example", Port: 21}, ""},
		{"anonymous_in_allow_any_port", anon, allow, probes.Target{Host: "127.0.0.9", Port: 4444}, ""},
		{"anonymous_outside_allow", anon, allow, probes.Target{Host: "192.0.2.1", Port: 21}, `"192.0.2.1:21" is not in --allow`},
		{"anonymous_v6_outside_allow", anon, allow, probes.Target{Host: "2001:db8::1", Port: 21}, `"[2001:db8::1]:21" is not in --allow`},
		{"anonymous_empty_allow_is_any", anon, HostList{}, probes.Target{Host: "192.0.2.1", Port: 21}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Permit(tt.module, tt.allow, tt.target)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("err %v, want one with %q", err, tt.want)
			case err != nil && strings.Contains(err.Error(), permitPass):
				t.Errorf("the reason shows the password: %v", err)
			}
		})
	}
}
