package exporter_test

import (
	"crypto/md5"
	"encoding/binary"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/ftpdoctor/ftpdoctor/fixtures"
	"github.com/ftpdoctor/ftpdoctor/internal/testutil"
)

// probeLine is serve's log line for one probe: its target's host and port.
var probeLine = regexp.MustCompile(`msg=probe .*target=(\S+) port=(\d+)`)

// TestShardedExporters runs the sharded configuration of
// docs/monitoring.md with Debian's prometheus, two `ftpdoctor serve` and
// eight or more fixture servers (both shards non-empty) in one target
// file: every target must be probed, each by exactly one exporter, the one
// its hash names (read from the exporters' own logs), and Prometheus must
// hold one series per target under job "ftp".
func TestShardedExporters(t *testing.T) {
	bin := prometheusBin(t)
	// Eight targets, and more until both shards have one (ports are random).
	var targets []string
	perShard := make([]int, 2)
	for len(targets) < 8 || perShard[0] == 0 || perShard[1] == 0 {
		if len(targets) == 32 {
			t.Fatalf("32 targets and a shard still empty: %v", perShard)
		}
		addr := fixtures.StartT(t, fixtures.Script{Anonymous: fixtures.AnonAllowed}).Addr()
		targets = append(targets, addr)
		perShard[shardOf(addr, 2)]++
	}
	var exporters []string
	var logs []*testutil.SyncBuffer
	for range 2 {
		addr, log := startServe(t)
		exporters, logs = append(exporters, addr), append(logs, log)
	}
	api := startPrometheus(t, bin, shardedScrapeConfig(t, exporters, targets))

	probedBy := func() map[string][]int { // target -> the exporters that probed it
		by := map[string][]int{}
		for i, log := range logs {
			seen := map[string]bool{}
			for _, m := range probeLine.FindAllStringSubmatch(log.String(), -1) {
				if addr := m[1] + ":" + m[2]; !seen[addr] {
					seen[addr] = true
					by[addr] = append(by[addr], i)
				}
			}
		}
		return by
	}
	deadline := time.Now().Add(60 * time.Second)
	for len(probedBy()) < len(targets) {
		if time.Now().After(deadline) {
			t.Fatalf("after 60 s only %d of %d targets were probed: %v", len(probedBy()), len(targets), probedBy())
		}
		time.Sleep(500 * time.Millisecond)
	}
	// Two more scrape intervals: a target probed by the wrong exporter
	// too would show by then.
	time.Sleep(4500 * time.Millisecond)
	by := probedBy()
	for _, target := range targets {
		if len(by[target]) != 1 || by[target][0] != shardOf(target, 2) {
			t.Errorf("%s was probed by exporters %v, want exactly one: %d, its shard", target, by[target], shardOf(target, 2))
		}
	}
	if len(by) != len(targets) {
		t.Errorf("probed %d addresses, want the %d targets: %v", len(by), len(targets), by)
	}
	t.Logf("targets per shard: %v", perShard)

	var instances []string
	for _, s := range query(t, api, `probe_success`) {
		if s.Metric["job"] != "ftp" {
			t.Errorf("series with job %q, want ftp: %v", s.Metric["job"], s.Metric)
		}
		instances = append(instances, s.Metric["instance"])
	}
	sort.Strings(instances)
	want := append([]string(nil), targets...)
	sort.Strings(want)
	if strings.Join(instances, " ") != strings.Join(want, " ") {
		t.Errorf("probe_success instances %v, want one per target %v", instances, want)
	}
}

// shardOf is the shard Prometheus's hashmod relabelling puts addr in: the
// last 8 bytes of its MD5, big-endian, modulo the modulus.
func shardOf(addr string, modulus uint64) int {
	sum := md5.Sum([]byte(addr))
	return int(binary.BigEndian.Uint64(sum[8:]) % modulus)
}

// shardedScrapeConfig is the sharded configuration of docs/monitoring.md
// with a 2 s interval and timeout, its target file holding targets, and shard i's
// __address__ rule pointing at exporters[i]. The documented modulus must
// be the number of shard jobs.
func shardedScrapeConfig(t *testing.T, exporters, targets []string) []byte {
	t.Helper()
	var cfg struct {
		Global        map[string]any   `yaml:"global,omitempty"`
		ScrapeConfigs []map[string]any `yaml:"scrape_configs"`
	}
	if err := yaml.Unmarshal(docBlock(t, "sharded-config"), &cfg); err != nil {
		t.Fatalf("the documented configuration is not YAML: %v", err)
	}
	if len(cfg.ScrapeConfigs) != len(exporters) {
		t.Fatalf("the documented configuration has %d jobs, the test runs %d exporters", len(cfg.ScrapeConfigs), len(exporters))
	}
	dir := t.TempDir()
	list, _ := yaml.Marshal([]map[string]any{{"targets": targets}})
	targetFile := filepath.Join(dir, "ftp-targets.yml")
	if err := os.WriteFile(targetFile, list, 0o600); err != nil {
		t.Fatal(err)
	}
	cfg.Global = map[string]any{"scrape_interval": "2s", "scrape_timeout": "2s"}
	for i, sc := range cfg.ScrapeConfigs {
		sc["file_sd_configs"] = []any{map[string]any{"files": []string{targetFile}}}
		replaced, modulus := 0, 0
		for _, r := range sc["relabel_configs"].([]any) {
			rule := r.(map[string]any)
			if rule["target_label"] == "__address__" {
				rule["replacement"] = exporters[i]
				replaced++
			}
			if rule["action"] == "hashmod" {
				modulus, _ = rule["modulus"].(int)
			}
			if rule["action"] == "keep" && rule["regex"] != strconv.Itoa(i) {
				t.Fatalf("job %d keeps shard %v", i, rule["regex"])
			}
		}
		if replaced != 1 || modulus != len(exporters) {
			t.Fatalf("job %v: %d __address__ rules, modulus %d; want 1 and %d", sc["job_name"], replaced, modulus, len(exporters))
		}
	}
	out, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
