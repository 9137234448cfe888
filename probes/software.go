package probes

import (
	"regexp"
	"strings"
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
	match    *regexp.Regexp // matched against the text; group 1, if any, is the version
}

var signatures = []signature{
	{SoftwareVsftpd, regexp.MustCompile(`(?i)vsftpd\s*([0-9][0-9.]*)?`)},
	{SoftwareVsftpd, regexp.MustCompile(`^500 OOPS|^OOPS: |There are too many connected users, please try later|There are too many connections from your internet address`)},
	{SoftwareProFTPD, regexp.MustCompile(`(?i)proftpd(?:\s+([0-9][0-9.a-z]*)\s+server)?`)},
	{SoftwarePureFTPd, regexp.MustCompile(`(?i)pure-?ftpd`)},
	{SoftwareFileZilla, regexp.MustCompile(`(?i)filezilla server(?:\s+(?:version\s+)?([0-9][0-9.]*(?:\s*beta)?))?`)},
	{SoftwareIIS, regexp.MustCompile(`(?i)microsoft ftp service|windows_nt`)},
	{SoftwareServU, regexp.MustCompile(`(?i)serv-u(?:\s+ftp server\s+v?([0-9][0-9.]*))?`)},
	{SoftwarePyftpdlib, regexp.MustCompile(`(?i)pyftpdlib(?:\s+([0-9][0-9.]*))?`)},
	{SoftwareInetutils, regexp.MustCompile(`(?i)\(GNU inetutils\s+([0-9][0-9.]*)\)`)},
	{SoftwareBSDFtpd, regexp.MustCompile(`(?i)FTP server \((?:Version\s+|(?:Open|Free|Net)BSD ftpd\s+)([0-9][^)\s]*)[^)]*\) ready`)},
	{SoftwareWingFTP, regexp.MustCompile(`(?i)Wing FTP Server(?:\s+([0-9][0-9.]*))?`)},
	{SoftwareCrushFTP, regexp.MustCompile(`(?i)CrushFTP(?:\s+v?([0-9][0-9.]*))?`)},
	{SoftwareTitan, regexp.MustCompile(`(?i)Titan FTP Server(?:\s+([0-9][0-9.]*))?`)},
	{SoftwareCerberus, regexp.MustCompile(`(?i)Cerberus FTP Server(?:\s+([0-9][0-9.]*))?`)},
}

// Detect fills Software and Version from the texts seen so far. It keeps an
// earlier identification and only adds a version when one appears later.
func (si *ServerInfo) Detect(texts ...string) {
	for _, t := range texts {
		for _, sig := range signatures {
			m := sig.match.FindStringSubmatch(t)
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
