package target

import (
	"strings"
	"testing"

	"github.com/ftpdoctor/ftpdoctor/probes"
)

func TestParseTarget(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want probes.Target
		pass string
		err  string
	}{
		{"host", "ftp.example.net", probes.Target{Host: "ftp.example.net", Port: 21}, "", ""},
		{"host_port", "ftp.example.net:2121", probes.Target{Host: "ftp.example.net", Port: 2121}, "", ""},
		{"user_at_host", "alice@ftp.example.net:2121", probes.Target{Host: "ftp.example.net", Port: 2121, User: "alice"}, "", ""},
		{"ipv4", "127.0.0.1", probes.Target{Host: "127.0.0.1", Port: 21}, "", ""},
		{"ipv6_bare", "::1", probes.Target{Host: "::1", Port: 21}, "", ""},
		{"ipv6_bracket_port", "[::1]:2121", probes.Target{Host: "::1", Port: 2121}, "", ""},
		{"ipv6_bracket", "[fe80::1]", probes.Target{Host: "fe80::1", Port: 21}, "", ""},
		{"url_full", "ftp://bob:s%40cret@ftp.example.net:2121/pub/dir/", probes.Target{Host: "ftp.example.net", Port: 2121, User: "bob", Path: "pub/dir/", Scheme: "ftp"}, "s@cret", ""},
		{"url_plain", "FTP://ftp.example.net", probes.Target{Host: "ftp.example.net", Port: 21, Scheme: "ftp"}, "", ""},
		{"url_ftps_implicit_port_990", "ftps://ftp.example.net/", probes.Target{Host: "ftp.example.net", Port: 990, Scheme: "ftps"}, "", ""},
		{"url_ftps_port_given", "ftps://ftp.example.net:21/", probes.Target{Host: "ftp.example.net", Port: 21, Scheme: "ftps"}, "", ""},
		{"url_ftpes_explicit_port_21", "ftpes://alice@ftp.example.net", probes.Target{Host: "ftp.example.net", Port: 21, User: "alice", Scheme: "ftpes"}, "", ""},
		{"url_ipv6", "ftp://[::1]:2121/", probes.Target{Host: "::1", Port: 2121, Scheme: "ftp"}, "", ""},
		{"empty", "", probes.Target{}, "", "empty target"},
		{"port_zero", "host:0", probes.Target{}, "", "invalid port"},
		{"port_too_big", "host:65536", probes.Target{}, "", "invalid port"},
		{"port_word", "host:ftp", probes.Target{}, "", "invalid port"},
		{"empty_port", "host:", probes.Target{}, "", "empty port"},
		{"ipv6_unbracketed_port", "fe80::1::21", probes.Target{}, "", "[addr]:port"},
		{"bad_char", "ho$t", probes.Target{}, "", "invalid character"},
		{"space", "ftp example", probes.Target{}, "", "spaces"},
		{"sftp", "sftp://host", probes.Target{}, "", "SSH file transfer"},
		{"http", "http://host", probes.Target{}, "", "unsupported scheme"},
		{"empty_user", "@host", probes.Target{}, "", "empty user"},
		{"missing_bracket", "[::1:21", probes.Target{}, "", "missing ]"},
		{"query", "ftp://host/?x=1", probes.Target{}, "", "query"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, pass, err := Parse(tt.in)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want it to contain %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("err = %v", err)
			}
			if got != tt.want || pass.Reveal() != tt.pass {
				t.Errorf("got %+v pass %q, want %+v pass %q", got, pass.Reveal(), tt.want, tt.pass)
			}
		})
	}
}

func FuzzParseTarget(f *testing.F) {
	for _, s := range []string{"host", "u@h:21", "[::1]:21", "ftp://a:b@c:1/d", "ftp://[", "::", "a@@b", "ftp://%zz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, _, err := Parse(s)
		if err != nil {
			if strings.ContainsAny(err.Error(), "\n") {
				t.Fatalf("multi-line error %q", err)
			}
			return
		}
		if got.Host == "" || got.Port < 1 || got.Port > 65535 {
			t.Fatalf("accepted %q as %+v", s, got)
		}
	})
}

func TestMask(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"url_with_password", "ftp://alice:S3cret@host:21/pub", "ftp://alice:****@host:21/pub"},
		{"url_without_password", "ftp://alice@host", "ftp://alice@host"},
		{"password_with_at", "ftp://alice:a@b@host", "ftp://alice:****@host"},
		{"plain_host", "alice@host:2121", "alice@host:2121"},
		{"malformed", "ftp://alice:S3cret@ho%zz", "ftp://alice:****@ho%zz"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Mask(tt.in); got != tt.want {
				t.Errorf("Mask(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
