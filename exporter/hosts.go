package exporter

import (
	"fmt"
	"net"
	"net/netip"
	"sort"
	"strings"
)

// HostList is a list of host names and CIDR networks that probes may target.
// A name matches the same name (case-insensitive, without a final dot); a
// network matches an IP literal inside it. A name is never resolved to
// match a network: what the probe would then dial could differ from what
// was checked (DNS rebinding).
type HostList struct {
	names    map[string]bool // lower-case names and IP literals
	prefixes []netip.Prefix  // CIDR networks
}

// ParseHostList reads names, IP addresses and CIDR networks.
func ParseHostList(entries []string) (HostList, error) {
	var l HostList
	for _, e := range entries {
		for _, item := range strings.Split(e, ",") {
			item = strings.TrimSpace(item)
			if item == "" {
				continue
			}
			if strings.Contains(item, "/") {
				p, err := netip.ParsePrefix(item)
				if err != nil {
					return l, fmt.Errorf("%q is not a CIDR network: %s", item, err)
				}
				l.prefixes = append(l.prefixes, p.Masked())
				continue
			}
			if l.names == nil {
				l.names = map[string]bool{}
			}
			l.names[normalHost(item)] = true
		}
	}
	return l, nil
}

// Len is the number of entries.
func (l HostList) Len() int { return len(l.names) + len(l.prefixes) }

// Allows reports whether host (a name or an IP literal) is on the list.
func (l HostList) Allows(host string) bool {
	if l.names[normalHost(host)] {
		return true
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return false
	}
	a = a.Unmap()
	for _, p := range l.prefixes {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// normalHost is the form names are compared in: lower case, no final dot,
// IP literals in their canonical form.
func normalHost(h string) string {
	if ip := net.ParseIP(h); ip != nil {
		return ip.String()
	}
	return strings.ToLower(strings.TrimSuffix(h, "."))
}

// String lists the entries, names first, comma-separated and sorted.
func (l HostList) String() string {
	var out []string
	for n := range l.names {
		out = append(out, n)
	}
	sort.Strings(out)
	for _, p := range l.prefixes {
		out = append(out, p.String())
	}
	return strings.Join(out, ", ")
}
