package probes

// Reply codes the stages act on (RFC 959 section 4.2, RFC 2228, RFC 2428).
const (
	codeAlreadyOpen     = 125 // data connection already open; transfer starting
	codeReadySoon       = 120 // service ready in N minutes
	codeOpening         = 150 // about to open the data connection
	codeCommandOK       = 200 // the positive reply to PORT and EPRT
	codeReady           = 220 // service ready: the greeting
	codeTransferDone    = 226 // closing the data connection: transfer done
	codePassive         = 227 // entering passive mode (h1,h2,h3,h4,p1,p2)
	codeExtendedPassive = 229 // entering extended passive mode (|||port|)
	codeLoggedIn        = 230 // logged in
	codeLoggedInAuth    = 232 // RFC 2228: logged in, security data exchange done
	codeClosingData     = 250 // requested file action okay, completed
	codeNeedPassword    = 331 // user name okay, need password
	codeNeedAccount     = 332 // need an account for login
	codeUnavailable     = 421 // service not available, closing the control connection
	codeCantOpenData    = 425 // cannot open the data connection
	codeTransferLost    = 426 // connection closed, transfer aborted
	codeDenied430       = 430 // used by some servers for bad credentials
	codeNotLoggedIn     = 530 // not logged in
)
