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

	"github.com/ftpdoctor/ftpdoctor/internal/netlab"
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
	*netlab.Lab           // the namespaces' lab
	client, server string // namespace names
}

// newNetns creates the pair; dropped ports of the server refuse nothing and
// answer nothing (nft drop). Everything is deleted in cleanup. It skips the
// test, or fails it under CI, when not root or without ip and nft.
func newNetns(t testing.TB, dropped probes.PortRange) netns {
	t.Helper()
	netlab.Require(t, netlab.Need{Tools: []string{"ip", "nft", "ss"}})
	n := netns{Lab: netlab.New(t)}
	n.client, n.server = n.Namespace("cli"), n.Namespace("srv")
	n.Veth(n.client, "rs0", nsClientIP+"/24", n.server, "rs0", nsServerIP+"/24")
	n.NFT(n.server, fmt.Sprintf(`table inet rs {
	chain in {
		type filter hook input priority 0;
		tcp dport %d-%d drop
	}
}`, dropped.Low, dropped.High))
	return n
}

// helperOutput is what the scan helper prints.
type helperOutput struct {
	States     map[int]State      `json:"states"`      // port to state
	Tokens     map[int]TokenCheck `json:"tokens"`      // port to token outcome
	DurationMS float64            `json:"duration_ms"` // wall time of the scan
	Wall       time.Duration      `json:"-"`           // wall time of the whole helper process, as measured for nmap
}

// scanFromClient runs a scan with the product defaults inside the client
// namespace and returns the states and its own wall time.
func scanFromClient(t testing.TB, n netns, r probes.PortRange, token string) helperOutput {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := netlab.SelfCommand(ctx, t, n.client, "SCAN_HELPER=scan", "SCAN_ADDR="+nsServerIP,
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
