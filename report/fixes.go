package report

import (
	"fmt"

	"github.com/ftpdoctor/ftpdoctor/probes"
)

// Display names of the server products, keyed by probes.ServerInfo.Software.
var softwareNames = map[string]string{
	probes.SoftwareVsftpd:    "vsftpd",
	probes.SoftwareProFTPD:   "ProFTPD",
	probes.SoftwarePureFTPd:  "Pure-FTPd",
	probes.SoftwareFileZilla: "FileZilla Server",
	probes.SoftwareIIS:       "IIS FTP",
	probes.SoftwareServU:     "Serv-U",
	probes.SoftwarePyftpdlib: "pyftpdlib",
	probes.SoftwareInetutils: "GNU inetutils ftpd",
	probes.SoftwareBSDFtpd:   "BSD ftpd",
	probes.SoftwareWingFTP:   "Wing FTP Server",
	probes.SoftwareCrushFTP:  "CrushFTP",
	probes.SoftwareTitan:     "Titan FTP Server",
	probes.SoftwareCerberus:  "Cerberus FTP Server",
}

// softwareOrder is the order in which directives are listed when the
// server software is unknown.
var softwareOrder = []string{
	probes.SoftwareVsftpd, probes.SoftwareProFTPD, probes.SoftwarePureFTPd,
	probes.SoftwareFileZilla, probes.SoftwareIIS, probes.SoftwareServU,
	probes.SoftwarePyftpdlib, probes.SoftwareInetutils, probes.SoftwareBSDFtpd,
	probes.SoftwareWingFTP, probes.SoftwareCrushFTP, probes.SoftwareTitan, probes.SoftwareCerberus,
}

// setting is one server setting: what it does in general words and the
// exact directive per server product. A product without a directive is
// left out.
type setting struct {
	generic string            // the setting in words, for unknown software
	by      map[string]string // directive per probes.Software* name
}

// serverFixes returns the server-side fixes for a setting: the directive of
// the detected software, or, when the software is unknown or has no such
// directive, the generic words followed by each known product's directive.
func serverFixes(si probes.ServerInfo, s setting) []Fix {
	if d, ok := s.by[si.Software]; ok {
		return []Fix{{SideServer, softwareNames[si.Software] + ": " + d}}
	}
	lead := "The server software was not recognised. " + s.generic
	if si.Software != "" {
		lead = softwareNames[si.Software] + ": " + s.generic
	}
	out := []Fix{{SideServer, lead}}
	for _, sw := range softwareOrder {
		if d, ok := s.by[sw]; ok && sw != si.Software {
			out = append(out, Fix{SideServer, "If it is " + softwareNames[sw] + ": " + d})
		}
	}
	return out
}

// pasvAddress sets the address a server advertises in its 227 reply.
func pasvAddress(addr string) setting {
	if addr == "" {
		addr = "PUBLIC_ADDRESS"
	}
	return setting{
		generic: "Set the passive-mode (PASV) address to the address clients connect to, " + addr + ".",
		by: map[string]string{
			probes.SoftwareVsftpd:    "set pasv_address=" + addr + " in vsftpd.conf and restart vsftpd.",
			probes.SoftwareProFTPD:   "set MasqueradeAddress " + addr + " in proftpd.conf (server config or the <VirtualHost>) and restart ProFTPD.",
			probes.SoftwarePureFTPd:  "start pure-ftpd with -P " + addr + " (--forcepassiveip; the file ForcePassiveIP in Debian's /etc/pure-ftpd/conf/).",
			probes.SoftwareFileZilla: "Server > Configure > Protocols settings > FTP and FTP over TLS (FTPS) > Passive mode: 'Use the following host' = " + addr + ".",
			probes.SoftwareIIS:       "IIS Manager > the server or site > FTP Firewall Support: 'External IP Address of Firewall' = " + addr + " (firewallSupport externalIp4Address), then restart the FTP service.",
			probes.SoftwareServU:     "Domain > Domain Details > Listeners > the FTP listener: 'PASV IP address' = " + addr + ".",
			probes.SoftwarePyftpdlib: "set handler.masquerade_address = '" + addr + "' on the FTPHandler class before the server starts.",
			probes.SoftwareWingFTP:   "the domain's FTP Pasv Mode settings: choose 'Fixed IP' and enter " + addr + ".",
		},
	}
}

// pasvRange sets the port range a server uses for passive data connections.
func pasvRange(low, high int) setting {
	r := "LOW-HIGH"
	lo, hi := "LOW", "HIGH"
	if low > 0 && high >= low {
		r = fmt.Sprintf("%d-%d", low, high)
		lo, hi = fmt.Sprint(low), fmt.Sprint(high)
	}
	return setting{
		generic: "Set a fixed passive port range (" + r + ") and open exactly that range in the firewall.",
		by: map[string]string{
			probes.SoftwareVsftpd:    "set pasv_min_port=" + lo + " and pasv_max_port=" + hi + " in vsftpd.conf.",
			probes.SoftwareProFTPD:   "set PassivePorts " + lo + " " + hi + " in proftpd.conf.",
			probes.SoftwarePureFTPd:  "start pure-ftpd with -p " + lo + ":" + hi + " (--passiveportrange; the file PassivePortRange in Debian's /etc/pure-ftpd/conf/).",
			probes.SoftwareFileZilla: "Server > Configure > Protocols settings > FTP and FTP over TLS (FTPS) > Passive mode: 'Use custom port range' " + lo + " to " + hi + ".",
			probes.SoftwareIIS:       "IIS Manager > the server > FTP Firewall Support: 'Data Channel Port Range' = " + r + " (system.ftpServer/firewallSupport lowDataChannelPort/highDataChannelPort).",
			probes.SoftwareServU:     "the 'PASV port range' in the server or domain settings (Limits & Settings) = " + r + ".",
			probes.SoftwarePyftpdlib: "set handler.passive_ports = range(" + lo + ", " + hi + " + 1) on the FTPHandler class.",
			probes.SoftwareWingFTP:   "the domain's FTP Pasv Mode settings: 'Passive port range' = " + r + ".",
		},
	}
}

// pasvEnable turns passive mode on.
var pasvEnable = setting{
	generic: "Enable passive mode (PASV and EPSV) in the server.",
	by: map[string]string{
		probes.SoftwareVsftpd:  "set pasv_enable=YES in vsftpd.conf.",
		probes.SoftwareProFTPD: "remove any <Limit PASV EPSV> block with DenyAll from proftpd.conf.",
	},
}

// portEnable turns active mode on.
var portEnable = setting{
	generic: "Enable active mode (PORT and EPRT) in the server.",
	by: map[string]string{
		probes.SoftwareVsftpd:  "set port_enable=YES in vsftpd.conf.",
		probes.SoftwareProFTPD: "remove any <Limit PORT EPRT> block with DenyAll from proftpd.conf.",
	},
}

// portForeign lets PORT name an address other than the control peer's.
var portForeign = setting{
	generic: "Allow PORT/EPRT addresses that differ from the client's control-connection address (this also allows FXP; prefer passive mode instead).",
	by: map[string]string{
		probes.SoftwareVsftpd:    "set port_promiscuous=YES in vsftpd.conf (this turns off a security check; prefer passive mode).",
		probes.SoftwareProFTPD:   "set AllowForeignAddress on in proftpd.conf (prefer passive mode).",
		probes.SoftwarePureFTPd:  "start pure-ftpd with -w (--allowuserfxp) (prefer passive mode).",
		probes.SoftwarePyftpdlib: "set handler.permit_foreign_addresses = True on the FTPHandler class (prefer passive mode).",
	},
}

// implicitListener serves plain and explicit-TLS FTP next to an
// implicit-FTPS port.
var implicitListener = setting{
	generic: "This port is set up for implicit FTPS; to serve plain FTP or explicit FTPS, run a second listener without implicit TLS (usually on port 21).",
	by: map[string]string{
		probes.SoftwareVsftpd:  "implicit_ssl=YES makes a listener implicit-only; for explicit FTPS run a second vsftpd instance with listen_port=21, ssl_enable=YES and implicit_ssl=NO.",
		probes.SoftwareProFTPD: "TLSOptions UseImplicitSSL makes a <VirtualHost>'s port implicit-only; for explicit FTPS serve port 21 from a server config or <VirtualHost> without that option.",
	},
}

// plainLogin lets clients log in without TLS.
var plainLogin = setting{
	generic: "Allow plain FTP logins, or keep TLS required and have clients use explicit FTPS (recommended).",
	by: map[string]string{
		probes.SoftwareVsftpd:   "TLS is required by force_local_logins_ssl=YES (and force_local_data_ssl=YES for data) with ssl_enable=YES; keep them and use FTPS in the client, or set both to NO to allow plain FTP.",
		probes.SoftwareProFTPD:  "TLS is required by TLSRequired on (or ctrl/data); keep it and use FTPS in the client, or set TLSRequired off to allow plain FTP.",
		probes.SoftwarePureFTPd: "TLS is required by -Y 2 or -Y 3 (--tls); keep it and use FTPS in the client, or use -Y 1 to accept both.",
	},
}

// accountAllowed names what lets an account log in, and where the server
// logs why it did not.
var accountAllowed = setting{
	generic: "Check that the account exists, is not locked or expired, and may use FTP; the server's log (and the system's auth log) says why the login failed.",
	by: map[string]string{
		probes.SoftwareVsftpd:   "the user name was accepted, so the 530 after PASS comes from PAM (/etc/pam.d/vsftpd): a wrong password, a shell missing from /etc/shells (pam_shells) or the user listed in /etc/ftpusers (pam_listfile); the auth log (/var/log/auth.log) says which, and vsftpd.log shows FAIL LOGIN lines when xferlog_enable=YES.",
		probes.SoftwareProFTPD:  "the SystemLog says why a login failed: \"Invalid shell\" (RequireValidShell off admits shells not in /etc/shells), \"User in /etc/ftpusers\" (UseFtpUsers), or a wrong password.",
		probes.SoftwarePureFTPd: "the authentication method must know the user (-l unix, -l puredb:FILE for virtual users), and -u UID refuses users below that minimum uid; the syslog says why a login failed.",
	},
}

// userDenyLists names the lists that refuse a user at USER.
var userDenyLists = setting{
	generic: "Check the server's user deny lists (/etc/ftpusers and its own lists).",
	by: map[string]string{
		probes.SoftwareVsftpd:   "local_enable=NO refuses every local user (\"This FTP server is anonymous only.\"); userlist_enable=YES with /etc/vsftpd.user_list refuses the listed users (userlist_deny=YES) or all others (userlist_deny=NO). /etc/ftpusers, applied through PAM, refuses at PASS instead.",
		probes.SoftwareProFTPD:  "UseFtpUsers on refuses the users in /etc/ftpusers; <Limit LOGIN> blocks refuse others.",
		probes.SoftwarePureFTPd: "the authentication method must know the user; -u UID refuses users below that UID.",
	},
}

// plainData lets clients open data connections without TLS.
var plainData = setting{
	generic: "Allow plain data connections, or keep them encrypted and have clients use explicit FTPS with PROT P (recommended).",
	by: map[string]string{
		probes.SoftwareVsftpd:    "encrypted data connections are required by force_local_data_ssl=YES (force_anon_data_ssl=YES for anonymous); keep it and use FTPS in the client, or set it to NO.",
		probes.SoftwareProFTPD:   "TLSRequired on (or data, or !ctrl) requires encrypted data connections; keep it and use FTPS in the client, or set TLSRequired ctrl to protect logins only.",
		probes.SoftwarePureFTPd:  "-Y 3 requires encrypted data connections; keep it and use FTPS in the client, or use -Y 2 to protect logins only.",
		probes.SoftwareFileZilla: "the server's FTP over TLS settings require TLS for data connections; keep them and use FTPS in the client.",
		probes.SoftwareIIS:       "the site's FTP SSL Settings require SSL for data channels (Require only for credentials allows plain data).",
	},
}

// sessionLimits raises connection limits behind 421 replies.
var sessionLimits = setting{
	generic: "Raise the limit on simultaneous sessions (in total and per client address), or find what holds sessions open.",
	by: map[string]string{
		probes.SoftwareVsftpd:    "raise max_clients= and max_per_ip= in vsftpd.conf.",
		probes.SoftwareProFTPD:   "raise MaxClients and MaxClientsPerHost (and MaxClientsPerUser) in proftpd.conf.",
		probes.SoftwarePureFTPd:  "raise -c (--maxclientsnumber) and -C (--maxclientsperip).",
		probes.SoftwarePyftpdlib: "raise server.max_cons and server.max_cons_per_ip on the FTPServer.",
	},
}

// anonymousEnable turns anonymous logins on.
var anonymousEnable = setting{
	generic: "Enable anonymous logins, if this server is meant to offer them.",
	by: map[string]string{
		probes.SoftwareVsftpd:   "if the server is meant to offer anonymous access, set anonymous_enable=YES in vsftpd.conf.",
		probes.SoftwareProFTPD:  "if the server is meant to offer anonymous access, add an <Anonymous ~ftp> block (with User ftp and UserAlias anonymous ftp) to proftpd.conf.",
		probes.SoftwarePureFTPd: "if the server is meant to offer anonymous access, start pure-ftpd without -E (--noanonymous) and make sure the ftp user exists.",
	},
}

// clientPassive tells each client how to switch to passive mode.
func clientPassive() []Fix {
	return []Fix{
		{SideClient, "FileZilla: Edit > Settings > Connection > FTP > Transfer Mode: Passive (per site: Site Manager > Transfer Settings > Transfer mode: Passive)."},
		{SideClient, "WinSCP: Session > Advanced > Connection: tick 'Passive mode'. curl: passive is the default (--ftp-pasv); lftp: set ftp:passive-mode on."},
		{SideClient, "Windows ftp.exe only does active mode: use another client (FileZilla, WinSCP, curl)."},
	}
}

// clientActive tells each client how to switch to active mode.
func clientActive() []Fix {
	return []Fix{
		{SideClient, "FileZilla: Edit > Settings > Connection > FTP > Transfer Mode: Active (per site: Site Manager > Transfer Settings > Transfer mode: Active)."},
		{SideClient, "WinSCP: Session > Advanced > Connection: untick 'Passive mode'. curl: --ftp-port - (or -P -), add --disable-eprt for servers that refuse EPRT; lftp: set ftp:passive-mode off."},
	}
}

// tlsEnable offers explicit FTPS.
var tlsEnable = setting{
	generic: "Offer explicit FTPS (AUTH TLS) with a certificate from a trusted CA.",
	by: map[string]string{
		probes.SoftwareVsftpd:   "ssl_enable=YES with rsa_cert_file= and rsa_private_key_file= in vsftpd.conf.",
		probes.SoftwareProFTPD:  "load mod_tls (Debian: proftpd-mod-crypto) and set TLSEngine on, TLSRSACertificateFile and TLSRSACertificateKeyFile.",
		probes.SoftwarePureFTPd: "-Y 1 (--tls=1) with the certificate and key in /etc/ssl/private/pure-ftpd.pem.",
	},
}

// tlsProtocols names the TLS versions and ciphers a server offers.
var tlsProtocols = setting{
	generic: "Offer TLS 1.2 and 1.3 with current ciphers, and check the server's log for the handshake error.",
	by: map[string]string{
		probes.SoftwareVsftpd:   "ssl_tlsv1_2=YES (ssl_tlsv1_3=YES where supported) and ssl_ciphers=HIGH in vsftpd.conf; the log (vsftpd_log_file) shows the OpenSSL error.",
		probes.SoftwareProFTPD:  "TLSProtocol TLSv1.2 TLSv1.3 and TLSCipherSuite HIGH; TLSLog names the handshake error.",
		probes.SoftwarePureFTPd: "-J (--tlsciphersuite) with a current OpenSSL cipher list; the syslog shows the error.",
	},
}

// certRenew replaces a certificate that is expired, self-signed or for
// another name.
var certRenew = setting{
	generic: "Install a certificate from a trusted CA (for example Let's Encrypt) for the name clients use, and renew it before it expires.",
	by: map[string]string{
		probes.SoftwareVsftpd:   "point rsa_cert_file= (the certificate with its chain) and rsa_private_key_file= to the new files and restart vsftpd.",
		probes.SoftwareProFTPD:  "point TLSRSACertificateFile and TLSRSACertificateKeyFile (and TLSCertificateChainFile) to the new files and restart ProFTPD.",
		probes.SoftwarePureFTPd: "put the key, the certificate and its chain into /etc/ssl/private/pure-ftpd.pem and restart Pure-FTPd.",
	},
}

// certChain makes a server send its intermediate certificates.
var certChain = setting{
	generic: "Send the whole chain: the certificate followed by every intermediate up to (not including) the root.",
	by: map[string]string{
		probes.SoftwareVsftpd:   "rsa_cert_file= must hold the certificate followed by the intermediates (the CA's fullchain.pem).",
		probes.SoftwareProFTPD:  "TLSCertificateChainFile names the intermediates.",
		probes.SoftwarePureFTPd: "/etc/ssl/private/pure-ftpd.pem must hold the key, the certificate and the intermediates.",
	},
}

// sessionReuse relaxes the requirement that data connections resume the
// control connection's TLS session.
var sessionReuse = setting{
	generic: "Keep session reuse required if the clients support it; otherwise turn the requirement off.",
	by: map[string]string{
		probes.SoftwareVsftpd:    "require_ssl_reuse=NO in vsftpd.conf turns the requirement off.",
		probes.SoftwareProFTPD:   "TLSOptions NoSessionReuseRequired turns the requirement off.",
		probes.SoftwareFileZilla: "the server's FTP over TLS settings: untick 'Require TLS session resumption on data connection when using PROT P'.",
	},
}
