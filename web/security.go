package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// csrfCookie names the session cookie: a random ID and the server's HMAC
// of it, so only this server can have made it. The form's hidden field is
// an HMAC of the ID and of the signed-in user under the same key: a page on
// another site can neither read nor forge the pair, a cookie planted in the
// browser is refused, and a token works only for the user it was made for.
const csrfCookie = "ftpdoctor_csrf"

// csrf makes and checks session cookies and form tokens.
type csrf struct{ key []byte }

func newCSRF() csrf {
	k := make([]byte, 32)
	_, _ = rand.Read(k)
	return csrf{key: k}
}

// mac is the HMAC of the parts under the server's key, each part ended by
// a zero byte so that no two lists give the same input.
func (c csrf) mac(parts ...string) string {
	m := hmac.New(sha256.New, c.key)
	for _, p := range parts {
		m.Write([]byte(p))
		m.Write([]byte{0})
	}
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// session returns the session ID of the request's cookie, if this server
// signed it.
func (c csrf) session(r *http.Request) (string, bool) {
	ck, err := r.Cookie(csrfCookie)
	if err != nil || len(ck.Value) > 128 {
		return "", false
	}
	id, sig, ok := strings.Cut(ck.Value, ".")
	if !ok || len(id) < 32 || !hmac.Equal([]byte(sig), []byte(c.mac("session", id))) {
		return "", false
	}
	return id, true
}

// token returns the form token for the client's session and user,
// setting a new session cookie when the client has no valid one.
func (c csrf) token(w http.ResponseWriter, r *http.Request, user string) string {
	id, ok := c.session(r)
	if !ok {
		b := make([]byte, 32)
		_, _ = rand.Read(b)
		id = base64.RawURLEncoding.EncodeToString(b)
		http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: id + "." + c.mac("session", id), Path: "/", HttpOnly: true,
			SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
	}
	return c.mac("form", id, user)
}

// valid reports whether the posted token is the one of the client's
// session and user.
func (c csrf) valid(r *http.Request, posted, user string) bool {
	id, ok := c.session(r)
	if !ok || posted == "" {
		return false
	}
	return hmac.Equal([]byte(c.mac("form", id, user)), []byte(posted))
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

// ready reports whether the client's bucket holds a token, without taking
// it.
func (l *limiter) ready(client string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[client]
	if !ok {
		return len(l.buckets) < maxBuckets
	}
	return b.tokens+l.now().Sub(b.last).Seconds()*l.rate >= 1
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

// hostNames are the names the page answers as. A request whose Host
// header names anything else is refused (421) before anything else runs:
// a page on another site whose name was made to resolve to this address
// (DNS rebinding) cannot drive the form, nor read a report.
type hostNames map[string]bool // lower-case names and canonical IP addresses

// newHostNames is loopback (127.0.0.0/8, ::1) and localhost always, the
// listen address's host, the machine's own addresses when listening on
// every interface, and the extra names (--host).
func newHostNames(listen string, extra []string) hostNames {
	h := hostNames{"localhost": true}
	host, _, err := net.SplitHostPort(listen)
	if err != nil {
		host = ""
	}
	ip := net.ParseIP(host)
	switch {
	case host == "" && listen == "":
	case host == "" || ip != nil && ip.IsUnspecified():
		addrs, _ := net.InterfaceAddrs()
		for _, a := range addrs {
			if n, ok := a.(*net.IPNet); ok {
				h[n.IP.String()] = true
			}
		}
	default:
		h.add(host)
	}
	for _, e := range extra {
		h.add(e)
	}
	return h
}

func (h hostNames) add(name string) {
	if n, err := HostName(name); err == nil {
		h[n] = true
	}
}

// allows reports whether a Host header (host or host:port) names this
// server.
func (h hostNames) allows(header string) bool {
	host := header
	if hh, _, err := net.SplitHostPort(header); err == nil {
		host = hh
	}
	host = strings.TrimSuffix(strings.ToLower(strings.Trim(host, "[]")), ".")
	if ip := net.ParseIP(host); ip != nil {
		return ip.IsLoopback() || h[ip.String()]
	}
	return host != "" && h[host]
}

// HostName checks a name given with --host (a DNS name or an IP address,
// a port allowed and ignored) and returns it in the form Host headers are
// compared with.
func HostName(s string) (string, error) {
	host := s
	if hh, port, err := net.SplitHostPort(s); err == nil {
		if p, err := strconv.Atoi(port); err != nil || p < 1 || p > 65535 {
			return "", fmt.Errorf("%q is not a host name or IP address, with or without a port", s)
		}
		host = hh
	}
	host = strings.TrimSuffix(strings.ToLower(strings.Trim(host, "[]")), ".")
	if ip := net.ParseIP(host); ip != nil {
		return ip.String(), nil
	}
	if host == "" || len(host) > 253 || strings.IndexFunc(host, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '.' || r == '_')
	}) >= 0 {
		return "", fmt.Errorf("%q is not a host name or IP address", s)
	}
	return host, nil
}
