package history

import (
	"errors"
	"testing"
	"time"

	"github.com/ftpdoctor/ftpdoctor/probes"
	"github.com/ftpdoctor/ftpdoctor/report"
	"github.com/ftpdoctor/ftpdoctor/verdict"
)

func TestCompareFindsChangedStagesAndCauses(t *testing.T) {
	before := entry("ftp.example.net", 0, verdict.Warning, "passive.data_timeout", "firewall.filtered")
	before.Report.Stages = append(before.Report.Stages,
		report.Stage{ID: "passive", Status: probes.StatusFail, Code: "passive.data_timeout"},
		report.Stage{ID: "firewall", Status: probes.StatusFail, Code: "firewall.filtered"})
	after := entry("FTP.example.net", time.Hour, verdict.OK)
	after.Report.Stages = append(after.Report.Stages,
		report.Stage{ID: "passive", Status: probes.StatusPass, Code: "passive.ok"},
		report.Stage{ID: "active", Status: probes.StatusPass, Code: "active.ok"})
	d, err := Compare(after, before) // any order: the older is Before
	if err != nil {
		t.Fatal(err)
	}
	if d.Before.ID != before.ID || d.Verdict != Changed || d.Changes != 5 {
		t.Fatalf("before %s (want %s), verdict %s, %d changes; want changed and 5", d.Before.ID, before.ID, d.Verdict, d.Changes)
	}
	stages := map[string]Change{}
	for _, s := range d.Stages {
		stages[s.ID] = s.Change
	}
	want := map[string]Change{"dns": Same, "passive": Changed, "active": Added, "firewall": Gone}
	for id, c := range want {
		if stages[id] != c {
			t.Errorf("stage %s: %s; want %s", id, stages[id], c)
		}
	}
	causes := map[string]Change{}
	for _, c := range d.Causes {
		causes[c.Code] = c.Change
	}
	if len(causes) != 2 || causes["passive.data_timeout"] != Gone || causes["firewall.filtered"] != Gone {
		t.Errorf("causes: %v; want both gone", causes)
	}
}

func TestCompareRefusesOtherTargets(t *testing.T) {
	a, b := entry("a.example.net", 0, verdict.OK), entry("b.example.net", 0, verdict.OK)
	if _, err := Compare(a, b); !errors.Is(err, ErrOtherTarget) {
		t.Fatalf("got %v; want ErrOtherTarget", err)
	}
	b = entry("a.example.net", 0, verdict.OK)
	b.Report.Target.Port = 2121
	if _, err := Compare(a, b); !errors.Is(err, ErrOtherTarget) {
		t.Fatalf("other port: got %v; want ErrOtherTarget", err)
	}
}
