package integration

// tlsStages are the stage codes of a healthy FTPS run.
var tlsStages = merge(healthyStages, map[string]string{"tls": "tls.ok"})

// tlsScenarios check FTPS against vsftpd: explicit with forced TLS and
// session reuse, implicit, bad certificates, a server without TLS.
//
// Session reuse, measured here (vsftpd 3.0.3, ProFTPD 1.3.8 mod_tls and
// Pure-FTPd 1.0.50 on OpenSSL 3.0, Go 1.26): Go's resumption (tickets in
// TLS 1.2, PSK in TLS 1.3, cache keyed by ServerName) satisfies vsftpd's
// require_ssl_reuse and ProFTPD's default in both TLS 1.2 and 1.3, on EPSV,
// PASV, EPRT and PORT. Both really enforce it: Python's ftplib without
// session= (no resumption) gets "522 SSL connection failed: session reuse
// required" from vsftpd and "425 Unable to build data connection:
// Operation not permitted" from ProFTPD, in both versions. Pure-FTPd does
// not require reuse; it resumes in TLS 1.2 and never in TLS 1.3 (Go and
// Python alike), so its TLS 1.3 runs report session_reuse false.
var tlsScenarios = []scenario{
	{
		// Everything forced: TLS logins and data, and data connections
		// that resume the control connection's session (TLS 1.3).
		name: "vsftpd_ftpes_forced_session_reuse",
		setup: func(l *lab) checkRun {
			is := l.issueCert()
			l.vsftpdTLS(is, "force_local_logins_ssl=YES", "force_local_data_ssl=YES", "require_ssl_reuse=YES")
			return loginTLS("ftpes://"+l.SrvAddr, is)
		},
		want:  expectation{Verdict: "ok", Exit: 0, ClientMode: "either", Software: "vsftpd", Stages: tlsStages},
		extra: checkTLS(tlsWant{Mode: "explicit", Version: "TLS 1.3", DataProtected: true, SessionReuse: "true", Verified: "true"}),
	},
	{
		// The same server with TLS capped at 1.2: resumption by session
		// ticket, which vsftpd accepts as reuse.
		name: "vsftpd_ftpes_forced_session_reuse_tls12",
		setup: func(l *lab) checkRun {
			is := l.issueCert()
			l.vsftpdTLS(is, "force_local_logins_ssl=YES", "force_local_data_ssl=YES", "require_ssl_reuse=YES")
			return loginTLS("ftpes://"+l.SrvAddr, is, "--tls-max", "1.2")
		},
		want:  expectation{Verdict: "ok", Exit: 0, ClientMode: "either", Software: "vsftpd", Stages: tlsStages},
		extra: checkTLS(tlsWant{Mode: "explicit", Version: "TLS 1.2", DataProtected: true, SessionReuse: "true", Verified: "true"}),
	},
	{
		// Implicit FTPS: ftps:// means TLS from the first byte, port 990.
		name: "vsftpd_implicit_ftps_url",
		setup: func(l *lab) checkRun {
			is := l.issueCert()
			l.vsftpdTLS(is, "implicit_ssl=YES", "listen_port=990")
			return loginTLS("ftps://"+l.SrvAddr, is)
		},
		want:  expectation{Verdict: "ok", Exit: 0, ClientMode: "either", Software: "vsftpd", Stages: tlsStages},
		extra: checkTLS(tlsWant{Mode: "implicit", DataProtected: true, SessionReuse: "true", Verified: "true"}),
	},
	{
		// The implicit port with the default --tls auto: ftpdoctor finds
		// TLS where it expected a greeting, warns, and goes on over TLS.
		name: "vsftpd_implicit_auto_on_port_990",
		setup: func(l *lab) checkRun {
			is := l.issueCert()
			l.vsftpdTLS(is, "implicit_ssl=YES", "listen_port=990")
			return loginTLS(hostPort(l.SrvAddr, 990), is)
		},
		want: expectation{Verdict: "warning", Exit: 1, Cause: "tls", CauseCode: "control.implicit_tls", ClientMode: "either", Software: "vsftpd",
			Stages: merge(tlsStages, map[string]string{"control": "control.implicit_tls"})},
		extra: checkTLS(tlsWant{Mode: "implicit", DataProtected: true, SessionReuse: "true", Verified: "true"}),
	},
	{
		// The old lab certificate: self-signed for ftp.test.zone, while
		// the client dials an address. The name is checked first.
		name: "vsftpd_self_signed_cert",
		setup: func(l *lab) checkRun {
			cert, key := l.selfSigned()
			l.vsftpd("ssl_enable=YES", "rsa_cert_file="+cert, "rsa_private_key_file="+key)
			return login(l.SrvAddr)
		},
		want: expectation{Verdict: "critical", Exit: 2, Cause: "tls", CauseCode: "tls.cert_name_mismatch", ClientMode: "unknown", Software: "vsftpd",
			Stages: map[string]string{"control": "control.ok", "tls": "tls.cert_name_mismatch", "login": "skipped", "passive": "skipped"}},
		extra: checkTLS(tlsWant{Mode: "explicit", Verified: "false", SelfSigned: true}),
	},
	{
		// --insecure goes on past the bad certificate, still reporting
		// it, as a warning.
		name: "vsftpd_self_signed_cert_insecure",
		setup: func(l *lab) checkRun {
			cert, key := l.selfSigned()
			l.vsftpd("ssl_enable=YES", "rsa_cert_file="+cert, "rsa_private_key_file="+key)
			r := login(l.SrvAddr)
			r.Extra = []string{"--insecure"}
			return r
		},
		want: expectation{Verdict: "warning", Exit: 1, Cause: "tls", CauseCode: "tls.cert_name_mismatch", ClientMode: "either", Software: "vsftpd",
			Stages: merge(tlsStages, map[string]string{"tls": "tls.cert_name_mismatch"})},
		extra: checkTLS(tlsWant{Mode: "explicit", DataProtected: true, SessionReuse: "true", Verified: "false", SelfSigned: true}),
	},
	{
		// A certificate that expires in 2 days: a warning, the check goes on.
		name: "vsftpd_cert_expiring",
		setup: func(l *lab) checkRun {
			is := l.IssueCert(l.SrvAddr, 2)
			l.vsftpdTLS(is)
			return loginTLS(l.SrvAddr, is)
		},
		want: expectation{Verdict: "warning", Exit: 1, Cause: "tls", CauseCode: "tls.cert_expiring", ClientMode: "either", Software: "vsftpd",
			Stages: merge(tlsStages, map[string]string{"tls": "tls.cert_expiring"})},
		extra: checkTLS(tlsWant{Mode: "explicit", DataProtected: true, Verified: "true"}),
	},
	{
		// --tls require (ftpes://) against a server without ssl_enable.
		name: "vsftpd_tls_require_not_offered",
		setup: func(l *lab) checkRun {
			l.vsftpd()
			r := login(l.SrvAddr)
			r.Extra = []string{"--tls", "require"}
			return r
		},
		want: expectation{Verdict: "critical", Exit: 2, Cause: "tls", CauseCode: "tls.not_offered", ClientMode: "unknown", Software: "vsftpd",
			Stages: map[string]string{"control": "control.ok", "tls": "tls.not_offered", "login": "skipped"}},
	},
}
