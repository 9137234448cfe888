package integration

import (
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/ftpdoctor/ftpdoctor/internal/netlab"
)

// topology says how the router between client and server treats traffic.
type topology int

const (
	routed               topology = iota // plain routing: the client dials the server's own address
	serverNAT                            // server behind NAT: the client dials the router, which DNATs the control port and passive range
	serverNATControlOnly                 // server behind NAT whose router forwards the control port but not the passive range
	clientNAT                            // client behind NAT: the router masquerades the client's connections
	serverNATHelper                      // server behind NAT whose router forwards only the control port and relies on the kernel's FTP conntrack helper for passive (see natHelperRules)
)

// passiveLow and passiveHigh bound the servers' passive range: 100 ports,
// because vsftpd with a 10-port range occasionally fails to bind.
const (
	passiveLow  = 30000 // first passive port
	passiveHigh = 30099 // last passive port
	ftpPort     = 21    // control port of every FTP server here
	sshPort     = 22    // port of the SSH server
)

// nextIndex hands each lab its own index, hence its own /24s.
var nextIndex atomic.Int32

// lab is one scenario's network: a client, a router and a server namespace
// joined by two veth pairs.
//
//	cli 10.77.(2n).2 -- 10.77.(2n).1 rtr 10.77.(2n+1).1 -- 10.77.(2n+1).2 srv
type lab struct {
	*netlab.Lab            // namespaces, processes and scratch directory (Dir)
	t           *testing.T // the scenario's test
	index       int        // n in the addresses above
	cli         string     // client namespace
	rtr         string     // router namespace
	srv         string     // server namespace
	CliAddr     string     // client address
	RtrCli      string     // router address on the client side (the "public" address under serverNAT)
	RtrSrv      string     // router address on the server side
	SrvAddr     string     // server address
	CliNet      string     // client /24
	SrvNet      string     // server /24
	cliIf       string     // client interface
	rtrCIf      string     // router interface toward the client
	rtrSIf      string     // router interface toward the server
	srvIf       string     // server interface
	topo        topology   // how the router translates
}

// newLab builds the three namespaces and the router's translation; the
// namespaces, and every process in them, go when the test ends.
func newLab(t *testing.T, topo topology) *lab {
	t.Helper()
	l := labAddresses(t, topo)
	l.cli, l.rtr, l.srv = l.Namespace("cli"), l.Namespace("rtr"), l.Namespace("srv")
	l.Veth(l.cli, l.cliIf, l.CliAddr+"/24", l.rtr, l.rtrCIf, l.RtrCli+"/24")
	l.Veth(l.rtr, l.rtrSIf, l.RtrSrv+"/24", l.srv, l.srvIf, l.SrvAddr+"/24")
	l.In(l.cli, "ip", "route", "add", "default", "via", l.RtrCli)
	l.In(l.srv, "ip", "route", "add", "default", "via", l.RtrSrv)
	l.In(l.rtr, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1")
	// An address with no host behind it: give up ARP after about 0.6 s,
	// not 3 s, so "host down" answers quickly (REALSERVERS.md).
	l.In(l.rtr, "sysctl", "-q", "-w",
		"net.ipv4.neigh."+l.rtrSIf+".mcast_solicit=2", "net.ipv4.neigh."+l.rtrSIf+".retrans_time_ms=300")
	switch topo {
	case serverNAT, serverNATControlOnly:
		forwarded := fmt.Sprintf("%d, %d-%d", ftpPort, passiveLow, passiveHigh)
		if topo == serverNATControlOnly {
			forwarded = fmt.Sprint(ftpPort)
		}
		l.NFT(l.rtr, fmt.Sprintf(`table ip fditnat {
	chain pre {
		type nat hook prerouting priority dstnat;
		iifname %q tcp dport { %s } dnat to %s
	}
	chain post {
		type nat hook postrouting priority srcnat;
		oifname %q ip saddr %s masquerade
	}
}`, l.rtrCIf, forwarded, l.SrvAddr,
			l.rtrCIf, l.SrvNet)+serverNATFilter(l))
	case serverNATHelper:
		l.NFT(l.rtr, natHelperRules(l))
	case clientNAT:
		l.NFT(l.rtr, fmt.Sprintf(`table ip fditnat {
	chain post {
		type nat hook postrouting priority srcnat;
		oifname %q ip saddr %s masquerade
	}
}
table inet fditfilter {
	chain forward_chain {
		type filter hook forward priority 0;
		iifname %q ip daddr %s ct state established,related accept
		iifname %q ip daddr %s drop
	}
}`, l.rtrSIf, l.CliNet, l.rtrSIf, l.CliNet, l.rtrSIf, l.CliNet))
	}
	return l
}

// labAddresses gives a new lab its index, its addresses and its interface
// names, before any namespace exists.
func labAddresses(t *testing.T, topo topology) *lab {
	t.Helper()
	n := int(nextIndex.Add(1))
	if n > 120 {
		t.Fatalf("out of lab subnets (index %d)", n)
	}
	return &lab{
		Lab: netlab.New(t), t: t, index: n, topo: topo,
		CliAddr: fmt.Sprintf("10.77.%d.2", 2*n), RtrCli: fmt.Sprintf("10.77.%d.1", 2*n),
		RtrSrv: fmt.Sprintf("10.77.%d.1", 2*n+1), SrvAddr: fmt.Sprintf("10.77.%d.2", 2*n+1),
		CliNet: fmt.Sprintf("10.77.%d.0/24", 2*n), SrvNet: fmt.Sprintf("10.77.%d.0/24", 2*n+1),
		cliIf: fmt.Sprintf("fdit%dc", n), rtrCIf: fmt.Sprintf("fdit%dr", n), rtrSIf: fmt.Sprintf("fdit%dq", n), srvIf: fmt.Sprintf("fdit%ds", n),
	}
}

// Target returns the address a client dials to reach the server.
func (l *lab) Target() string {
	if l.topo == serverNAT || l.topo == serverNATControlOnly || l.topo == serverNATHelper {
		return l.RtrCli
	}
	return l.SrvAddr
}

// NoHostAddr returns an address in the server /24 with no host behind it.
func (l *lab) NoHostAddr() string {
	return fmt.Sprintf("10.77.%d.99", 2*l.index+1)
}

// resolver makes the client namespace use nameserver for DNS.
func (l *lab) resolver(nameserver string) {
	l.t.Helper()
	l.Resolver(l.cli, nameserver)
}

// natHelperRules is the router of a server behind NAT that forwards only
// the control port and leaves passive mode to the kernel's FTP conntrack
// and NAT helpers (an nft ct helper of type "ftp" on port 21): they read
// the server's plain-text 227 and 229 replies, rewrite the private address
// in 227 to the router's, and open an expectation that forwards the data
// connection. Under TLS they see nothing: the server's private address
// reaches the client and no data port is forwarded (REALSERVERS.md).
func natHelperRules(l *lab) string {
	return fmt.Sprintf(`table ip fditnat {
	ct helper ftp_standard {
		type "ftp" protocol tcp
	}
	chain pre {
		type nat hook prerouting priority dstnat;
		iifname %q tcp dport %d dnat to %s
	}
	chain helpers {
		type filter hook prerouting priority filter;
		iifname %q tcp dport %d ct helper set "ftp_standard"
	}
	chain post {
		type nat hook postrouting priority srcnat;
		oifname %q ip saddr %s masquerade
	}
}`, l.rtrCIf, ftpPort, l.SrvAddr, l.rtrCIf, ftpPort, l.rtrCIf, l.SrvNet) + serverNATFilter(l)
}

// serverNATFilter lets in from the client side only what the server-side
// NAT forwarded, and the replies of connections the server opened.
func serverNATFilter(l *lab) string {
	return fmt.Sprintf(`
table inet fditfilter {
	chain forward_chain {
		type filter hook forward priority 0;
		iifname %q ip daddr %s ct status dnat accept
		iifname %q ip daddr %s ct state established,related accept
		iifname %q ip daddr %s drop
	}
}`, l.rtrCIf, l.SrvNet, l.rtrCIf, l.SrvNet, l.rtrCIf, l.SrvNet)
}
