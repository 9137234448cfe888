package probes

// Reply codes ftpdoctor acts on (RFC 959 section 4.2, RFC 2228, RFC 2389,
// RFC 2428, RFC 3659, RFC 4217). Every reading of a code, in probes and in
// its callers, goes through these names.
const (
	ReplyReadySoon           = 120 // service ready in N minutes
	ReplyAlreadyOpen         = 125 // data connection already open; transfer starting
	ReplyOpening             = 150 // about to open the data connection
	ReplyCommandOK           = 200 // the positive reply to PORT and EPRT
	ReplyFeatures            = 211 // the reply to FEAT, listing the features (RFC 2389)
	ReplyFileStatus          = 213 // the reply to SIZE and MDTM (RFC 3659)
	ReplySystemType          = 215 // the reply to SYST: the system's name
	ReplyReady               = 220 // service ready: the greeting
	ReplyTransferDone        = 226 // closing the data connection: transfer done
	ReplyPassive             = 227 // entering passive mode (h1,h2,h3,h4,p1,p2)
	ReplyExtendedPassive     = 229 // entering extended passive mode (|||port|) (RFC 2428)
	ReplyLoggedIn            = 230 // logged in
	ReplyLoggedInAuth        = 232 // logged in, security data exchange done (RFC 2228)
	ReplyAuthOK              = 234 // the positive reply to AUTH TLS (RFC 4217 section 4)
	ReplyFileActionOK        = 250 // requested file action okay, completed
	ReplyNeedPassword        = 331 // user name okay, need password
	ReplyNeedAccount         = 332 // need an account for login
	ReplyUnavailable         = 421 // service not available, closing the control connection
	ReplyCantOpenData        = 425 // cannot open the data connection
	ReplyTransferAborted     = 426 // connection closed, transfer aborted
	ReplyInvalidLogin        = 430 // not in RFC 959: some servers' reply to bad credentials
	ReplyInsufficientStorage = 452 // insufficient storage space in the system (disk full)
	ReplySyntaxError         = 500 // syntax error, command unrecognized (vsftpd's "500 OOPS" too)
	ReplyNotImplemented      = 502 // command not implemented
	ReplyProtocolUnsupported = 522 // network protocol not supported (RFC 2428 section 2)
	ReplyNotLoggedIn         = 530 // not logged in
	ReplyFileUnavailable     = 550 // file unavailable: not found, no access
	ReplyExceededStorage     = 552 // exceeded storage allocation (quota, file size limit)
)

// ReplyClass is a reply code's first digit, which says how the command
// went (RFC 959 section 4.2.1).
type ReplyClass int

// The reply classes.
const (
	ReplyPreliminary  ReplyClass = 1 // 1yz: positive preliminary; another reply follows
	ReplyCompletion   ReplyClass = 2 // 2yz: positive completion
	ReplyIntermediate ReplyClass = 3 // 3yz: positive intermediate; the server waits for more
	ReplyTransient    ReplyClass = 4 // 4yz: transient negative completion
	ReplyPermanent    ReplyClass = 5 // 5yz: permanent negative completion
)

// ClassOf is the class of a reply code; 0 when no reply came.
func ClassOf(code int) ReplyClass { return ReplyClass(code / 100) }
