package probes

import (
	"testing"

	"github.com/ftpdoctor/ftpdoctor/internal/lazy"
)

// TestDetectSoftwareThatNamesItself checks the products that name
// themselves in their banners, with texts of the form their defaults use.
func TestDetectSoftwareThatNamesItself(t *testing.T) {
	tests := []struct {
		name     string
		texts    []string
		software string
		version  string
	}{
		{"pyftpdlib", []string{"pyftpdlib 1.5.7 ready."}, SoftwarePyftpdlib, "1.5.7"},
		{"inetutils", []string{"ftp.test.zone FTP server (GNU inetutils 2.4) ready."}, SoftwareInetutils, "2.4"},
		{"linux_ftpd", []string{"ftp.test.zone FTP server (Version 6.4/OpenBSD/Linux-ftpd-0.17) ready."}, SoftwareBSDFtpd, "6.4/OpenBSD/Linux-ftpd-0.17"},
		{"freebsd_ftpd", []string{"ftp.test.zone FTP server (Version 6.00LS) ready."}, SoftwareBSDFtpd, "6.00LS"},
		{"openbsd_ftpd", []string{"ftp.test.zone FTP server (OpenBSD ftpd 6.9) ready."}, SoftwareBSDFtpd, "6.9"},
		{"filezilla_1x", []string{"FileZilla Server 1.8.2\nPlease visit https://filezilla-project.org/"}, SoftwareFileZilla, "1.8.2"},
		{"wing_ftp", []string{"Wing FTP Server 7.4.2 ready..."}, SoftwareWingFTP, "7.4.2"},
		{"wing_ftp_free", []string{"Wing FTP Server ready... (Wing FTP Server Free Edition)"}, SoftwareWingFTP, ""},
		{"crushftp", []string{"CrushFTP Server Ready!"}, SoftwareCrushFTP, ""},
		{"titan", []string{"Titan FTP Server 10.47.1892 Ready."}, SoftwareTitan, "10.47.1892"},
		{"cerberus", []string{"Cerberus FTP Server - Home Edition\nWelcome to Cerberus FTP Server"}, SoftwareCerberus, ""},
		{"serv_u", []string{"Serv-U FTP Server v15.4 ready..."}, SoftwareServU, "15.4"},
		{"plain_unix", []string{"ftp.test.zone FTP server ready."}, "", ""},
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

// TestLazyRegexpsCompile compiles the package's regular expressions, which
// are compiled on first use (package lazy), so that a bad one fails here
// and not in a user's check.
func TestLazyRegexpsCompile(t *testing.T) {
	if err := lazy.CompileAll(); err != nil {
		t.Fatal(err)
	}
}
