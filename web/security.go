package web

import (
	"bufio"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
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

// csrfCookie is the double-submit cookie: a random value; the form's
// hidden field carries its HMAC under the server's key, so a page on
// another site can neither read nor forge the pair.
const csrfCookie = "ftpdoctor_csrf"

// csrf makes and checks tokens.
type csrf struct{ key []byte }

func newCSRF() csrf {
	k := make([]byte, 32)
	_, _ = rand.Read(k)
	return csrf{key: k}
}

// token returns the form token for the client's cookie, setting a new
// cookie when the client has none.
func (c csrf) token(w http.ResponseWriter, r *http.Request) string {
	v := ""
	if ck, err := r.Cookie(csrfCookie); err == nil && len(ck.Value) >= 32 && len(ck.Value) <= 64 {
		v = ck.Value
	} else {
		b := make([]byte, 32)
		_, _ = rand.Read(b)
		v = base64.RawURLEncoding.EncodeToString(b)
		http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: v, Path: "/", HttpOnly: true,
			SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
	}
	return c.sign(v)
}

func (c csrf) sign(v string) string {
	m := hmac.New(sha256.New, c.key)
	m.Write([]byte(v))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// valid reports whether the posted token matches the client's cookie.
func (c csrf) valid(r *http.Request, posted string) bool {
	ck, err := r.Cookie(csrfCookie)
	if err != nil || ck.Value == "" || posted == "" {
		return false
	}
	return hmac.Equal([]byte(c.sign(ck.Value)), []byte(posted))
}

// limiter is a token bucket per client address: rate tokens a second up to
// burst. It forgets clients whose bucket is full again, so its size stays
// bounded by the clients of the last few seconds.
type limiter struct {
	mu      sync.Mutex
	rate    float64 // tokens per second
	burst   float64 // bucket size
	now     func() time.Time
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	tokens float64
	last   time.Time
}

// maxBuckets bounds the limiter's memory: past it, new clients are refused
// until old buckets refill and are swept.
const maxBuckets = 10000

func newLimiter(rate float64, burst int, now func() time.Time) *limiter {
	return &limiter{rate: rate, burst: float64(burst), now: now, buckets: map[string]*bucket{}}
}

// allow takes a token from the client's bucket.
func (l *limiter) allow(client string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if now.Sub(l.swept) > 10*time.Second {
		for k, b := range l.buckets {
			if b.tokens+now.Sub(b.last).Seconds()*l.rate >= l.burst {
				delete(l.buckets, k)
			}
		}
		l.swept = now
	}
	b, ok := l.buckets[client]
	if !ok {
		if len(l.buckets) >= maxBuckets {
			return false
		}
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[client] = b
	}
	b.tokens = min(l.burst, b.tokens+now.Sub(b.last).Seconds()*l.rate)
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// clientIP is the remote address without its port: the rate limit's key.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

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

// dummyHash is compared against when the user is unknown, so that a
// wrong name costs as long as a wrong password.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("ftpdoctor-no-such-user"), bcrypt.MinCost)

// check reports whether the request carries a known user and password.
func (u Users) check(r *http.Request) bool {
	name, pass, ok := r.BasicAuth()
	if !ok {
		return false
	}
	hash, known := u[name]
	if !known {
		hash = dummyHash
	}
	err := bcrypt.CompareHashAndPassword(hash, []byte(pass))
	return known && err == nil
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
