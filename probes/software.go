package probes

import (
	"regexp"
	"strings"

	"github.com/ftpdoctor/ftpdoctor/internal/lazy"
)

// Server software names used in ServerInfo.Software and the JSON report.
const (
	SoftwareVsftpd    = "vsftpd"
	SoftwareProFTPD   = "proftpd"
	SoftwarePureFTPd  = "pure-ftpd"
	SoftwareFileZilla = "filezilla"
	SoftwareIIS       = "iis"
	SoftwareServU     = "serv-u"
	SoftwarePyftpdlib = "pyftpdlib" // Python library: "220 pyftpdlib 1.5.7 ready."
	SoftwareInetutils = "inetutils" // GNU inetutils ftpd: "220 HOST FTP server (GNU inetutils 2.4) ready."
	SoftwareBSDFtpd   = "bsd-ftpd"  // the BSD ftpd and its Linux port: "220 HOST FTP server (Version 6.4/OpenBSD/Linux-ftpd-0.17) ready."
	SoftwareWingFTP   = "wing-ftp"  // Wing FTP Server: "220 Wing FTP Server 7.4.2 ready..."
	SoftwareCrushFTP  = "crushftp"  // CrushFTP: "220 CrushFTP Server Ready!"
	SoftwareTitan     = "titan"     // Titan FTP Server: "220 Titan FTP Server 10.47.1892 Ready."
	SoftwareCerberus  = "cerberus"  // Cerberus FTP Server: "220-Cerberus FTP Server - Home Edition"
)

// signature recognises one server product from greeting, SYST or error text.
type signature struct {
	software string
	match    func() *regexp.Regexp // compiled on first use; matched against the text; group 1, if any, is the version
}

var signatures = []signature{
	{SoftwareVsftpd, lazy.Regexp(`(?i)vsftpd\s*([0-9][0-9.]*)?`)},
	{SoftwareVsftpd, lazy.Regexp(`^500 OOPS|^OOPS: |There are too many connected users, please try later|There are too many connections from your internet address`)},
	{SoftwareProFTPD, lazy.Regexp(`(?i)proftpd(?:\s+([0-9][0-9.a-z]*)\s+server)?`)},
	{SoftwarePureFTPd, lazy.Regexp(`(?i)pure-?ftpd`)},
	{SoftwareFileZilla, lazy.Regexp(`(?i)filezilla server(?:\s+(?:version\s+)?([0-9][0-9.]*(?:\s*beta)?))?`)},
	{SoftwareIIS, lazy.Regexp(`(?i)microsoft ftp service|windows_nt`)},
	{SoftwareServU, lazy.Regexp(`(?i)serv-u(?:\s+ftp server\s+v?([0-9][0-9.]*))?`)},
	{SoftwarePyftpdlib, lazy.Regexp(`(?i)pyftpdlib(?:\s+([0-9][0-9.]*))?`)},
	{SoftwareInetutils, lazy.Regexp(`(?i)\(GNU inetutils\s+([0-9][0-9.]*)\)`)},
	{SoftwareBSDFtpd, lazy.Regexp(`(?i)FTP server \((?:Version\s+|(?:Open|Free|Net)BSD ftpd\s+)([0-9][^)\s]*)[^)]*\) ready`)},
	{SoftwareWingFTP, lazy.Regexp(`(?i)Wing FTP Server(?:\s+([0-9][0-9.]*))?`)},
	{SoftwareCrushFTP, lazy.Regexp(`(?i)CrushFTP(?:\s+v?([0-9][0-9.]*))?`)},
	{SoftwareTitan, lazy.Regexp(`(?i)Titan FTP Server(?:\s+([0-9][0-9.]*))?`)},
	{SoftwareCerberus, lazy.Regexp(`(?i)Cerberus FTP Server(?:\s+([0-9][0-9.]*))?`)},
}

// Detect fills Software and Version from the texts seen so far. It keeps an
// earlier identification and only adds a version when one appears later.
func (si *ServerInfo) Detect(texts ...string) {
	for _, t := range texts {
		for _, sig := range signatures {
			m := sig.match().FindStringSubmatch(t)
			if m == nil {
				continue
			}
			if si.Software == "" {
				si.Software = sig.software
			}
			if si.Software == sig.software && si.Version == "" && len(m) > 1 {
				si.Version = strings.TrimSpace(m[1])
			}
			break
		}
	}
}
