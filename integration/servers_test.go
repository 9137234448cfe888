package integration

import (
	"fmt"
	"path/filepath"
	"sort"

	"github.com/ftpdoctor/ftpdoctor/internal/netlab"
)

// The suite's servers: netlab's launchers with the suite's addresses,
// ports, user and PAM service. Each runs in the server namespace.

// vsftpd starts vsftpd on the server's address for the local users, with
// the suite's passive range, logging and PAM service, overridden by extra
// ("key=value" strings).
func (l *lab) vsftpd(extra ...string) *netlab.Proc {
	l.t.Helper()
	settings := append([]string{
		"listen_address=" + l.SrvAddr, fmt.Sprintf("listen_port=%d", ftpPort),
		"local_enable=YES", "pam_service_name=" + suite.pamService, "anonymous_enable=NO",
		"pasv_enable=YES", fmt.Sprintf("pasv_min_port=%d", passiveLow), fmt.Sprintf("pasv_max_port=%d", passiveHigh),
		"port_enable=YES", "xferlog_enable=YES", "xferlog_std_format=NO", "log_ftp_protocol=YES",
		"vsftpd_log_file=" + filepath.Join(l.Dir, "vsftpd.log"),
	}, extra...)
	return l.Vsftpd(l.srv, settings...)
}

// proftpd starts ProFTPD; masquerade, when set, becomes MasqueradeAddress;
// directives are further configuration lines.
func (l *lab) proftpd(masquerade string, directives ...string) *netlab.Proc {
	l.t.Helper()
	return l.Proftpd(l.srv, netlab.Proftpd{Addr: l.SrvAddr, Port: ftpPort,
		PassiveLow: passiveLow, PassiveHigh: passiveHigh, Masquerade: masquerade, Directives: directives})
}

// pureftpd starts Pure-FTPd without anonymous logins; forcedAddr, when
// set, becomes -P.
func (l *lab) pureftpd(forcedAddr string) *netlab.Proc {
	l.t.Helper()
	if forcedAddr != "" {
		return l.pureftpdWith("-P", forcedAddr)
	}
	return l.pureftpdWith()
}

// pureftpdWith starts Pure-FTPd like pureftpd(""), with more options.
func (l *lab) pureftpdWith(extra ...string) *netlab.Proc {
	l.t.Helper()
	return l.PureFTPd(l.srv, l.SrvAddr, ftpPort, passiveLow, passiveHigh, extra...)
}

// sshd starts OpenSSH's server on port 22.
func (l *lab) sshd() *netlab.Proc {
	l.t.Helper()
	return l.Sshd(l.srv, l.SrvAddr, sshPort)
}

// dnsmasq serves the zone test.zone from the server namespace with one
// record per name, and points the client's resolver at it.
func (l *lab) dnsmasq(records map[string]string) *netlab.Proc {
	l.t.Helper()
	var lines []string
	for name, addr := range records {
		lines = append(lines, name+","+addr)
	}
	sort.Strings(lines)
	return l.dnsmasqRecords(lines...)
}

// dnsmasqRecords is dnsmasq with one host-record per entry, in that order,
// so a name can have several A records ("name,addr" each).
func (l *lab) dnsmasqRecords(records ...string) *netlab.Proc {
	l.t.Helper()
	p := l.Dnsmasq(l.srv, l.SrvAddr, records...)
	l.resolver(l.SrvAddr)
	return p
}

// silentListener accepts connections on the server's FTP port and never
// sends a byte.
func (l *lab) silentListener() *netlab.Proc {
	l.t.Helper()
	return l.Silent(l.srv, l.SrvAddr, ftpPort)
}

// holdConnection opens one control connection from the client namespace to
// addr and keeps it open, as another session of the same user would.
func (l *lab) holdConnection(addr string) *netlab.Proc {
	l.t.Helper()
	return l.Hold(l.cli, addr)
}

// selfSigned makes a self-signed certificate and key for the server.
func (l *lab) selfSigned() (cert, key string) {
	l.t.Helper()
	return l.SelfSigned("ftp.test.zone")
}
