package modules

import "testing"

func TestHostListPorts(t *testing.T) {
	l, err := ParseHostList([]string{"ftp.corp.example", "files.corp.example:2121", "10.1.0.0/16", "10.2.0.0/16:2121",
		"[2001:db8::1]:990", "2001:db8:5::/48", "[2001:db8:6::/48]:21", "127.0.0.9:*", "::1"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name              string
		host              string
		port, defaultPort int
		want              bool
	}{
		{"name_default_port", "FTP.corp.example.", 21, 21, true},
		{"name_other_port", "ftp.corp.example", 2121, 21, false},
		{"name_implicit_default", "ftp.corp.example", 990, 990, true},
		{"name_implicit_21", "ftp.corp.example", 21, 990, false},
		{"name_with_port", "files.corp.example", 2121, 21, true},
		{"name_with_port_21", "files.corp.example", 21, 21, false},
		{"network_default", "10.1.2.3", 21, 21, true},
		{"network_other_port", "10.1.2.3", 22, 21, false},
		{"network_with_port", "10.2.9.9", 2121, 21, true},
		{"network_with_port_21", "10.2.9.9", 21, 21, false},
		{"v6_with_port", "2001:db8::1", 990, 21, true},
		{"v6_with_port_21", "2001:db8::1", 21, 21, false},
		{"v6_network", "2001:db8:5::7", 21, 21, true},
		{"v6_network_port", "2001:db8:6::7", 21, 990, true},
		{"v6_network_port_other", "2001:db8:6::7", 990, 990, false},
		{"any_port", "127.0.0.9", 4444, 21, true},
		{"bare_v6_literal", "::1", 21, 21, true},
		{"outside", "10.3.0.1", 21, 21, false},
		{"name_not_resolved_into_network", "ten.example", 21, 21, false},
		{"allow_reading_any_port", "ftp.corp.example", 4444, AnyPort, true},
		{"allow_reading_port_given", "files.corp.example", 21, AnyPort, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := l.AllowsAt(tt.host, tt.port, tt.defaultPort); got != tt.want {
				t.Errorf("AllowsAt(%q, %d, %d) = %v, want %v", tt.host, tt.port, tt.defaultPort, got, tt.want)
			}
		})
	}
	if got, want := l.String(), "127.0.0.9:*, ::1, [2001:db8::1]:990, files.corp.example:2121, ftp.corp.example, "+
		"10.1.0.0/16, 10.2.0.0/16:2121, 2001:db8:5::/48, [2001:db8:6::/48]:21"; got != want {
		t.Errorf("String() = %q\nwant       %q", got, want)
	}
}

func TestHostListRefuses(t *testing.T) {
	for _, entry := range []string{"host:0", "host:65536", "host:ftp", "[::1", "[::1]x", "[::1]:", "10.0.0.0/99", "a b", ":21"} {
		if _, err := ParseHostList([]string{entry}); err == nil {
			t.Errorf("%q accepted", entry)
		}
	}
}
