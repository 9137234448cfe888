package web

import (
	"bufio"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// Users are the accounts allowed in by basic auth: user name to bcrypt
// hash.
type Users map[string][]byte

// LoadUsers reads a password file of "user:bcrypt-hash" lines, the format
// of `htpasswd -B` (Apache's bcrypt, $2y$, which Go's bcrypt reads) and of
// `ftpdoctor web --hash-password`. Blank lines and lines starting with #
// are skipped; any other hash is an error, so a file of MD5 or SHA hashes
// is refused rather than silently letting nobody in.
func LoadUsers(path string) (Users, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	u := Users{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, hash, ok := strings.Cut(line, ":")
		if !ok || name == "" {
			return nil, fmt.Errorf("%s:%d: want user:bcrypt-hash", path, n)
		}
		if _, err := bcrypt.Cost([]byte(hash)); err != nil {
			return nil, fmt.Errorf("%s:%d: the hash of %q is not bcrypt (make one with 'htpasswd -nB USER' or 'ftpdoctor web --hash-password')", path, n, name)
		}
		u[name] = []byte(hash)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(u) == 0 {
		return nil, fmt.Errorf("%s: no user", path)
	}
	return u, nil
}

// HashPassword is the bcrypt hash of a password, for a users file.
func HashPassword(password string) (string, error) {
	if password == "" {
		return "", errors.New("empty password")
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	return string(h), err
}

// cost is the highest bcrypt cost of the file's hashes: the dummy hash's.
func (u Users) cost() int {
	c := bcrypt.MinCost
	for _, h := range u {
		if hc, err := bcrypt.Cost(h); err == nil {
			c = max(c, hc)
		}
	}
	return c
}

// authResult is what basic auth decided for a request.
type authResult int

const (
	authOK      authResult = iota // a known user with the right password
	authMissing                   // no credentials: 401 with a challenge
	authWrong                     // unknown user or wrong password: 401
	authLimited                   // the client's bcrypt budget is spent: 429, whatever the password
)

// verifiedTTL is how long credentials that passed bcrypt are taken
// without running it again: the form, its stylesheet, script, events and
// report are one bcrypt, not five.
const verifiedTTL = 10 * time.Minute

// maxVerified bounds the cache of verified credentials.
const maxVerified = 1024

// auth checks basic-auth credentials. The client's rate limit is taken
// before any bcrypt work, so a flood of guesses cannot hold the CPU, and
// once it is spent even the right password waits. An unknown user is
// compared against a dummy hash of the file's own cost, so that a name
// cannot be told from its answer time.
type auth struct {
	users    Users
	dummy    []byte                            // compared for an unknown user; cost of the file's hashes
	limiter  *limiter                          // bcrypt attempts per client address
	compare  func(hash, password []byte) error // bcrypt.CompareHashAndPassword; counted by tests
	key      []byte                            // HMAC key of the verified cache
	now      func() time.Time                  // the clock
	mu       sync.Mutex                        // guards verified
	verified map[[32]byte]time.Time            // HMAC of user and password that passed bcrypt, until when
}

func newAuth(users Users, l *limiter, now func() time.Time) *auth {
	a := &auth{users: users, limiter: l, compare: bcrypt.CompareHashAndPassword, now: now,
		key: make([]byte, 32), verified: map[[32]byte]time.Time{}}
	_, _ = rand.Read(a.key)
	secret := make([]byte, 16)
	_, _ = rand.Read(secret)
	h, err := bcrypt.GenerateFromPassword(secret, users.cost())
	if err != nil { // cannot happen: the cost was read from valid hashes
		panic(err)
	}
	a.dummy = h
	return a
}

// check decides the request's basic auth and returns the user's name.
func (a *auth) check(r *http.Request) (string, authResult) {
	name, pass, ok := r.BasicAuth()
	if !ok {
		return "", authMissing
	}
	client := clientIP(r)
	if !a.limiter.ready(client) {
		return "", authLimited
	}
	m := hmac.New(sha256.New, a.key)
	m.Write([]byte(name))
	m.Write([]byte{0})
	m.Write([]byte(pass))
	var sum [32]byte
	copy(sum[:], m.Sum(nil))
	now := a.now()
	a.mu.Lock()
	until, hit := a.verified[sum]
	a.mu.Unlock()
	if hit && now.Before(until) {
		return name, authOK
	}
	if !a.limiter.allow(client) {
		return "", authLimited
	}
	hash, known := a.users[name]
	if !known {
		hash = a.dummy
	}
	if err := a.compare(hash, []byte(pass)); err != nil || !known {
		return "", authWrong
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.verified) >= maxVerified {
		for k, t := range a.verified {
			if !now.Before(t) {
				delete(a.verified, k)
			}
		}
		if len(a.verified) >= maxVerified {
			clear(a.verified)
		}
	}
	a.verified[sum] = now.Add(verifiedTTL)
	return name, authOK
}

// NeedsAuth reports whether listening on addr (host:port) requires basic
// auth: everything but a loopback IP or "localhost". An empty host or
// 0.0.0.0 listens on every interface.
func NeedsAuth(addr string) (bool, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return true, fmt.Errorf("listen address %q: %s", addr, err)
	}
	if host == "localhost" {
		return false, nil
	}
	ip := net.ParseIP(host)
	return ip == nil || !ip.IsLoopback(), nil
}
