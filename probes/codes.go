package probes

// Stable result codes. A stage's Result.Code and an Attempt's Code take one
// of these values; the report package keys its cause table on them. Codes are
// part of the JSON contract: never rename one, only add.
const (
	CodeSkipped = "skipped" // the stage did not run (an earlier stage failed, or --mode excluded it)

	DNSOK              = "dns.ok"               // the name resolved
	DNSLiteral         = "dns.literal"          // the target is an IP literal: no lookup needed
	DNSNotFound        = "dns.not_found"        // NXDOMAIN or no A/AAAA records
	DNSResolverFailure = "dns.resolver_failure" // SERVFAIL or another resolver error
	DNSTimeout         = "dns.timeout"          // the resolver did not answer in time

	ControlOK              = "control.ok"               // connected and got a 220 greeting
	ControlAddressFailed   = "control.address_failed"   // the greeting came, but another address of the name has no working FTP port
	ControlDelayedGreeting = "control.delayed_greeting" // 120 (service ready in N minutes) before 220
	ControlRefused         = "control.refused"          // connection refused: nothing listens on that port
	ControlFiltered        = "control.filtered"         // connect timed out but the host answers on other ports
	ControlRejected        = "control.rejected"         // an ICMP unreachable for the port while the host answers on other ports: a firewall rejects it
	ControlTimeout         = "control.timeout"          // connect timed out and the host showed no other sign of life
	ControlUnreachable     = "control.unreachable"      // no route to the host / network unreachable
	ControlBlockedLocally  = "control.blocked_locally"  // the local system refused to send (EPERM/EACCES)
	ControlNoGreeting      = "control.no_greeting"      // connected, but no greeting arrived in time
	ControlClosed          = "control.closed"           // connected, but the server closed before greeting
	ControlUnavailable     = "control.unavailable"      // 421 greeting: service not available
	ControlSSH             = "control.ssh"              // an SSH banner: this is an SSH/SFTP server
	ControlHTTP            = "control.http"             // an HTTP server answered
	ControlImplicitTLS     = "control.implicit_tls"     // TLS bytes or silence typical of implicit FTPS
	ControlNotFTP          = "control.not_ftp"          // something answered that is not FTP
	ControlUnexpected      = "control.unexpected_reply" // an FTP reply code that is not a greeting

	LoginOK           = "login.ok"                // logged in with the given user
	LoginAnonymousOK  = "login.anonymous_ok"      // logged in anonymously
	LoginRejected     = "login.rejected"          // 530 (or 430) after PASS: wrong user or password
	LoginUserRejected = "login.user_rejected"     // 530 at USER: user not allowed
	LoginAnonRefused  = "login.anonymous_refused" // anonymous login refused
	LoginTLSRequired  = "login.tls_required"      // the server demands TLS (AUTH TLS) before login
	LoginUnavailable  = "login.unavailable"       // 421 during login
	LoginServerError  = "login.server_error"      // server-side configuration error (e.g. 500 OOPS)
	LoginTimeout      = "login.timeout"           // no reply to USER or PASS in time
	LoginUnexpected   = "login.unexpected_reply"  // a reply that fits none of the above
	LoginClosed       = "login.closed"            // the server closed the connection during login

	PassiveOK              = "passive.ok"                 // a listing arrived over a passive data connection
	PassivePrivateAddress  = "passive.private_address"    // 227 advertises a private address while the control peer differs
	PassiveUnroutable      = "passive.unroutable_address" // 227 advertises 0.0.0.0, loopback or similar while the peer differs
	PassiveAddressMismatch = "passive.address_mismatch"   // 227 advertises another public host than the control peer
	PassivePortOutOfRange  = "passive.port_out_of_range"  // advertised port outside --passive-range
	PassiveDataTimeout     = "passive.data_timeout"       // the data connection timed out (port dropped)
	PassiveDataRefused     = "passive.data_refused"       // the data connection was refused
	PassiveRefused         = "passive.refused"            // PASV and EPSV both refused by the server
	PassiveEPSVRefused     = "passive.epsv_refused"       // EPSV refused (attempt code; PASV may still work)
	PassivePASVRefused     = "passive.pasv_refused"       // PASV refused while EPSV works: old clients fail
	PassiveTransferFailed  = "passive.transfer_failed"    // 425/426 or a broken transfer after LIST
	PassiveListTimeout     = "passive.list_timeout"       // no reply to LIST in time
	PassiveTLSRequired     = "passive.tls_required"       // data connections must be encrypted
	PassiveListDenied      = "passive.list_denied"        // 550 or similar: the path cannot be listed
	PassiveBadReply        = "passive.bad_reply"          // a 227/229 reply that cannot be parsed

	ActiveOK             = "active.ok"              // the server connected back and a listing arrived
	ActiveCommandRefused = "active.command_refused" // PORT/EPRT refused (500/501: e.g. Illegal PORT command)
	ActiveDisabled       = "active.disabled"        // the server has active mode turned off
	ActiveNoConnect      = "active.no_connect"      // PORT accepted, but the server never connected back
	ActiveTransferFailed = "active.transfer_failed" // 425/426 or a broken transfer after LIST
	ActiveListTimeout    = "active.list_timeout"    // no reply to LIST in time
	ActiveListenFailed   = "active.listen_failed"   // this machine could not open a listening port
	ActiveTLSRequired    = "active.tls_required"    // data connections must be encrypted
	ActiveListDenied     = "active.list_denied"     // 550 or similar: the path cannot be listed
	ActiveEPRTRefused    = "active.eprt_refused"    // EPRT refused (attempt code; PORT may still work)

	FirewallOpen     = "firewall.open"     // every advertised passive port answers or refuses: the firewall lets them through
	FirewallFiltered = "firewall.filtered" // an advertised passive port is dropped (connect timed out)
	FirewallError    = "firewall.error"    // a port check failed for another reason (unreachable)
)
