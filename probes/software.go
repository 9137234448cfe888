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
