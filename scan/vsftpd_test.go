package scan

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ftpdoctor/ftpdoctor/internal/netlab"
	"github.com/ftpdoctor/ftpdoctor/probes"
)

// startVsftpd runs an anonymous-only vsftpd in the server namespace with
// passive range pasv, killed with its session children in cleanup. It
// skips the test, or fails it under CI, without the unpacked vsftpd.
func startVsftpd(t *testing.T, n netns, pasv probes.PortRange) {
	t.Helper()
	netlab.Require(t, netlab.Need{Servers: []string{"vsftpd"}})
	anon := filepath.Join(n.Dir, "anon")
	if err := os.Mkdir(anon, 0o755); err != nil {
		t.Fatal(err)
	}
	// ftp_username must have a home that exists: vsftpd changes into it
	// before anon_root, and nobody's /nonexistent ends the login with
	// "500 OOPS: cannot change directory". daemon's is /usr/sbin.
	n.Vsftpd(n.server, "listen_address="+nsServerIP, "ftp_username=daemon", "anonymous_enable=YES",
		"anon_root="+anon, "no_anon_password=YES", "local_enable=NO", "pasv_enable=YES",
		fmt.Sprintf("pasv_min_port=%d", pasv.Low), fmt.Sprintf("pasv_max_port=%d", pasv.High))
}

// discoverOutput is what the discover helper prints.
type discoverOutput struct {
	Discovery *Discovery    `json:"discovery"` // what the server handed out
	States    map[int]State `json:"states"`    // scan of the discovered range
}

// helperDiscover is the discover helper's main: log in anonymously to
// SCAN_ADDR:21, learn the range with DISC_SAMPLES replies, scan it.
func helperDiscover() int {
	var samples int
	fmt.Sscan(os.Getenv("DISC_SAMPLES"), &samples)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Second)
	defer cancel()
	addr := os.Getenv("SCAN_ADDR")
	d, err := Discover(ctx, DiscoverConfig{Target: probes.Target{Host: addr, Port: 21, User: "anonymous"}, Address: addr,
		Timeout: 5 * time.Second, Samples: samples})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	res, err := Scan(ctx, Options{Address: addr, Range: d.ScanRange(), Concurrency: DefaultConcurrency,
		Timeout: DefaultTimeout, Retries: DefaultRetries})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	out := discoverOutput{Discovery: d, States: map[int]State{}}
	for _, p := range res.Ports {
		out.States[p.Port] = p.State
	}
	json.NewEncoder(os.Stdout).Encode(out)
	return 0
}

// TestNetnsDiscoverVsftpd learns a real vsftpd's passive range from
// repeated PASV/EPSV and scans it through an nft rule that drops its upper
// half.
func TestNetnsDiscoverVsftpd(t *testing.T) {
	pasv := probes.PortRange{Low: 50000, High: 50099}
	dropped := probes.PortRange{Low: 50050, High: 50099}
	n := newNetns(t, dropped)
	startVsftpd(t, n, pasv)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := netlab.SelfCommand(ctx, t, n.client, "SCAN_HELPER=discover", "SCAN_ADDR="+nsServerIP, "DISC_SAMPLES=40")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	raw, err := cmd.Output()
	if err != nil {
		t.Fatalf("discover helper: %v: %s", err, stderr.String())
	}
	var out discoverOutput
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("discover output: %v: %s", err, raw)
	}
	d := out.Discovery
	if len(d.Samples) != 40 || d.Observed == nil || !pasv.Contains(d.Observed.Low) || !pasv.Contains(d.Observed.High) {
		t.Fatalf("discovery %+v, want 40 replies within %v", d, pasv)
	}
	if len(d.Addresses) != 1 || d.Addresses[0] != nsServerIP {
		t.Errorf("advertised %v, want only %s", d.Addresses, nsServerIP)
	}
	if d.Distinct < 10 {
		t.Errorf("only %d distinct ports in 40 replies from a 100-port range", d.Distinct)
	}
	t.Logf("40 replies: %d distinct ports between %d and %d", d.Distinct, d.Observed.Low, d.Observed.High)
	for p := d.Observed.Low; p <= d.Observed.High; p++ {
		want := StateClosed
		if dropped.Contains(p) {
			want = StateFiltered
		}
		// vsftpd may still hold the last PASV listener open: that port is open.
		if got := out.States[p]; got != want && got != StateOpen {
			t.Errorf("port %d: %s, want %s", p, got, want)
		}
	}
	for _, ex := range d.Transcript {
		if ex.Command == "PASV" && ex.Code != 227 || ex.Command == "EPSV" && ex.Code != 229 {
			t.Errorf("%s got %d %s", ex.Command, ex.Code, ex.Text)
		}
	}
}
