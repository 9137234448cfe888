package integration

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// topology says how the router between client and server treats traffic.
type topology int

const (
	routed               topology = iota // plain routing: the client dials the server's own address
	serverNAT                            // server behind NAT: the client dials the router, which DNATs the control port and passive range
	serverNATControlOnly                 // server behind NAT whose router forwards the control port but not the passive range
	clientNAT                            // client behind NAT: the router masquerades the client's connections
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
	t       *testing.T // the scenario's test
	index   int        // n in the addresses above
	cli     string     // client namespace
	rtr     string     // router namespace
	srv     string     // server namespace
	CliAddr string     // client address
	RtrCli  string     // router address on the client side (the "public" address under serverNAT)
	RtrSrv  string     // router address on the server side
	SrvAddr string     // server address
	CliNet  string     // client /24
	SrvNet  string     // server /24
	cliIf   string     // client interface
	rtrCIf  string     // router interface toward the client
	rtrSIf  string     // router interface toward the server
	srvIf   string     // server interface
	dir     string     // scratch directory for configs and logs
	topo    topology   // how the router translates
}

// newLab builds the three namespaces and the router's translation, and
// registers their removal (processes first, then namespaces and files).
func newLab(t *testing.T, topo topology) *lab {
	t.Helper()
	n := int(nextIndex.Add(1))
	if n > 120 {
		t.Fatalf("out of lab subnets (index %d)", n)
	}
	l := &lab{
		t: t, index: n, topo: topo,
		cli: fmt.Sprintf("%s%d-cli", nsPrefix, n), rtr: fmt.Sprintf("%s%d-rtr", nsPrefix, n), srv: fmt.Sprintf("%s%d-srv", nsPrefix, n),
		CliAddr: fmt.Sprintf("10.77.%d.2", 2*n), RtrCli: fmt.Sprintf("10.77.%d.1", 2*n),
		RtrSrv: fmt.Sprintf("10.77.%d.1", 2*n+1), SrvAddr: fmt.Sprintf("10.77.%d.2", 2*n+1),
		CliNet: fmt.Sprintf("10.77.%d.0/24", 2*n), SrvNet: fmt.Sprintf("10.77.%d.0/24", 2*n+1),
		cliIf: fmt.Sprintf("fdit%dc", n), rtrCIf: fmt.Sprintf("fdit%dr", n), rtrSIf: fmt.Sprintf("fdit%dq", n), srvIf: fmt.Sprintf("fdit%ds", n),
		dir: t.TempDir(),
	}
	t.Cleanup(func() {
		for _, ns := range []string{l.cli, l.rtr, l.srv} {
			deleteNamespace(ns)
		}
	})
	for _, ns := range []string{l.cli, l.rtr, l.srv} {
		l.host("ip", "netns", "add", ns)
	}
	l.host("ip", "link", "add", l.cliIf, "netns", l.cli, "type", "veth", "peer", "name", l.rtrCIf, "netns", l.rtr)
	l.host("ip", "link", "add", l.rtrSIf, "netns", l.rtr, "type", "veth", "peer", "name", l.srvIf, "netns", l.srv)
	l.in(l.cli, "ip", "addr", "add", l.CliAddr+"/24", "dev", l.cliIf)
	l.in(l.rtr, "ip", "addr", "add", l.RtrCli+"/24", "dev", l.rtrCIf)
	l.in(l.rtr, "ip", "addr", "add", l.RtrSrv+"/24", "dev", l.rtrSIf)
	l.in(l.srv, "ip", "addr", "add", l.SrvAddr+"/24", "dev", l.srvIf)
	for ns, ifs := range map[string][]string{l.cli: {"lo", l.cliIf}, l.rtr: {"lo", l.rtrCIf, l.rtrSIf}, l.srv: {"lo", l.srvIf}} {
		for _, ifc := range ifs {
			l.in(ns, "ip", "link", "set", ifc, "up")
		}
	}
	l.in(l.cli, "ip", "route", "add", "default", "via", l.RtrCli)
	l.in(l.srv, "ip", "route", "add", "default", "via", l.RtrSrv)
	l.in(l.rtr, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1")
	// An address with no host behind it: give up ARP after about 0.6 s,
	// not 3 s, so "host down" answers quickly (REALSERVERS.md).
	l.in(l.rtr, "sysctl", "-q", "-w",
		"net.ipv4.neigh."+l.rtrSIf+".mcast_solicit=2", "net.ipv4.neigh."+l.rtrSIf+".retrans_time_ms=300")
	switch topo {
	case serverNAT, serverNATControlOnly:
		forwarded := fmt.Sprintf("%d, %d-%d", ftpPort, passiveLow, passiveHigh)
		if topo == serverNATControlOnly {
			forwarded = fmt.Sprint(ftpPort)
		}
		l.nft(l.rtr, fmt.Sprintf(`table ip fditnat {
	chain pre {
		type nat hook prerouting priority dstnat;
		iifname %q tcp dport { %s } dnat to %s
	}
	chain post {
		type nat hook postrouting priority srcnat;
		oifname %q ip saddr %s masquerade
	}
}
table inet fditfilter {
	chain forward_chain {
		type filter hook forward priority 0;
		iifname %q ip daddr %s ct status dnat accept
		iifname %q ip daddr %s ct state established,related accept
		iifname %q ip daddr %s drop
	}
}`, l.rtrCIf, forwarded, l.SrvAddr,
			l.rtrCIf, l.SrvNet,
			l.rtrCIf, l.SrvNet, l.rtrCIf, l.SrvNet, l.rtrCIf, l.SrvNet))
	case clientNAT:
		l.nft(l.rtr, fmt.Sprintf(`table ip fditnat {
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

// Target returns the address a client dials to reach the server.
func (l *lab) Target() string {
	if l.topo == serverNAT || l.topo == serverNATControlOnly {
		return l.RtrCli
	}
	return l.SrvAddr
}

// NoHostAddr returns an address in the server /24 with no host behind it.
func (l *lab) NoHostAddr() string {
	return fmt.Sprintf("10.77.%d.99", 2*l.index+1)
}

// host runs a command in the host namespace and fails the test on error.
func (l *lab) host(args ...string) string {
	l.t.Helper()
	return mustRun(l.t, args...)
}

// in runs a command inside namespace ns and fails the test on error.
func (l *lab) in(ns string, args ...string) string {
	l.t.Helper()
	return mustRun(l.t, append([]string{"ip", "netns", "exec", ns}, args...)...)
}

// nft loads an nftables ruleset into namespace ns.
func (l *lab) nft(ns, ruleset string) {
	l.t.Helper()
	path := filepath.Join(l.dir, fmt.Sprintf("nft-%s-%d.conf", ns, time.Now().UnixNano()))
	if err := os.WriteFile(path, []byte(ruleset+"\n"), 0o600); err != nil {
		l.t.Fatal(err)
	}
	l.in(ns, "nft", "-f", path)
}

// resolver makes the client namespace use nameserver for DNS: ip netns exec
// bind-mounts /etc/netns/<ns>/resolv.conf over /etc/resolv.conf.
func (l *lab) resolver(nameserver string) {
	l.t.Helper()
	dir := filepath.Join(netnsEtc, l.cli)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		l.t.Fatal(err)
	}
	conf := "nameserver " + nameserver + "\noptions timeout:1 attempts:2\n"
	if err := os.WriteFile(filepath.Join(dir, "resolv.conf"), []byte(conf), 0o644); err != nil {
		l.t.Fatal(err)
	}
}

// mustRun runs a short command with a deadline and fails the test on error.
func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, args[0], args[1:]...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// deleteNamespace kills every process left inside ns (only this suite's
// processes live there), then deletes ns and its /etc/netns directory.
func deleteNamespace(ns string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for i := 0; i < 20; i++ {
		out, err := exec.CommandContext(ctx, "ip", "netns", "pids", ns).Output()
		if err != nil || strings.TrimSpace(string(out)) == "" {
			break
		}
		for _, f := range strings.Fields(string(out)) {
			if pid, err := strconv.Atoi(f); err == nil && pid > 1 {
				syscall.Kill(pid, syscall.SIGKILL)
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	exec.CommandContext(ctx, "ip", "netns", "del", ns).Run()
	os.RemoveAll(filepath.Join(netnsEtc, ns))
}
