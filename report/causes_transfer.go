package report

import (
	"fmt"
	"strings"

	"github.com/ftpdoctor/ftpdoctor/probes"
)

// transferEvidence returns the transfer stage's measurements, never nil.
func transferEvidence(f finding) *probes.TransferEvidence {
	if ev := f.result.Evidence.Transfer; ev != nil {
		return ev
	}
	return &probes.TransferEvidence{}
}

// failedTransfer returns the first transfer that failed with the
// finding's code, or nil.
func failedTransfer(f finding) *probes.FileTransfer {
	ev := transferEvidence(f)
	for i := range ev.Transfers {
		if ev.Transfers[i].Code == f.code {
			return &ev.Transfers[i]
		}
	}
	return nil
}

// transferExplain quotes the failed transfer's reply (the stage's summary
// when no transfer failed with the code, or when it holds the numbers a
// stall or a lost connection is told by), then says what it means.
func transferExplain(f finding, what string) string {
	var parts []string
	tr := failedTransfer(f)
	if tr == nil || f.code == probes.TransferStalled || f.code == probes.TransferControlLost || f.code == probes.TransferLeftBehind {
		parts = append(parts, strings.TrimSuffix(f.result.Summary, ".")+".")
	}
	if tr != nil && tr.Reply.Command != "" && probes.ClassOf(tr.Reply.Code) >= probes.ReplyCompletion {
		parts = append(parts, quoteExchange(tr.Reply)+".")
	}
	return sentence(append(parts, what)...)
}

// uploads lets the user write in the directory.
var uploads = setting{
	generic: "Give the user write permission in the directory: the server's own setting for uploads and the file system's permissions.",
	by: map[string]string{
		probes.SoftwareVsftpd:    "set write_enable=YES in vsftpd.conf (for anonymous users also anon_upload_enable=YES), keep local_umask=022 so uploads stay readable, make the directory writable by the user (chown or chmod), and restart vsftpd.",
		probes.SoftwareProFTPD:   "remove or narrow the <Limit WRITE> or <Limit STOR> block that denies the user (for example <Limit STOR> AllowUser NAME </Limit>), set AllowOverwrite on where replacing files is wanted, make the directory writable by the user, and restart ProFTPD.",
		probes.SoftwarePureFTPd:  "make the directory writable by the user (Pure-FTPd follows the file system's permissions); for anonymous users, start it without -i (--anonymouscantupload).",
		probes.SoftwareFileZilla: "Server > Configure > Rights management > Users > the user > Mount points: give the mount point Read+Write access (FileZilla Server 0.9: Users > Shared folders: tick Files Write).",
		probes.SoftwareIIS:       "IIS Manager > the FTP site > FTP Authorization Rules: an Allow rule with Write permission for the user or their group, and Modify rights for the user on the folder's NTFS permissions.",
		probes.SoftwareServU:     "Users > the user > Directory Access: tick Write and Append for the directory.",
	},
}

// quotas raises the user's quota.
var quotas = setting{
	generic: "Raise the user's quota, or delete old files of theirs.",
	by: map[string]string{
		probes.SoftwareVsftpd:    "vsftpd has no quota of its own: raise the user's file-system quota (edquota or setquota).",
		probes.SoftwareProFTPD:   "raise the user's mod_quotatab limit (ftpquota --add-record --type=limit --name=USER ...), or the file-system quota.",
		probes.SoftwarePureFTPd:  "raise the quota given with -n FILES:MEGABYTES (Debian: /etc/pure-ftpd/conf/Quota; virtual users: pure-pw usermod USER -n FILES -N MEGABYTES, then pure-pw mkdb), and recount with pure-quotacheck.",
		probes.SoftwareIIS:       "raise the folder's quota in File Server Resource Manager, or the user's NTFS disk quota.",
		probes.SoftwareFileZilla: "free space on the mount point's volume, or raise the Windows disk quota of the account FileZilla Server writes as.",
	},
}

// writeFixes are the fixes of a refused upload.
func writeFixes(f finding) []Fix {
	return append([]Fix{{SideClient, "Upload into a directory the account may write to, or ask the server's administrator for write access."}},
		serverFixes(f.outcome.Server, uploads)...)
}

// transferCauses explains the transfer stage's codes.
var transferCauses = causes(map[probes.Code]entry{
	probes.TransferDownloadFailed: {
		Severity: alwaysWarning,
		Title:    "The file could not be downloaded",
		Explain: func(f finding) string {
			return transferExplain(f, "Listings work, so the data path is fine: the server refused or broke off this file's transfer.")
		},
		Fixes: func(f finding) []Fix {
			return []Fix{{SideClient, "Check the file's path (--file is relative to the login directory unless it starts with /)."},
				{SideServer, "Check the file's permissions: the account the server runs the session as must be able to read it; the server's log names the error."}}
		},
	},
	probes.TransferWriteDenied: {
		Severity: alwaysWarning,
		Title:    "This user may not upload here",
		Explain: func(f finding) string {
			return transferExplain(f, "The server refused the upload before any data moved, saying the permission is missing: the account may read but not write in this directory. Nothing was created.")
		},
		Fixes: writeFixes,
	},
	probes.TransferWriteRefused: {
		Severity: alwaysWarning,
		Title:    "The server refuses uploads here",
		Explain: func(f finding) string {
			return transferExplain(f, "The server could not create the file (vsftpd answers 553 Could not create file. for a directory the user cannot write), or it refused the upload otherwise.")
		},
		Fixes: writeFixes,
	},
	probes.TransferQuotaExceeded: {
		Severity: alwaysWarning,
		Title:    "The upload exceeds the user's quota",
		Explain: func(f finding) string {
			return transferExplain(f, "552 means the user's storage allocation is exceeded (RFC 959): the server took the data and did not keep the file.")
		},
		Fixes: func(f finding) []Fix {
			return append([]Fix{{SideClient, "Delete old files of this account on the server, or upload smaller files."}}, serverFixes(f.outcome.Server, quotas)...)
		},
	},
	probes.TransferDiskFull: {
		Severity: alwaysWarning,
		Title:    "The server's disk is full",
		Explain: func(f finding) string {
			return transferExplain(f, "452 means the server has no space left where the file goes (RFC 959: insufficient storage space).")
		},
		Fixes: func(f finding) []Fix {
			return []Fix{{SideServer, "Free space on the volume that holds the directory (df -h on Unix), or move the FTP root to a larger one."}}
		},
	},
	probes.TransferNotStored: {
		Severity: alwaysWarning,
		Title:    "The server accepts uploads but does not keep them",
		Explain: func(f finding) string {
			return transferExplain(f, "The upload ended with a positive reply, yet the file cannot be read back under its name.")
		},
		Fixes: func(f finding) []Fix {
			return []Fix{{SideServer, "Check what happens to uploads after they arrive: the transfer log (vsftpd xferlog, ProFTPD TransferLog), ProFTPD HiddenStores, a virus scanner or a script that moves or deletes new files, a mount that is read-only underneath."}}
		},
	},
	probes.TransferMismatch: {
		Severity: alwaysWarning,
		Title:    "The file came back different from what was sent",
		Explain: func(f finding) string {
			return transferExplain(f, "The upload and the read-back both ran in binary mode (TYPE I), so the bytes must be equal. Line endings rewritten (ASCII mode, TYPE A) or a proxy that changes data on the way give this.")
		},
		Fixes: func(f finding) []Fix {
			return []Fix{
				{SideClient, "Transfer binary files in binary mode: FileZilla: Transfer > Transfer type > Binary; WinSCP: Preferences > Transfer: Binary; curl and lftp use binary unless told otherwise (curl --use-ascii, ;type=a)."},
				{SideServer, "Make the server store uploads as received in binary mode: vsftpd changes line endings only with ascii_upload_enable=YES and TYPE A; check for a script or filter that rewrites files."},
				{SideNetwork, "Exempt the server from any proxy or security gateway that inspects and rewrites FTP data."},
			}
		},
	},
	probes.TransferStalled: {
		Severity: alwaysWarning,
		Title:    "Large transfers stall after the first packets: a path-MTU black hole",
		Explain: func(f finding) string {
			ev := transferEvidence(f)
			what := "Logins and listings fit in small packets and work; a full-size data packet never arrives. A link on the way carries smaller packets than the ends use (a tunnel, VPN or PPPoE link), and a firewall drops the ICMP message that would tell the sender to send smaller ones, so the sender retries the same packet until it gives up."
			if ev.MSS > 0 && ev.MTU > 0 {
				what += fmt.Sprintf(" Measured: segments of %d bytes of data in packets of %d bytes stalled; the largest transfer that arrived whole was %d bytes.", ev.MSS, ev.MTU, ev.LargestOKBytes)
			}
			if ev.ClampedMSS > 0 {
				what += fmt.Sprintf(" With the MSS clamped to %d bytes (packets of at most 1280 bytes) the download was tried again: see the summary above.", ev.ClampedMSS)
			}
			return transferExplain(f, what)
		},
		Fixes: func(f finding) []Fix {
			return []Fix{
				{SideClient, "Until the network is fixed, lower this machine's MTU to the path's, for example 1280 bytes: Linux ip link set dev IFACE mtu 1280; Windows netsh interface ipv4 set subinterface \"NAME\" mtu=1280 store=persistent; or turn on TCP MTU probing (Linux sysctl net.ipv4.tcp_mtu_probing=1, RFC 4821)."},
				{SideServer, "Lower the server's MTU the same way, or turn on TCP MTU probing on it (Linux sysctl net.ipv4.tcp_mtu_probing=1)."},
				{SideNetwork, "Allow ICMP type 3 code 4 (fragmentation needed) and ICMPv6 type 2 (packet too big) through every firewall between client and server, in both directions: path-MTU discovery needs them (RFC 1191, RFC 8201)."},
				{SideNetwork, "Clamp the TCP MSS on the tunnel or VPN router: iptables -t mangle -A FORWARD -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu, or in nftables tcp flags syn tcp option maxseg size set rt mtu."},
			}
		},
	},
	probes.TransferControlLost: {
		Severity: alwaysWarning,
		Title:    "The control connection was lost while the data moved",
		Explain: func(f finding) string {
			return transferExplain(f, "The data arrived, but the reply that ends the transfer (226) or a NOOP after it did not: a NAT router or firewall between forgot the idle control connection while the data connection was busy. Clients then report a failed transfer although the file arrived.")
		},
		Fixes: func(f finding) []Fix {
			return []Fix{
				{SideClient, "Keep the control connection busy during long transfers: FileZilla: Edit > Settings > Connection > FTP: Send FTP keep-alive commands; WinSCP: Site > Advanced > Connection: Keepalives, Executing dummy protocol commands every 30 seconds; lftp: set ftp:use-stat yes and ftp:stat-interval 30; curl: --keepalive-time 30 (TCP keep-alive)."},
				{SideServer, "Send TCP keep-alives on the control connection sooner than the network's idle timeout: ProFTPD SocketOptions keepalive on; on the server host, lower net.ipv4.tcp_keepalive_time (Linux) below that timeout."},
				{SideNetwork, "Raise the idle timeout of established TCP connections on the NAT router or firewall above the longest transfer (Linux conntrack: net.netfilter.nf_conntrack_tcp_timeout_established), or let its FTP helper tie the control connection to its data connection."},
			}
		},
	},
	probes.TransferLeftBehind: {
		Severity: alwaysWarning,
		Title:    "The uploaded test file could not be deleted",
		Explain: func(f finding) string {
			return transferExplain(f, "The upload worked, so the account may write here, but the run could not delete what it created: those files are named above and stay on the server.")
		},
		Fixes: func(f finding) []Fix {
			return []Fix{{SideServer, "Delete the named files by hand, and give the account delete permission if its users should be able to replace or remove their uploads (ProFTPD <Limit DELE>, IIS Write permission, FileZilla Server Delete right)."}}
		},
	},
})
