package modules

import (
	"fmt"
	"net"
	"net/netip"
	"sort"
	"strconv"
	"strings"
)

// AnyPort, as the default port of HostList.AllowsAt, lets an entry without
// a port match every port (as --allow reads its entries).
const AnyPort = -1

// HostList is a list of host names, IP addresses and CIDR networks that
// probes may target, each with an optional port: name, name:port, an IP
// address, IP:port, [v6] or [v6]:port, a network (10.0.0.0/8, 2001:db8::/32)
// or a network with a port (10.0.0.0/8:2121, [2001:db8::/32]:2121). The
// port "*" is any port. A name matches the same name (case-insensitive,
// without a final dot); a network matches an IP literal inside it. A name
// is never resolved to match a network: what the probe would then dial
// could differ from what was checked (DNS rebinding).
type HostList struct {
	entries []hostEntry // in the order given
}

// hostEntry is one entry of a HostList.
type hostEntry struct {
	name   string       // lower-case name or canonical IP literal; empty for a network
	prefix netip.Prefix // the network, when name is empty
	port   int          // 0: none given; AnyPort: "*"; else the port
}

// ParseHostList reads entries, each a string or a comma-separated list.
func ParseHostList(entries []string) (HostList, error) {
	var l HostList
	for _, e := range entries {
		for _, item := range strings.Split(e, ",") {
			if item = strings.TrimSpace(item); item == "" {
				continue
			}
			he, err := parseHostEntry(item)
			if err != nil {
				return l, err
			}
			l.entries = append(l.entries, he)
		}
	}
	return l, nil
}

// parseHostEntry reads one entry: its host part, then its port, if any.
func parseHostEntry(item string) (hostEntry, error) {
	host, port := item, ""
	switch {
	case strings.HasPrefix(item, "["):
		end := strings.Index(item, "]")
		rest := item[max(end+1, 0):]
		if end < 0 || rest != "" && !strings.HasPrefix(rest, ":") {
			return hostEntry{}, fmt.Errorf("%q: write an IPv6 address with a port as [ADDRESS]:PORT", item)
		}
		host, port = item[1:end], strings.TrimPrefix(rest, ":")
		if rest == ":" {
			return hostEntry{}, fmt.Errorf("%q: the port is empty", item)
		}
	case strings.Count(item, ":") == 1: // name:port, v4:port or v4/len:port; a bare IPv6 literal has more
		host, port, _ = strings.Cut(item, ":")
	}
	var e hostEntry
	switch {
	case port == "":
	case port == "*":
		e.port = AnyPort
	default:
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 {
			return e, fmt.Errorf("%q: the port must be 1-65535 or *, got %q", item, port)
		}
		e.port = n
	}
	switch {
	case strings.Contains(host, "/"):
		p, err := netip.ParsePrefix(host)
		if err != nil {
			return e, fmt.Errorf("%q is not a CIDR network: %s", item, err)
		}
		e.prefix = p.Masked()
	case host == "" || strings.ContainsAny(host, " \t[]:") && net.ParseIP(host) == nil:
		return e, fmt.Errorf("%q is not a host name, address or network", item)
	default:
		e.name = normalHost(host)
	}
	return e, nil
}

// Len is the number of entries.
func (l HostList) Len() int { return len(l.entries) }

// Allows reports whether host (a name or an IP literal) is on the list,
// whatever the port.
func (l HostList) Allows(host string) bool {
	for _, e := range l.entries {
		if e.matchesHost(host) {
			return true
		}
	}
	return false
}

// AllowsAt reports whether host at port is on the list. An entry without
// a port stands for defaultPort (21, or 990 for implicit TLS), or for any
// port when defaultPort is AnyPort.
func (l HostList) AllowsAt(host string, port, defaultPort int) bool {
	for _, e := range l.entries {
		if !e.matchesHost(host) {
			continue
		}
		switch {
		case e.port == AnyPort, e.port == port,
			e.port == 0 && (defaultPort == AnyPort || port == defaultPort):
			return true
		}
	}
	return false
}

// matchesHost reports whether the entry's name or network covers host.
func (e hostEntry) matchesHost(host string) bool {
	if e.name != "" {
		return e.name == normalHost(host)
	}
	a, err := netip.ParseAddr(host)
	return err == nil && e.prefix.Contains(a.Unmap())
}

// normalHost is the form names are compared in: lower case, no final dot,
// IP literals in their canonical form.
func normalHost(h string) string {
	if ip := net.ParseIP(h); ip != nil {
		return ip.String()
	}
	return strings.ToLower(strings.TrimSuffix(h, "."))
}

// String lists the entries, names first, comma-separated and sorted, each
// with its port when it has one.
func (l HostList) String() string {
	var names, nets []string
	for _, e := range l.entries {
		host := e.name
		if host == "" {
			host = e.prefix.String()
		}
		port := ""
		switch e.port {
		case 0:
		case AnyPort:
			port = "*"
		default:
			port = strconv.Itoa(e.port)
		}
		if port != "" && strings.Contains(host, ":") {
			host = "[" + host + "]"
		}
		if port != "" {
			host += ":" + port
		}
		if e.name != "" {
			names = append(names, host)
		} else {
			nets = append(nets, host)
		}
	}
	sort.Strings(names)
	return strings.Join(append(names, nets...), ", ")
}
