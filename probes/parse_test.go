package probes

import (
	"net"
	"testing"
)

func TestParsePASV(t *testing.T) {
	tests := []struct {
		name string
		text string
		ip   string
		port int
		ok   bool
	}{
		{"vsftpd", "Entering Passive Mode (127,0,0,1,121,57).", "127.0.0.1", 31033, true},
		{"no_brackets", "Entering Passive Mode 10,0,0,5,195,80", "10.0.0.5", 50000, true},
		{"spaces", "Entering Passive Mode (10, 0, 0, 5, 195, 80)", "10.0.0.5", 50000, true},
		{"number_before", "227 PASV ok 1 (10,1,2,3,4,5)", "10.1.2.3", 1029, true},
		{"unspecified", "=0,0,0,0,117,48", "0.0.0.0", 30000, true},
		{"octet_too_big", "(256,0,0,1,1,1)", "", 0, false},
		{"five_numbers", "(10,0,0,1,1)", "", 0, false},
		{"empty", "", "", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ip, port, err := ParsePASV(tt.text)
			if (err == nil) != tt.ok {
				t.Fatalf("err = %v", err)
			}
			if tt.ok && (ip.String() != tt.ip || port != tt.port) {
				t.Errorf("got %s:%d, want %s:%d", ip, port, tt.ip, tt.port)
			}
		})
	}
}

func TestParseEPSV(t *testing.T) {
	tests := []struct {
		name string
		text string
		port int
		ok   bool
	}{
		{"vsftpd", "Entering Extended Passive Mode (|||31030|)", 31030, true},
		{"other_delimiter", "Entering Extended Passive Mode (!!!6446!)", 6446, true},
		{"port_zero", "(|||0|)", 0, false},
		{"port_too_big", "(|||70000|)", 0, false},
		{"mixed_delimiters", "(|!|123|)", 0, false},
		{"unterminated", "(|||123", 0, false},
		{"no_bracket", "|||123|", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			port, err := ParseEPSV(tt.text)
			if (err == nil) != tt.ok || port != tt.port {
				t.Fatalf("got %d, %v", port, err)
			}
		})
	}
}

func TestFormatPORTAndEPRT(t *testing.T) {
	got, err := FormatPORT(net.ParseIP("10.200.0.1"), 50001)
	if err != nil || got != "10,200,0,1,195,81" {
		t.Fatalf("PORT arg %q %v", got, err)
	}
	if _, err := FormatPORT(net.ParseIP("::1"), 1); err == nil {
		t.Fatal("PORT accepted an IPv6 address")
	}
	if got := FormatEPRT(net.ParseIP("::1"), 2121); got != "|2|::1|2121|" {
		t.Fatalf("EPRT arg %q", got)
	}
	if got := FormatEPRT(net.ParseIP("127.0.0.1"), 2121); got != "|1|127.0.0.1|2121|" {
		t.Fatalf("EPRT arg %q", got)
	}
}

func TestKindOf(t *testing.T) {
	tests := map[string]AddrKind{
		"10.1.2.3": AddrPrivate, "172.16.0.1": AddrPrivate, "192.168.1.1": AddrPrivate, "100.64.0.1": AddrPrivate,
		"0.0.0.0": AddrUnspecified, "127.0.0.1": AddrLoopback, "169.254.1.1": AddrLinkLocal,
		"8.8.8.8": AddrPublic, "fd00::1": AddrPrivate, "2001:db8::1": AddrPublic,
	}
	for ip, want := range tests {
		if got := KindOf(net.ParseIP(ip)); got != want {
			t.Errorf("KindOf(%s) = %s, want %s", ip, got, want)
		}
	}
}

func FuzzParsePASV(f *testing.F) {
	for _, s := range []string{"Entering Passive Mode (127,0,0,1,121,57).", "(1,2,3,4,5,6,7)", "1,2,3", ",,,,,"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ip, port, err := ParsePASV(s)
		if err == nil && (ip.To4() == nil || port < 0 || port > 65535) {
			t.Fatalf("accepted %v:%d from %q", ip, port, s)
		}
	})
}

func FuzzParseEPSV(f *testing.F) {
	for _, s := range []string{"Entering Extended Passive Mode (|||31030|)", "(|||)", "((((", "(|||65536|)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		port, err := ParseEPSV(s)
		if err == nil && (port < 1 || port > 65535) {
			t.Fatalf("accepted port %d from %q", port, s)
		}
	})
}
