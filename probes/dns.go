package probes

import (
	"context"
	"errors"
	"net"
	"strings"
)

// StageDNS is the dns stage's name.
const StageDNS StageID = "dns"

// dnsStage resolves the target host.
var dnsStage = Stage{ID: StageDNS, Run: DNS,
	Critical: true, Family: FamilyDNS, Phase: PhaseConnect}

// DNS resolves the target host to every A and AAAA address. A literal
// address skips the lookup. IPv4 addresses are tried first by later stages,
// as most FTP servers and NATs handle IPv4 best.
func DNS(ctx context.Context, s *Session) Result {
	r := Result{Stage: StageDNS, Evidence: Evidence{Host: s.Target.Host}}
	if ip := net.ParseIP(s.Target.Host); ip != nil {
		s.Server.Addrs = []net.IP{ip}
		r.Evidence.Addresses = []string{ip.String()}
		return r.with(StatusPass, DNSLiteral, "%s is an IP address: no lookup needed", ip)
	}
	ctx, cancel := context.WithTimeout(ctx, s.Timeout)
	defer cancel()
	addrs, err := s.Resolver.LookupIPAddr(ctx, s.Target.Host)
	if err != nil {
		r.Evidence.Error = err.Error()
		var de *net.DNSError
		switch {
		case errors.As(err, &de) && de.IsNotFound:
			return r.with(StatusFail, DNSNotFound, "%s does not exist in DNS (no such host)", s.Target.Host)
		case errors.As(err, &de) && de.IsTimeout, Classify(err) == KindTimeout:
			return r.with(StatusFail, DNSTimeout, "no DNS answer for %s within %s", s.Target.Host, human(s.Timeout))
		}
		return r.with(StatusFail, DNSResolverFailure, "the resolver failed to look up %s: %s", s.Target.Host, err)
	}
	var v4, v6 []net.IP
	for _, a := range addrs {
		if a.IP.To4() != nil {
			v4 = append(v4, a.IP)
		} else {
			v6 = append(v6, a.IP)
		}
	}
	s.Server.Addrs = append(v4, v6...)
	if len(s.Server.Addrs) == 0 {
		return r.with(StatusFail, DNSNotFound, "%s has no A or AAAA record", s.Target.Host)
	}
	for _, ip := range s.Server.Addrs {
		r.Evidence.Addresses = append(r.Evidence.Addresses, ip.String())
	}
	return r.with(StatusPass, DNSOK, "%s resolves to %s", s.Target.Host, strings.Join(r.Evidence.Addresses, ", "))
}
