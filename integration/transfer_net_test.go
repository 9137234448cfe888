package integration

import (
	"fmt"
	"testing"
)

// newMTULab builds a lab whose path has a narrower link in the middle:
//
//	cli -- rtr ==(MTU 1280)== mid -- srv
//
// The hosts' own links carry 1500 bytes, so both ends announce an MSS of
// 1460 bytes; the routers cannot forward full-size packets over the middle
// link, and their ICMP "fragmentation needed" (ICMPv6 "packet too big")
// messages are dropped on the way out, as a firewall that blocks all ICMP
// does. The result is a path-MTU black hole: small packets pass, full-size
// ones vanish.
func newMTULab(t *testing.T) *lab {
	t.Helper()
	l := labAddresses(t, routed)
	midNet := fmt.Sprintf("10.78.%d", l.index)
	mid := ""
	l.cli, l.rtr, mid, l.srv = l.Namespace("cli"), l.Namespace("rtr"), l.Namespace("mid"), l.Namespace("srv")
	l.Veth(l.cli, l.cliIf, l.CliAddr+"/24", l.rtr, l.rtrCIf, l.RtrCli+"/24")
	l.Veth(l.rtr, l.rtrSIf, midNet+".1/24", mid, "fditm", midNet+".2/24")
	l.Veth(mid, "fditn", l.RtrSrv+"/24", l.srv, l.srvIf, l.SrvAddr+"/24")
	l.In(l.cli, "ip", "route", "add", "default", "via", l.RtrCli)
	l.In(l.srv, "ip", "route", "add", "default", "via", l.RtrSrv)
	l.In(l.rtr, "ip", "route", "add", l.SrvNet, "via", midNet+".2")
	l.In(mid, "ip", "route", "add", l.CliNet, "via", midNet+".1")
	l.In(l.rtr, "ip", "link", "set", "dev", l.rtrSIf, "mtu", "1280")
	l.In(mid, "ip", "link", "set", "dev", "fditm", "mtu", "1280")
	for _, ns := range []string{l.rtr, mid} {
		l.In(ns, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1")
		l.NFT(ns, `table inet fditmtu {
	chain output_chain {
		type filter hook output priority 0;
		icmp type destination-unreachable icmp code frag-needed drop
		icmpv6 type packet-too-big drop
	}
}`)
	}
	return l
}

// idleTimeoutRouter makes the lab's router a stateful firewall that
// forgets an established TCP connection after seconds idle: it forwards
// only new connections' SYNs and packets of connections it remembers, and
// no longer picks up a connection in mid-stream (nf_conntrack_tcp_loose=0).
// The sysctls are per network namespace.
func idleTimeoutRouter(l *lab, seconds int) {
	l.NFT(l.rtr, `table inet fditct {
	chain forward_chain {
		type filter hook forward priority 0;
		ct state established,related accept
		tcp flags & (syn | ack) == syn ct state new accept
		meta l4proto icmp accept
		drop
	}
}`)
	l.In(l.rtr, "sysctl", "-q", "-w", fmt.Sprintf("net.netfilter.nf_conntrack_tcp_timeout_established=%d", seconds),
		"net.netfilter.nf_conntrack_tcp_loose=0")
}
