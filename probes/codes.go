package probes

import "sort"

// Code is a stable result code. A stage's Result.Code and an Attempt's
// Code take one of the values below; the report keys its cause table on
// them. Codes are part of the JSON contract: never rename one, only add.
type Code string

// Family groups codes into the causes users know. The report names a
// cause by its family; see docs/causes/family-*.md.
type Family string

// The cause families.
const (
	FamilyDNS            Family = "dns"              // the name does not resolve
	FamilyCredentials    Family = "credentials"      // user or password refused
	FamilyTransferMode   Family = "transfer_mode"    // a data mode (passive or active) fails
	FamilyServerDown     Family = "server_down"      // nothing answers, or the service is unavailable
	FamilyPortOrFirewall Family = "port_or_firewall" // a port is closed, filtered or wrong
	FamilyTLS            Family = "tls"              // the server wants FTPS (explicit or implicit)
	FamilyServerConfig   Family = "server_config"    // the server is misconfigured or is not FTP
	FamilyLocal          Family = "local"            // this machine cannot do its part (open a listening socket)
)

// CodeInfo is what every part of ftpdoctor knows about a code. probes and
// report both read it, so "is this a problem, is it optional, does another
// code explain it" is decided in one place.
type CodeInfo struct {
	Stage     StageID // the stage that produces the code
	Family    Family  // the cause family of a problem code; empty for an ok code
	Problem   bool    // the code means something is wrong (fail or warn)
	Optional  bool    // alone no problem while the mode's other command was tried too: clients fall back (RFC 2428 section 1)
	CoveredBy Code    // a stage code that already explains this attempt code, if any
}

// Info returns the properties of c; ok is false for a code ftpdoctor does
// not know (the report then falls back to the raw evidence).
func (c Code) Info() (CodeInfo, bool) {
	i, ok := codeTable[c]
	return i, ok
}

// Codes lists every known code, sorted.
func Codes() []Code {
	out := make([]Code, 0, len(codeTable))
	for c := range codeTable {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// CodeSkipped is the code of a stage that did not run (an earlier stage
// failed, or --mode excluded it).
const CodeSkipped Code = "skipped"

// The codes of the dns stage.
const (
	DNSOK              Code = "dns.ok"               // the name resolved
	DNSLiteral         Code = "dns.literal"          // the target is an IP literal: no lookup needed
	DNSNotFound        Code = "dns.not_found"        // NXDOMAIN or no A/AAAA records
	DNSResolverFailure Code = "dns.resolver_failure" // SERVFAIL or another resolver error
	DNSTimeout         Code = "dns.timeout"          // the resolver did not answer in time
)

// The codes of the control stage.
const (
	ControlOK              Code = "control.ok"               // connected and got a 220 greeting
	ControlAddressFailed   Code = "control.address_failed"   // the greeting came, but another address of the name has no working FTP port
	ControlDelayedGreeting Code = "control.delayed_greeting" // 120 (service ready in N minutes) before 220
	ControlRefused         Code = "control.refused"          // connection refused: nothing listens on that port
	ControlFiltered        Code = "control.filtered"         // connect timed out but the host answers on other ports
	ControlRejected        Code = "control.rejected"         // an ICMP unreachable for the port while the host answers on other ports: a firewall rejects it
	ControlTimeout         Code = "control.timeout"          // connect timed out and the host showed no other sign of life
	ControlUnreachable     Code = "control.unreachable"      // no route to the host / network unreachable
	ControlBlockedLocally  Code = "control.blocked_locally"  // the local system refused to send (EPERM/EACCES)
	ControlNoGreeting      Code = "control.no_greeting"      // connected, but no greeting arrived in time
	ControlClosed          Code = "control.closed"           // connected, but the server closed before greeting
	ControlUnavailable     Code = "control.unavailable"      // 421 greeting: service not available
	ControlLoginsDisabled  Code = "control.logins_disabled"  // 530 greeting: the service refuses every login for now (/etc/nologin, a shutdown message)
	ControlSSH             Code = "control.ssh"              // an SSH banner: this is an SSH/SFTP server
	ControlHTTP            Code = "control.http"             // an HTTP server answered
	ControlImplicitTLS     Code = "control.implicit_tls"     // TLS bytes or silence typical of implicit FTPS
	ControlTLSFailed       Code = "control.tls_failed"       // --tls implicit (ftps://): the handshake on connect failed
	ControlNotFTP          Code = "control.not_ftp"          // something answered that is not FTP
	ControlUnexpected      Code = "control.unexpected_reply" // an FTP reply code that is not a greeting
)

// The codes of the tls stage.
const (
	TLSOK               Code = "tls.ok"                 // AUTH TLS (or implicit TLS) and a certificate that verifies
	TLSPlain            Code = "tls.plain"              // --tls auto: the server refused AUTH TLS, the check goes on in plain FTP as FileZilla does
	TLSNotOffered       Code = "tls.not_offered"        // --tls require: the server refused AUTH TLS
	TLSHandshakeFailed  Code = "tls.handshake_failed"   // the TLS handshake failed or did not finish in time
	TLSCertExpired      Code = "tls.cert_expired"       // the certificate has expired (or is not yet valid)
	TLSCertExpiring     Code = "tls.cert_expiring"      // the certificate expires within 30 days
	TLSCertNameMismatch Code = "tls.cert_name_mismatch" // the certificate is not valid for the name connected to
	TLSCertSelfSigned   Code = "tls.cert_self_signed"   // the certificate signed itself
	TLSCertUntrusted    Code = "tls.cert_untrusted"     // the chain does not lead to a trusted root (unknown CA or incomplete chain)
	TLSChainTooLarge    Code = "tls.chain_too_large"    // the certificate chain is larger than OpenSSL-based clients accept (100 KiB)
)

// TLSCertChanged is the tls code of a later connection of the run (an
// extra control connection, a data connection, a further account's) that
// presented another certificate than the first: it was refused before any
// command was sent on it.
const TLSCertChanged Code = "tls.certificate_changed"

// PassiveNATHelperSuspected is the passive code of a stage that failed
// under TLS with the mark of a NAT helper (the server advertises its own
// private address, its control port is forwarded, its data port is not):
// the helper is the likely cause, which only --compare-plain confirms
// (passive.nat_helper).
const PassiveNATHelperSuspected Code = "passive.nat_helper_suspected"

// The codes of the login stage.
const (
	LoginOK              Code = "login.ok"                // logged in with the given user
	LoginAnonymousOK     Code = "login.anonymous_ok"      // logged in anonymously
	LoginRejected        Code = "login.rejected"          // 530 (or 430) after PASS: wrong user or password
	LoginUserRejected    Code = "login.user_rejected"     // 530 at USER: user not allowed
	LoginAnonRefused     Code = "login.anonymous_refused" // anonymous login refused
	LoginTLSRequired     Code = "login.tls_required"      // the server demands TLS (AUTH TLS) before login
	LoginUnavailable     Code = "login.unavailable"       // 421 during login
	LoginServerError     Code = "login.server_error"      // server-side configuration error (e.g. 500 OOPS)
	LoginTimeout         Code = "login.timeout"           // no reply to USER or PASS in time, or to FEAT or SYST right after login
	LoginUnexpected      Code = "login.unexpected_reply"  // a reply that fits none of the above
	LoginClosed          Code = "login.closed"            // the server closed the connection during login
	LoginConnectionLimit Code = "login.connection_limit"  // logged in, but a second connection from this address was refused
	LoginAccountsRefused Code = "login.accounts_refused"  // many accounts: some log in and some do not, so the server and the network work
	LoginAccountsLimited Code = "login.accounts_limited"  // many accounts: sessions of several accounts at once were refused (421), each works alone
)

// The codes of the passive stage and its attempts.
const (
	PassiveOK              Code = "passive.ok"                 // a listing arrived over a passive data connection
	PassivePrivateAddress  Code = "passive.private_address"    // 227 advertises a private address while the control peer differs
	PassiveUnroutable      Code = "passive.unroutable_address" // 227 advertises 0.0.0.0, loopback or similar while the peer differs
	PassiveAddressMismatch Code = "passive.address_mismatch"   // 227 advertises another public host than the control peer
	PassivePortOutOfRange  Code = "passive.port_out_of_range"  // advertised port outside --passive-range
	PassiveDataTimeout     Code = "passive.data_timeout"       // the data connection timed out (port dropped)
	PassiveDataRefused     Code = "passive.data_refused"       // the data connection was refused
	PassiveRefused         Code = "passive.refused"            // PASV and EPSV both refused by the server
	PassivePortsBusy       Code = "passive.ports_busy"         // the server could not bind a passive port: its range is exhausted or taken by another process
	PassiveEPSVRefused     Code = "passive.epsv_refused"       // EPSV refused (attempt code; PASV may still work)
	PassivePASVRefused     Code = "passive.pasv_refused"       // PASV refused while EPSV works: old clients fail
	PassiveTransferFailed  Code = "passive.transfer_failed"    // 425/426 or a broken transfer after LIST
	PassiveListTimeout     Code = "passive.list_timeout"       // no reply to LIST in time
	PassiveControlClosed   Code = "passive.control_closed"     // the control connection closed during the passive attempt: the server's session ended, or a firewall reset it
	PassiveTLSRequired     Code = "passive.tls_required"       // data connections must be encrypted
	PassiveListDenied      Code = "passive.list_denied"        // 550 or similar: the path cannot be listed
	PassiveBadReply        Code = "passive.bad_reply"          // a 227/229 reply that cannot be parsed
	PassiveTLSReuse        Code = "passive.tls_reuse_required" // the server refused a protected data connection that did not resume the control connection's TLS session
	PassiveTLSFailed       Code = "passive.tls_failed"         // the TLS handshake on the data connection failed
	PassiveNATHelper       Code = "passive.nat_helper"         // passive fails under TLS but works in plain text: a NAT helper that cannot read TLS served the server
)

// The codes of the active stage and its attempts.
const (
	ActiveOK             Code = "active.ok"                 // the server connected back and a listing arrived
	ActiveCommandRefused Code = "active.command_refused"    // PORT/EPRT refused (500/501: e.g. Illegal PORT command)
	ActiveDisabled       Code = "active.disabled"           // the server has active mode turned off
	ActiveNoConnect      Code = "active.no_connect"         // PORT accepted, but the server never connected back
	ActiveTransferFailed Code = "active.transfer_failed"    // 425/426 or a broken transfer after LIST
	ActiveListTimeout    Code = "active.list_timeout"       // no reply to LIST in time
	ActiveControlClosed  Code = "active.control_closed"     // the control connection closed during the active attempt: the server's session ended, or a firewall reset it
	ActiveListenFailed   Code = "active.listen_failed"      // this machine could not open a listening port
	ActiveTLSRequired    Code = "active.tls_required"       // data connections must be encrypted
	ActiveListDenied     Code = "active.list_denied"        // 550 or similar: the path cannot be listed
	ActiveEPRTRefused    Code = "active.eprt_refused"       // EPRT refused (attempt code; PORT may still work)
	ActiveTLSReuse       Code = "active.tls_reuse_required" // the server refused a protected data connection that did not resume the control connection's TLS session
	ActiveTLSFailed      Code = "active.tls_failed"         // the TLS handshake on the data connection failed
)

// The codes of the firewall stage.
const (
	FirewallOpen     Code = "firewall.open"     // every advertised passive port answers or refuses: the firewall lets them through
	FirewallFiltered Code = "firewall.filtered" // an advertised passive port is dropped (connect timed out)
	FirewallError    Code = "firewall.error"    // a port check failed for another reason (unreachable)
)

// The codes of the transfer stage (--transfer) and its transfers.
const (
	TransferOK             Code = "transfer.ok"              // the file arrived (and with --write went up, came back equal and was deleted)
	TransferDownloadFailed Code = "transfer.download_failed" // RETR was refused or the download broke off with an error reply
	TransferWriteDenied    Code = "transfer.write_denied"    // STOR refused with "permission denied": this user may not write here
	TransferWriteRefused   Code = "transfer.write_refused"   // STOR refused otherwise (553 Could not create file, uploads disabled)
	TransferQuotaExceeded  Code = "transfer.quota_exceeded"  // 552: the user's quota or the file size limit is exceeded
	TransferDiskFull       Code = "transfer.disk_full"       // 452: the server has no space left
	TransferNotStored      Code = "transfer.not_stored"      // STOR was accepted but the file cannot be read back
	TransferMismatch       Code = "transfer.mismatch"        // the file read back differs in size or SHA-256 from what was sent
	TransferStalled        Code = "transfer.stalled"         // small transfers work, a large one stops arriving: path-MTU black hole
	TransferControlLost    Code = "transfer.control_lost"    // the data arrived but the control connection died meanwhile (idle timeout of a NAT or firewall)
	TransferLeftBehind     Code = "transfer.left_behind"     // the uploaded test file could not be deleted
)

// ok and problem build the table's rows.
func ok(stage StageID) CodeInfo { return CodeInfo{Stage: stage} }
func problem(stage StageID, f Family) CodeInfo {
	return CodeInfo{Stage: stage, Family: f, Problem: true}
}
func optional(stage StageID, f Family) CodeInfo { i := problem(stage, f); i.Optional = true; return i }
func covered(i CodeInfo, by Code) CodeInfo      { i.CoveredBy = by; return i }

// codeTable is the one table of code properties.
var codeTable = map[Code]CodeInfo{
	CodeSkipped: {},

	DNSOK:              ok(StageDNS),
	DNSLiteral:         ok(StageDNS),
	DNSNotFound:        problem(StageDNS, FamilyDNS),
	DNSResolverFailure: problem(StageDNS, FamilyDNS),
	DNSTimeout:         problem(StageDNS, FamilyDNS),

	ControlOK:              ok(StageControl),
	ControlAddressFailed:   problem(StageControl, FamilyServerDown),
	ControlDelayedGreeting: problem(StageControl, FamilyServerDown),
	ControlRefused:         problem(StageControl, FamilyServerDown),
	ControlFiltered:        problem(StageControl, FamilyPortOrFirewall),
	ControlRejected:        problem(StageControl, FamilyPortOrFirewall),
	ControlTimeout:         problem(StageControl, FamilyServerDown),
	ControlUnreachable:     problem(StageControl, FamilyServerDown),
	ControlBlockedLocally:  problem(StageControl, FamilyPortOrFirewall),
	ControlNoGreeting:      problem(StageControl, FamilyServerConfig),
	ControlClosed:          problem(StageControl, FamilyServerConfig),
	ControlUnavailable:     problem(StageControl, FamilyServerDown),
	ControlSSH:             problem(StageControl, FamilyPortOrFirewall),
	ControlHTTP:            problem(StageControl, FamilyPortOrFirewall),
	ControlImplicitTLS:     problem(StageControl, FamilyTLS),
	ControlTLSFailed:       problem(StageControl, FamilyTLS),
	ControlNotFTP:          problem(StageControl, FamilyPortOrFirewall),
	ControlUnexpected:      problem(StageControl, FamilyServerConfig),
	ControlLoginsDisabled:  problem(StageControl, FamilyServerDown),

	TLSOK:               ok(StageTLS),
	TLSPlain:            ok(StageTLS),
	TLSNotOffered:       problem(StageTLS, FamilyTLS),
	TLSHandshakeFailed:  problem(StageTLS, FamilyTLS),
	TLSCertExpired:      problem(StageTLS, FamilyTLS),
	TLSCertExpiring:     problem(StageTLS, FamilyTLS),
	TLSCertNameMismatch: problem(StageTLS, FamilyTLS),
	TLSCertSelfSigned:   problem(StageTLS, FamilyTLS),
	TLSCertUntrusted:    problem(StageTLS, FamilyTLS),
	TLSChainTooLarge:    problem(StageTLS, FamilyTLS),
	TLSCertChanged:      problem(StageTLS, FamilyTLS),

	LoginOK:              ok(StageLogin),
	LoginAnonymousOK:     ok(StageLogin),
	LoginRejected:        problem(StageLogin, FamilyCredentials),
	LoginUserRejected:    problem(StageLogin, FamilyCredentials),
	LoginAnonRefused:     problem(StageLogin, FamilyCredentials),
	LoginTLSRequired:     problem(StageLogin, FamilyTLS),
	LoginUnavailable:     problem(StageLogin, FamilyServerDown),
	LoginServerError:     problem(StageLogin, FamilyServerConfig),
	LoginTimeout:         problem(StageLogin, FamilyServerConfig),
	LoginUnexpected:      problem(StageLogin, FamilyServerConfig),
	LoginClosed:          problem(StageLogin, FamilyServerConfig),
	LoginConnectionLimit: problem(StageLogin, FamilyServerConfig),
	LoginAccountsRefused: problem(StageLogin, FamilyCredentials),
	LoginAccountsLimited: problem(StageLogin, FamilyServerConfig),

	PassiveOK:              ok(StagePassive),
	PassivePrivateAddress:  covered(problem(StagePassive, FamilyTransferMode), PassiveNATHelper),
	PassiveUnroutable:      covered(problem(StagePassive, FamilyTransferMode), PassiveNATHelper),
	PassiveAddressMismatch: problem(StagePassive, FamilyTransferMode),
	PassivePortOutOfRange:  problem(StagePassive, FamilyPortOrFirewall),
	PassiveDataTimeout:     covered(problem(StagePassive, FamilyPortOrFirewall), PassiveNATHelper),
	PassiveDataRefused:     covered(problem(StagePassive, FamilyPortOrFirewall), PassiveNATHelper),
	PassiveRefused:         problem(StagePassive, FamilyTransferMode),
	PassivePortsBusy:       problem(StagePassive, FamilyServerConfig),
	PassiveEPSVRefused:     optional(StagePassive, FamilyTransferMode),
	PassivePASVRefused:     covered(problem(StagePassive, FamilyTransferMode), PassiveRefused),
	PassiveTransferFailed:  problem(StagePassive, FamilyTransferMode),
	PassiveListTimeout:     problem(StagePassive, FamilyTransferMode),
	PassiveControlClosed:   problem(StagePassive, FamilyServerConfig),
	PassiveTLSRequired:     problem(StagePassive, FamilyTLS),
	PassiveListDenied:      problem(StagePassive, FamilyServerConfig),
	PassiveBadReply:        problem(StagePassive, FamilyServerConfig),
	PassiveTLSReuse:        problem(StagePassive, FamilyTLS),
	PassiveTLSFailed:       problem(StagePassive, FamilyTLS),
	PassiveNATHelper:       problem(StagePassive, FamilyPortOrFirewall),

	PassiveNATHelperSuspected: problem(StagePassive, FamilyPortOrFirewall),

	ActiveOK:             ok(StageActive),
	ActiveCommandRefused: problem(StageActive, FamilyTransferMode),
	ActiveDisabled:       problem(StageActive, FamilyTransferMode),
	ActiveNoConnect:      problem(StageActive, FamilyPortOrFirewall),
	ActiveTransferFailed: problem(StageActive, FamilyTransferMode),
	ActiveListTimeout:    problem(StageActive, FamilyTransferMode),
	ActiveControlClosed:  problem(StageActive, FamilyServerConfig),
	ActiveListenFailed:   problem(StageActive, FamilyLocal),
	ActiveTLSRequired:    problem(StageActive, FamilyTLS),
	ActiveListDenied:     problem(StageActive, FamilyServerConfig),
	ActiveEPRTRefused:    optional(StageActive, FamilyTransferMode),
	ActiveTLSReuse:       problem(StageActive, FamilyTLS),
	ActiveTLSFailed:      problem(StageActive, FamilyTLS),

	FirewallOpen:     ok(StageFirewall),
	FirewallFiltered: problem(StageFirewall, FamilyPortOrFirewall),
	FirewallError:    problem(StageFirewall, FamilyPortOrFirewall),

	TransferOK:             ok(StageTransfer),
	TransferDownloadFailed: problem(StageTransfer, FamilyServerConfig),
	TransferWriteDenied:    problem(StageTransfer, FamilyCredentials),
	TransferWriteRefused:   problem(StageTransfer, FamilyServerConfig),
	TransferQuotaExceeded:  problem(StageTransfer, FamilyServerConfig),
	TransferDiskFull:       problem(StageTransfer, FamilyServerConfig),
	TransferNotStored:      problem(StageTransfer, FamilyServerConfig),
	TransferMismatch:       problem(StageTransfer, FamilyTransferMode),
	TransferStalled:        problem(StageTransfer, FamilyPortOrFirewall),
	TransferControlLost:    problem(StageTransfer, FamilyPortOrFirewall),
	TransferLeftBehind:     problem(StageTransfer, FamilyServerConfig),
}

// hypotheses maps a code that suspects a cause to the code that confirms
// it: the suspicion explains the same attempts.
var hypotheses = map[Code]Code{PassiveNATHelperSuspected: PassiveNATHelper}

// Covers reports whether a stage's code already explains one of its
// attempts' codes: the attempt code's CoveredBy, or a hypothesis of it.
func Covers(stage, attempt Code) bool {
	info, _ := attempt.Info()
	return info.CoveredBy != "" && (info.CoveredBy == stage || hypotheses[stage] == info.CoveredBy)
}
