package scan

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ftpdoctor/ftpdoctor/probes"
)

// The namespace pair: a client and a server joined by a veth in
// 10.231.0.0/24, a range used only by these tests.
const (
	nsClientIP = "10.231.0.1"
	nsServerIP = "10.231.0.2"
)

// netns is a client/server namespace pair with an nft table in the server.
type netns struct {
	client, server string // namespace names
}

// requireRoot skips a test that needs namespaces when not root, unless CI
// is set: there the test must run, so it fails.
func requireRoot(t testing.TB) {
	t.Helper()
	var missing []string
	for _, tool := range []string{"ip", "nft"} {
		if _, err := exec.LookPath(tool); err != nil {
			missing = append(missing, tool)
		}
	}
	why := ""
	switch {
	case os.Geteuid() != 0:
		why = "needs root to create network namespaces and nftables rules"
	case len(missing) > 0:
		why = "needs the commands " + strings.Join(missing, ", ") + " (apt-get install iproute2 nftables)"
	}
	if why == "" {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("CI is set: %s", why)
	}
	t.Skip(why)
}

func sh(t testing.TB, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if out, err := exec.CommandContext(ctx, args[0], args[1:]...).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v: %s", strings.Join(args, " "), err, out)
	}
}

// newNetns creates the pair; dropped ports of the server refuse nothing and
// answer nothing (nft drop). Everything is deleted in cleanup.
func newNetns(t testing.TB, dropped probes.PortRange) netns {
	requireRoot(t)
	id := strconv.Itoa(os.Getpid() % 100000)
	n := netns{client: "rs" + id + "c", server: "rs" + id + "s"}
	cleanup := func() {
		exec.Command("ip", "netns", "del", n.client).Run()
		exec.Command("ip", "netns", "del", n.server).Run()
	}
	cleanup()
	t.Cleanup(cleanup)
	sh(t, "ip", "netns", "add", n.client)
	sh(t, "ip", "netns", "add", n.server)
	sh(t, "ip", "link", "add", "rs"+id+"c0", "netns", n.client, "type", "veth", "peer", "name", "rs"+id+"s0", "netns", n.server)
	sh(t, "ip", "-n", n.client, "addr", "add", nsClientIP+"/24", "dev", "rs"+id+"c0")
	sh(t, "ip", "-n", n.server, "addr", "add", nsServerIP+"/24", "dev", "rs"+id+"s0")
	for _, ns := range []string{n.client, n.server} {
		sh(t, "ip", "-n", ns, "link", "set", "lo", "up")
	}
	sh(t, "ip", "-n", n.client, "link", "set", "rs"+id+"c0", "up")
	sh(t, "ip", "-n", n.server, "link", "set", "rs"+id+"s0", "up")
	sh(t, "ip", "netns", "exec", n.server, "nft", "add", "table", "inet", "rs")
	sh(t, "ip", "netns", "exec", n.server, "nft", "add", "chain", "inet", "rs", "in", "{ type filter hook input priority 0; }")
	sh(t, "ip", "netns", "exec", n.server, "nft", "add", "rule", "inet", "rs", "in", "tcp", "dport",
		fmt.Sprintf("%d-%d", dropped.Low, dropped.High), "drop")
	return n
}

// helperOutput is what the scan helper prints.
type helperOutput struct {
	States     map[int]State      `json:"states"`      // port to state
	Tokens     map[int]TokenCheck `json:"tokens"`      // port to token outcome
	DurationMS float64            `json:"duration_ms"` // wall time of the scan
	Wall       time.Duration      `json:"-"`           // wall time of the whole helper process, as measured for nmap
}

// helperCmd runs this test binary in namespace ns as a helper (see
// TestMain), killed when ctx ends.
func helperCmd(ctx context.Context, t testing.TB, ns string, env ...string) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, "ip", "netns", "exec", ns, exe, "-test.run=^$", "-test.bench=^$")
	cmd.Env = append(os.Environ(), env...)
	cmd.WaitDelay = time.Second
	return cmd
}

// scanFromClient runs a scan with the product defaults inside the client
// namespace and returns the states and its own wall time.
func scanFromClient(t testing.TB, n netns, r probes.PortRange, token string) helperOutput {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := helperCmd(ctx, t, n.client, "SCAN_HELPER=scan", "SCAN_ADDR="+nsServerIP,
		fmt.Sprintf("SCAN_RANGE=%d-%d", r.Low, r.High), "SCAN_TOKEN="+token)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	out, err := cmd.Output()
	wall := time.Since(start)
	if err != nil {
		t.Fatalf("scan helper: %v: %s", err, stderr.String())
	}
	var h helperOutput
	if err := json.Unmarshal(out, &h); err != nil {
		t.Fatalf("scan helper output: %v: %s", err, out)
	}
	h.Wall = wall
	return h
}

// helperScan is the scan helper's main: SCAN_ADDR, SCAN_RANGE, SCAN_TOKEN.
func helperScan() int {
	var r probes.PortRange
	fmt.Sscanf(os.Getenv("SCAN_RANGE"), "%d-%d", &r.Low, &r.High)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Second)
	defer cancel()
	res, err := Scan(ctx, Options{Address: os.Getenv("SCAN_ADDR"), Range: r, Concurrency: DefaultConcurrency,
		Timeout: DefaultTimeout, Retries: DefaultRetries, Token: os.Getenv("SCAN_TOKEN")})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	h := helperOutput{States: map[int]State{}, Tokens: map[int]TokenCheck{}, DurationMS: ms(res.Duration)}
	for _, p := range res.Ports {
		h.States[p.Port] = p.State
		if p.Token != "" {
			h.Tokens[p.Port] = p.Token
		}
	}
	json.NewEncoder(os.Stdout).Encode(h)
	return 0
}

// helperListen is the listen helper's main: LISTEN_RANGE, LISTEN_TOKEN,
// LISTEN_SECONDS. It prints "ready" once bound.
func helperListen() int {
	var r probes.PortRange
	fmt.Sscanf(os.Getenv("LISTEN_RANGE"), "%d-%d", &r.Low, &r.High)
	secs, _ := strconv.Atoi(os.Getenv("LISTEN_SECONDS"))
	_, err := Listen(context.Background(), ListenConfig{Range: r, Token: os.Getenv("LISTEN_TOKEN"),
		Duration: time.Duration(secs) * time.Second, Ready: func(ListenReport) { fmt.Println("ready") }})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// nmapRun is the part of nmap's XML output the comparison needs.
type nmapRun struct {
	Hosts []struct {
		Extra []struct {
			State   string `xml:"state,attr"`
			Reasons []struct {
				Ports string `xml:"ports,attr"`
			} `xml:"extrareasons"`
		} `xml:"ports>extraports"`
		Ports []struct {
			ID    int `xml:"portid,attr"`
			State struct {
				State string `xml:"state,attr"`
			} `xml:"state"`
		} `xml:"ports>port"`
	} `xml:"host"`
}

// nmapFromClient runs nmap -sT -Pn with default timing in the client
// namespace and returns its states per port and its wall time.
func nmapFromClient(t testing.TB, n netns, r probes.PortRange) (map[int]State, time.Duration) {
	t.Helper()
	if !haveNmap() {
		t.Skip("nmap is not installed (apt-get install -y nmap)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	start := time.Now()
	out, err := exec.CommandContext(ctx, "ip", "netns", "exec", n.client, "nmap", "-sT", "-Pn", "-n",
		"-p", fmt.Sprintf("%d-%d", r.Low, r.High), "-oX", "-", nsServerIP).Output()
	wall := time.Since(start)
	if err != nil {
		t.Fatalf("nmap: %v", err)
	}
	var run nmapRun
	if err := xml.Unmarshal(out, &run); err != nil || len(run.Hosts) != 1 {
		t.Fatalf("nmap XML: %v (%d hosts)", err, len(run.Hosts))
	}
	states := map[int]State{}
	for _, e := range run.Hosts[0].Extra {
		for _, reason := range e.Reasons {
			for _, part := range strings.Split(reason.Ports, ",") {
				var lo, hi int
				if c, _ := fmt.Sscanf(part, "%d-%d", &lo, &hi); c == 1 {
					hi = lo
				}
				for p := lo; p <= hi && lo > 0; p++ {
					states[p] = State(e.State)
				}
			}
		}
	}
	for _, p := range run.Hosts[0].Ports {
		states[p.ID] = State(p.State.State)
	}
	return states, wall
}

// diffStates lists the ports where two classifications differ.
func diffStates(r probes.PortRange, a, b map[int]State) []string {
	var d []string
	for p := r.Low; p <= r.High; p++ {
		if a[p] != b[p] {
			d = append(d, fmt.Sprintf("%d: %q vs %q", p, a[p], b[p]))
		}
	}
	return d
}

func haveNmap() bool {
	_, err := exec.LookPath("nmap")
	return err == nil
}
