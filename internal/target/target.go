// Package target reads what a user names as an FTP server: TARGET in the
// forms curl and lftp accept, and port ranges. check, range, batch and the
// exporter (serve) all parse through it.
package target

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/ftpdoctor/ftpdoctor/probes"
)

// defaultFTPPort is the control port when TARGET names none (RFC 959).
const defaultFTPPort = 21

// SchemeTLS is the TLS mode a URL scheme asks for, as curl and lftp read
// it: ftps:// is implicit TLS, ftpes:// explicit TLS, required.
var SchemeTLS = map[string]probes.TLSMode{"ftps": probes.TLSImplicit, "ftpes": probes.TLSRequire}

// defaultFTPSPort is the implicit-FTPS port (ftps://).
const defaultFTPSPort = 990

// Parse reads TARGET in any of the forms curl and lftp accept:
// host, host:port, user@host[:port], user:password@host[:port] (as curl
// reads it: the user name ends at the first ':' and the password at the
// last '@'; both as written, without %-decoding), [v6addr]:port, a bare
// IPv6 address, or ftp://[user[:password]@]host[:port][/path]. The
// password, if the target holds one, is returned apart from the Target,
// and no error text repeats it.
func Parse(arg string) (probes.Target, probes.Secret, error) {
	t, pass, err := parse(arg)
	if err != nil {
		return t, "", maskError(err, arg)
	}
	return t, pass, nil
}

// errControl is the error of a target with spaces or control characters.
var errControl = errors.New("target contains spaces or control characters")

// parse is Parse before its error is masked.
func parse(arg string) (probes.Target, probes.Secret, error) {
	t := probes.Target{Port: defaultFTPPort}
	arg = strings.TrimSpace(arg)
	if arg == "" {
		return t, "", errors.New("empty target: give a host name, host:port or ftp:// URL")
	}
	if strings.IndexFunc(arg, func(r rune) bool { return r < 0x20 || r == 0x7f || r == ' ' }) >= 0 {
		return t, "", errControl
	}
	if i := strings.Index(arg, "://"); i >= 0 && validScheme(arg[:i]) {
		return parseURL(arg, strings.ToLower(arg[:i]))
	}
	if ip := net.ParseIP(arg); ip != nil {
		t.Host = ip.String()
		return t, "", nil
	}
	var pass probes.Secret
	if at := strings.LastIndex(arg, "@"); at >= 0 {
		user, password, _ := strings.Cut(arg[:at], ":")
		t.User, pass, arg = user, probes.Secret(password), arg[at+1:]
		if t.User == "" {
			return t, "", errors.New("empty user name before @")
		}
	}
	host, port, err := splitHostPort(arg)
	if err != nil {
		return t, "", err
	}
	t.Host, t.Port = host, port
	return t, pass, nil
}

// maskError replaces the password of arg, as written and %-decoded, in an
// error's text: a parser's error (net/url's above all) may quote the part
// of the target it stumbled on.
func maskError(err error, arg string) error {
	raw := rawPassword(strings.TrimSpace(arg))
	if raw == "" {
		return err
	}
	text := strings.ReplaceAll(err.Error(), raw, "****")
	if dec, derr := url.PathUnescape(raw); derr == nil && dec != "" {
		text = strings.ReplaceAll(text, dec, "****")
	}
	return errors.New(text)
}

// rawPassword is the password part of a target as written: from the first
// ':' of the user information to its last '@'; empty when there is none.
func rawPassword(arg string) string {
	rest := arg
	if i := strings.Index(arg, "://"); i >= 0 && validScheme(arg[:i]) {
		rest = arg[i+3:]
	}
	at := strings.LastIndex(rest, "@")
	if at < 0 {
		return ""
	}
	_, pass, _ := strings.Cut(rest[:at], ":")
	return pass
}

func parseURL(arg, scheme string) (probes.Target, probes.Secret, error) {
	t := probes.Target{Port: defaultFTPPort}
	switch scheme {
	case "ftp":
	case "sftp", "ssh", "scp":
		return t, "", fmt.Errorf("%s:// is SSH file transfer, not FTP: ftpdoctor checks FTP servers", scheme)
	case "ftps":
		t.Port = defaultFTPSPort // implicit TLS, as curl and lftp read ftps://
	case "ftpes":
	default:
		if !validScheme(scheme) { // not a scheme (RFC 3986 3.1): it may hold credentials, so it is not echoed
			return t, "", fmt.Errorf("what stands before :// is not a URL scheme: use ftp://, ftpes:// (explicit TLS) or ftps:// (implicit TLS)")
		}
		return t, "", fmt.Errorf("unsupported scheme %q: use ftp://, ftpes:// (explicit TLS) or ftps:// (implicit TLS)", scheme)
	}
	t.Scheme = scheme
	u, err := url.Parse(arg)
	if err != nil {
		return t, "", malformed(arg)
	}
	var pass probes.Secret
	if u.User != nil {
		t.User = u.User.Username()
		p, _ := u.User.Password()
		pass = probes.Secret(p)
	}
	host, port, err := splitHostPort(u.Host)
	if err != nil {
		return t, "", err
	}
	t.Host = host
	if port != defaultFTPPort || u.Port() != "" {
		t.Port = port
	}
	t.Path = strings.TrimPrefix(u.Path, "/")
	if u.RawQuery != "" || u.Fragment != "" {
		return t, "", errors.New("ftp:// URL with a query or fragment: remove the part after ? or #")
	}
	return t, pass, nil
}

// errUserinfo is the error of a URL that net/url refuses only for its user
// information.
var errUserinfo = errors.New("malformed URL: the user information holds an invalid %-escape or character (write % as %25, @ as %40)")

// malformed explains why net/url refused a URL without quoting its user
// information: the reason is taken from the URL with its password masked,
// and when only the password was at fault, no part of it is quoted.
func malformed(arg string) error {
	_, err := url.Parse(Mask(arg))
	if err == nil {
		return errUserinfo
	}
	// url.Error quotes the whole URL: keep only why.
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return fmt.Errorf("malformed URL: %s", err)
}

// splitHostPort accepts host, host:port, [v6] and [v6]:port.
func splitHostPort(s string) (string, int, error) {
	if s == "" {
		return "", 0, errors.New("missing host")
	}
	host, portText := s, ""
	switch {
	case strings.HasPrefix(s, "["):
		end := strings.Index(s, "]")
		if end < 0 {
			return "", 0, fmt.Errorf("missing ] in %q", s)
		}
		host, portText = s[1:end], s[end+1:]
		if net.ParseIP(host) == nil {
			return "", 0, fmt.Errorf("%q in brackets is not an IPv6 address", host)
		}
		if portText != "" && !strings.HasPrefix(portText, ":") {
			return "", 0, fmt.Errorf("unexpected %q after ]", portText)
		}
		portText = strings.TrimPrefix(portText, ":")
		if portText == "" && strings.HasSuffix(s, ":") {
			return "", 0, errors.New("empty port after ':'")
		}
	case strings.Count(s, ":") == 1:
		i := strings.Index(s, ":")
		host, portText = s[:i], s[i+1:]
		if portText == "" {
			return "", 0, errors.New("empty port after ':'")
		}
	case strings.Count(s, ":") > 1:
		return "", 0, fmt.Errorf("%q: write an IPv6 address with a port as [addr]:port", s)
	}
	if err := checkHostName(host); err != nil {
		return "", 0, err
	}
	port := defaultFTPPort
	if portText != "" {
		p, err := strconv.Atoi(portText)
		if err != nil || p < 1 || p > 65535 {
			return "", 0, fmt.Errorf("invalid port %q: want a number from 1 to 65535", portText)
		}
		port = p
	}
	return host, port, nil
}

// checkHostName accepts IP literals and names made of DNS label characters.
func checkHostName(host string) error {
	if host == "" {
		return errors.New("missing host")
	}
	if net.ParseIP(host) != nil {
		return nil
	}
	if len(host) > 253 {
		return errors.New("host name longer than 253 characters")
	}
	for _, label := range strings.Split(strings.TrimSuffix(host, "."), ".") {
		if label == "" || len(label) > 63 {
			return fmt.Errorf("invalid host name %q", host)
		}
		for _, r := range label {
			if !(r == '-' || r == '_' || (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')) {
				return fmt.Errorf("invalid character %q in host name %q", r, host)
			}
		}
	}
	return nil
}

// PortRange reads LOW-HIGH.
func PortRange(s string) (probes.PortRange, error) {
	lo, hi, ok := strings.Cut(s, "-")
	if !ok {
		return probes.PortRange{}, fmt.Errorf("%q: want LOW-HIGH, e.g. 50000-51000", s)
	}
	l, err1 := strconv.Atoi(strings.TrimSpace(lo))
	h, err2 := strconv.Atoi(strings.TrimSpace(hi))
	if err1 != nil || err2 != nil || l < 1 || h > 65535 || l > h {
		return probes.PortRange{}, fmt.Errorf("%q: want LOW-HIGH with 1 <= LOW <= HIGH <= 65535", s)
	}
	return probes.PortRange{Low: l, High: h}, nil
}

// Mask returns a TARGET text fit to print: the password of
// ftp://user:password@host or user:password@host is replaced by "****",
// so that an error about a target never repeats it. Text without a
// password comes back unchanged; a malformed one is masked up to its last
// '@'.
func Mask(arg string) string {
	prefix, rest := "", arg
	if i := strings.Index(arg, "://"); i >= 0 && validScheme(arg[:i]) {
		prefix, rest = arg[:i+3], arg[i+3:]
	}
	at := strings.LastIndex(rest, "@")
	if at < 0 {
		return arg
	}
	colon := strings.Index(rest[:at], ":")
	if colon < 0 {
		return arg
	}
	return prefix + rest[:colon+1] + "****" + rest[at:]
}

// validScheme reports whether s is a URL scheme as RFC 3986 section 3.1
// writes one: a letter, then letters, digits, "+", "-" or ".".
func validScheme(s string) bool {
	for i, r := range s {
		letter := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
		if !letter && (i == 0 || !(r >= '0' && r <= '9' || r == '+' || r == '-' || r == '.')) {
			return false
		}
	}
	return s != ""
}
