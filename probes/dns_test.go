package probes

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"
)

// fakeResolver answers every lookup with fixed addresses or an error.
type fakeResolver struct {
	addrs []net.IPAddr
	err   error
}

func (f fakeResolver) LookupIPAddr(context.Context, string) ([]net.IPAddr, error) {
	return f.addrs, f.err
}

func TestDNS(t *testing.T) {
	tests := []struct {
		name     string
		host     string
		resolver fakeResolver
		code     Code
		addrs    []string
	}{
		{"literal_v4", "127.0.0.1", fakeResolver{err: errors.New("must not be asked")}, DNSLiteral, []string{"127.0.0.1"}},
		{"literal_v6", "::1", fakeResolver{err: errors.New("must not be asked")}, DNSLiteral, []string{"::1"}},
		{"v4_before_v6", "ftp.test", fakeResolver{addrs: []net.IPAddr{{IP: net.ParseIP("::1")}, {IP: net.ParseIP("127.0.0.2")}}}, DNSOK, []string{"127.0.0.2", "::1"}},
		{"not_found", "nope.test", fakeResolver{err: &net.DNSError{Err: "no such host", Name: "nope.test", IsNotFound: true}}, DNSNotFound, nil},
		{"no_records", "empty.test", fakeResolver{}, DNSNotFound, nil},
		{"timeout", "slow.test", fakeResolver{err: &net.DNSError{Err: "i/o timeout", Name: "slow.test", IsTimeout: true}}, DNSTimeout, nil},
		{"servfail", "broken.test", fakeResolver{err: &net.DNSError{Err: "server misbehaving", Name: "broken.test", IsTemporary: true}}, DNSResolverFailure, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewSession(Config{Target: Target{Host: tt.host}, Timeout: time.Second}, Env{Resolver: tt.resolver, Now: time.Now})
			r := DNS(context.Background(), s)
			if r.Code != tt.code {
				t.Fatalf("code %s (%s), want %s", r.Code, r.Summary, tt.code)
			}
			if len(r.Evidence.Addresses) != len(tt.addrs) {
				t.Fatalf("addresses %v, want %v", r.Evidence.Addresses, tt.addrs)
			}
			for i := range tt.addrs {
				if r.Evidence.Addresses[i] != tt.addrs[i] {
					t.Fatalf("addresses %v, want %v", r.Evidence.Addresses, tt.addrs)
				}
			}
		})
	}
}

func TestDetectSoftware(t *testing.T) {
	tests := []struct {
		name     string
		texts    []string
		software string
		version  string
	}{
		{"vsftpd_banner", []string{"(vsFTPd 3.0.3)"}, SoftwareVsftpd, "3.0.3"},
		{"vsftpd_oops", []string{"Welcome", "500 OOPS: vsftpd: refusing to run with writable root inside chroot()"}, SoftwareVsftpd, ""},
		{"proftpd_default", []string{"ProFTPD Server (Debian) [::ffff:10.0.0.2]"}, SoftwareProFTPD, ""},
		{"proftpd_version", []string{"ProFTPD 1.3.8 Server (Debian)"}, SoftwareProFTPD, "1.3.8"},
		{"pure_ftpd", []string{"--------- Welcome to Pure-FTPd [privsep] [TLS] ----------"}, SoftwarePureFTPd, ""},
		{"filezilla", []string{"FileZilla Server 1.8.0"}, SoftwareFileZilla, "1.8.0"},
		{"filezilla_old", []string{"FileZilla Server version 0.9.60 beta"}, SoftwareFileZilla, "0.9.60 beta"},
		{"iis_banner", []string{"Microsoft FTP Service"}, SoftwareIIS, ""},
		{"iis_syst_only", []string{"Welcome", "Windows_NT"}, SoftwareIIS, ""},
		{"serv_u", []string{"Serv-U FTP Server v15.1 ready..."}, SoftwareServU, "15.1"},
		{"unknown", []string{"Welcome to my server", "UNIX Type: L8"}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var si ServerInfo
			si.Detect(tt.texts...)
			if si.Software != tt.software || si.Version != tt.version {
				t.Fatalf("got %q %q, want %q %q", si.Software, si.Version, tt.software, tt.version)
			}
		})
	}
}
