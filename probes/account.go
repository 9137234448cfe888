package probes

import "time"

// anonymousPassword is what curl and lftp send for anonymous logins.
const anonymousPassword = "ftpdoctor@"

// minPassWait is the least time to wait for the reply to PASS: servers
// delay failed logins on purpose (Pure-FTPd 3 to 5 s, PAM's pam_faildelay
// about 2 s), and a shorter wait would report a timeout, not the 530.
const minPassWait = 8 * time.Second

// loginName is the name sent in USER.
func (s *Session) loginName() string { return s.Account.User }

// loginPassword is the password sent in PASS: the conventional one for an
// anonymous login.
func (s *Session) loginPassword() string {
	if s.Account.Anonymous {
		return anonymousPassword
	}
	return s.Account.Password.Reveal()
}

// passWait is how long to wait for the reply to PASS.
func (s *Session) passWait() time.Duration { return max(s.Timeout, minPassWait) }
