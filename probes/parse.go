package probes

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
)

// ErrBadPassiveReply is returned when a 227 or 229 reply cannot be parsed.
var ErrBadPassiveReply = errors.New("cannot parse passive reply")

// ParsePASV reads the address and port from the text of a 227 reply:
// "Entering Passive Mode (h1,h2,h3,h4,p1,p2)" (RFC 959 section 4.1.2).
// Servers differ in the words and brackets around the six numbers, so the
// first run of six comma-separated numbers is taken.
func ParsePASV(text string) (net.IP, int, error) {
	start := strings.IndexAny(text, "0123456789")
	for start >= 0 && start < len(text) {
		end := start
		for end < len(text) && (text[end] == ',' || text[end] == ' ' || (text[end] >= '0' && text[end] <= '9')) {
			end++
		}
		fields := strings.Split(strings.ReplaceAll(text[start:end], " ", ""), ",")
		if len(fields) >= 6 {
			var n [6]int
			ok := true
			for i := 0; i < 6; i++ {
				v, err := strconv.Atoi(fields[i])
				if err != nil || v < 0 || v > 255 {
					ok = false
					break
				}
				n[i] = v
			}
			if ok {
				return net.IPv4(byte(n[0]), byte(n[1]), byte(n[2]), byte(n[3])).To4(), n[4]<<8 | n[5], nil
			}
		}
		next := strings.IndexAny(text[end:], "0123456789")
		if next < 0 || end == start {
			break
		}
		start = end + next
	}
	return nil, 0, fmt.Errorf("%w: %q", ErrBadPassiveReply, text)
}

// ParseEPSV reads the port from the text of a 229 reply:
// "Entering Extended Passive Mode (|||port|)" (RFC 2428 section 3). The
// delimiter is the character after "(", normally "|".
func ParseEPSV(text string) (int, error) {
	open := strings.IndexByte(text, '(')
	if open < 0 || open+5 > len(text) {
		return 0, fmt.Errorf("%w: %q", ErrBadPassiveReply, text)
	}
	d := text[open+1]
	rest := text[open+1:]
	if len(rest) < 5 || rest[1] != d || rest[2] != d {
		return 0, fmt.Errorf("%w: %q", ErrBadPassiveReply, text)
	}
	end := strings.IndexByte(rest[3:], d)
	if end < 0 {
		return 0, fmt.Errorf("%w: %q", ErrBadPassiveReply, text)
	}
	port, err := strconv.Atoi(rest[3 : 3+end])
	if err != nil || port < 1 || port > 65535 {
		return 0, fmt.Errorf("%w: %q", ErrBadPassiveReply, text)
	}
	return port, nil
}

// FormatPORT builds the argument of PORT for an IPv4 address (RFC 959).
func FormatPORT(ip net.IP, port int) (string, error) {
	v4 := ip.To4()
	if v4 == nil {
		return "", fmt.Errorf("PORT needs an IPv4 address, have %s", ip)
	}
	return fmt.Sprintf("%d,%d,%d,%d,%d,%d", v4[0], v4[1], v4[2], v4[3], port>>8, port&0xff), nil
}

// FormatEPRT builds the argument of EPRT (RFC 2428 section 2).
func FormatEPRT(ip net.IP, port int) string {
	proto := 2
	if ip.To4() != nil {
		proto = 1
		ip = ip.To4()
	}
	return fmt.Sprintf("|%d|%s|%d|", proto, ip.String(), port)
}

// AddrKind describes an advertised IP address relative to the public
// Internet: what a client outside the server's network can do with it.
type AddrKind string

// Address kinds.
const (
	AddrPublic      AddrKind = "public"      // globally routable
	AddrPrivate     AddrKind = "private"     // RFC 1918, RFC 6598 shared, or IPv6 ULA
	AddrLoopback    AddrKind = "loopback"    // 127.0.0.0/8, ::1
	AddrUnspecified AddrKind = "unspecified" // 0.0.0.0, ::
	AddrLinkLocal   AddrKind = "link-local"  // 169.254.0.0/16, fe80::/10
)

var cgnat = net.IPNet{IP: net.IPv4(100, 64, 0, 0).To4(), Mask: net.CIDRMask(10, 32)}

// KindOf classifies an IP address.
func KindOf(ip net.IP) AddrKind {
	switch {
	case ip.IsUnspecified():
		return AddrUnspecified
	case ip.IsLoopback():
		return AddrLoopback
	case ip.IsLinkLocalUnicast():
		return AddrLinkLocal
	case ip.IsPrivate(), cgnat.Contains(ip):
		return AddrPrivate
	}
	return AddrPublic
}
