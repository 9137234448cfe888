package exporter_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/ftpdoctor/ftpdoctor/fixtures"
	"github.com/ftpdoctor/ftpdoctor/internal/cli"
	"github.com/ftpdoctor/ftpdoctor/internal/testutil"
)

// docBlock is the yaml block of docs/monitoring.md that follows the
// comment <!-- marker -->: the tests run what the documentation shows.
func docBlock(t *testing.T, marker string) []byte {
	t.Helper()
	doc, err := os.ReadFile("../docs/monitoring.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)<!-- " + regexp.QuoteMeta(marker) + " -->\\s*```yaml\n(.*?)```").FindSubmatch(doc)
	if m == nil {
		t.Fatalf("docs/monitoring.md has no yaml block after <!-- %s -->", marker)
	}
	return m[1]
}

// TestPrometheusScrapesTheExporter runs Debian's prometheus with the
// scrape configuration of docs/monitoring.md against `ftpdoctor serve`
// and two fixture servers, and reads the result through Prometheus's HTTP
// API. Without prometheus it skips, unless CI is set: then it fails.
func TestPrometheusScrapesTheExporter(t *testing.T) {
	bin := prometheusBin(t)
	healthy := fixtures.StartT(t, fixtures.Script{Anonymous: fixtures.AnonAllowed})
	broken := fixtures.StartT(t, fixtures.Script{}) // refuses anonymous at PASS
	exporterAddr, _ := startServe(t)
	api := startPrometheus(t, bin, documentedScrapeConfig(t, exporterAddr, healthy.Addr(), broken.Addr()))

	want := map[string]string{healthy.Addr(): "1", broken.Addr(): "0"}
	got := map[string]string{}
	deadline := time.Now().Add(60 * time.Second)
	for len(got) < len(want) || got[healthy.Addr()] != "1" {
		if time.Now().After(deadline) {
			t.Fatalf("probe_success after 60 s: %v, want %v", got, want)
		}
		time.Sleep(500 * time.Millisecond)
		got = map[string]string{}
		for _, s := range query(t, api, `probe_success{job="ftp"}`) {
			got[s.Metric["instance"]] = s.value()
		}
	}
	if got[broken.Addr()] != "0" {
		t.Errorf("probe_success of the broken server: %s, want 0", got[broken.Addr()])
	}
	causes := query(t, api, `ftpdoctor_cause{job="ftp",instance="`+broken.Addr()+`"}`)
	if len(causes) == 0 || causes[0].Metric["code"] != "login.anonymous_refused" || causes[0].Metric["severity"] != "critical" {
		t.Errorf("causes of the broken server: %+v, want login.anonymous_refused", causes)
	}
	if c := query(t, api, `ftpdoctor_cause{job="ftp",instance="`+healthy.Addr()+`"}`); len(c) != 0 {
		t.Errorf("the healthy server has causes: %+v", c)
	}
	// The exporter's own job is scraped on a schedule of its own: wait for
	// its first scrape too.
	for {
		up := query(t, api, `up{job="ftpdoctor_exporter"}`)
		if len(up) == 1 && up[0].value() == "1" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the exporter's own /metrics: up = %+v", up)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// prometheusBin is Debian's prometheus. Without it the test skips, unless
// CI is set: then it fails.
func prometheusBin(t *testing.T) string { return debianTool(t, "prometheus") }

// debianTool is the path of a program of Debian's prometheus package
// (prometheus, promtool). Without it the test skips, unless CI is set:
// then it fails.
func debianTool(t *testing.T, name string) string {
	t.Helper()
	bin, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not installed (Debian's prometheus package has it; bash .ci/install.sh installs it)", name)
		}
		t.Skipf("%s is not installed: apt-get install prometheus (or bash .ci/install.sh) to run this test", name)
	}
	return bin
}

// startPrometheus runs prometheus with config on a free loopback port until
// the test ends, and returns the base URL of its HTTP API. Its log is
// shown when the test fails.
func startPrometheus(t *testing.T, bin string, config []byte) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "prometheus.yml"), config, 0o600); err != nil {
		t.Fatal(err)
	}
	port, err := fixtures.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	cmd := exec.Command(bin, "--config.file="+filepath.Join(dir, "prometheus.yml"),
		"--storage.tsdb.path="+filepath.Join(dir, "data"), "--web.listen-address=127.0.0.1:"+strconv.Itoa(port))
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() {
			t.Logf("prometheus said:\n%s", logs.String())
		}
	})
	return "http://127.0.0.1:" + strconv.Itoa(port)
}

// startServe runs `ftpdoctor serve` in this process on a free loopback
// port until the test ends, and returns its address and its log (one line
// per probe, with the target's host and port).
func startServe(t *testing.T) (string, *testutil.SyncBuffer) {
	t.Helper()
	port, err := fixtures.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	stderr := &testutil.SyncBuffer{}
	go func() {
		defer wg.Done()
		if code := cli.Run(ctx, []string{"ftpdoctor", "serve", "--listen", addr}, nil, io.Discard, stderr); code != 0 {
			t.Errorf("serve exited %d: %s", code, stderr.String())
		}
	}()
	t.Cleanup(func() { cancel(); wg.Wait() })
	for i := 0; ; i++ {
		resp, err := http.Get("http://" + addr + "/metrics")
		if err == nil {
			resp.Body.Close()
			return addr, stderr
		}
		if i == 100 {
			t.Fatalf("serve does not answer on %s: %v", addr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// documentedScrapeConfig is the scrape configuration of docs/monitoring.md
// with the exporter's address, the two targets, and a 2 s interval and
// timeout (1.5 s for the check after the offset, room on a busy machine).
func documentedScrapeConfig(t *testing.T, exporterAddr string, targets ...string) []byte {
	t.Helper()
	block := docBlock(t, "scrape-config")
	var cfg struct {
		Global        map[string]any   `yaml:"global"`
		ScrapeConfigs []map[string]any `yaml:"scrape_configs"`
	}
	if err := yaml.Unmarshal(block, &cfg); err != nil {
		t.Fatalf("the documented configuration is not YAML: %v", err)
	}
	cfg.Global = map[string]any{"scrape_interval": "2s", "scrape_timeout": "2s"}
	replaced := 0
	for _, sc := range cfg.ScrapeConfigs {
		switch sc["job_name"] {
		case "ftp":
			sc["static_configs"] = []any{map[string]any{"targets": targets}}
			for _, r := range sc["relabel_configs"].([]any) {
				if rule := r.(map[string]any); rule["target_label"] == "__address__" {
					rule["replacement"] = exporterAddr
					replaced++
				}
			}
		case "ftpdoctor_exporter":
			sc["static_configs"] = []any{map[string]any{"targets": []string{exporterAddr}}}
			replaced++
		}
	}
	if replaced != 2 {
		t.Fatalf("the documented configuration lacks the ftp job's __address__ rule or the ftpdoctor_exporter job:\n%s", block)
	}
	out, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// sample is one series of an instant query's result.
type sample struct {
	Metric map[string]string `json:"metric"`
	Value  []any             `json:"value"` // [time, "value"]
}

func (s sample) value() string {
	if len(s.Value) == 2 {
		v, _ := s.Value[1].(string)
		return v
	}
	return ""
}

// query runs an instant query through Prometheus's HTTP API; before
// Prometheus is ready it returns nothing.
func query(t *testing.T, api, q string) []sample {
	t.Helper()
	client := http.Client{Timeout: 5 * time.Second}
	resp, err := client.Get(api + "/api/v1/query?query=" + url.QueryEscape(q))
	if err != nil {
		return nil
	}
	defer resp.Body.Close()
	var r struct {
		Status string `json:"status"`
		Data   struct {
			Result []sample `json:"result"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil || r.Status != "success" {
		return nil
	}
	return r.Data.Result
}
