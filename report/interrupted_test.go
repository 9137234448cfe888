package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/ftpdoctor/ftpdoctor/output"
	"github.com/ftpdoctor/ftpdoctor/probes"
	"github.com/ftpdoctor/ftpdoctor/verdict"
)

// cutShort is the healthy outcome with the given stages interrupted: the
// first as cut short while it ran, the rest as never begun.
func cutShort(o probes.Outcome, ids ...probes.StageID) probes.Outcome {
	for i, r := range o.Results {
		for j, id := range ids {
			if r.Stage != id {
				continue
			}
			if j == 0 {
				o.Results[i] = with(r, probes.StatusInterrupted, probes.ActiveListTimeout, "cut short by the run's deadline: no reply to LIST")
			} else {
				o.Results[i] = probes.NotReached(id)
			}
		}
	}
	return o
}

// TestInterruptedCheckIsUnknownInEveryFormat: a check the deadline cut
// short after everything that ran passed is unknown (exit 3), with no
// cause, and every format says it was interrupted. A real failure seen
// before the deadline keeps its verdict.
func TestInterruptedCheckIsUnknownInEveryFormat(t *testing.T) {
	r := Build(cutShort(healthy(), probes.StageActive, probes.StageFirewall))
	if r.Verdict != verdict.Unknown || r.ExitCode != verdict.ExitUnknown || !r.Interrupted || len(r.Causes) != 0 {
		t.Fatalf("verdict %s exit %d interrupted %v causes %+v", r.Verdict, r.ExitCode, r.Interrupted, r.Causes)
	}
	var table, nagios, js bytes.Buffer
	if err := WriteTable(&table, r, output.Options{}); err != nil {
		t.Fatal(err)
	}
	WriteNagios(&nagios, r, output.Options{})
	WriteJSON(&js, r)
	if !strings.Contains(table.String(), "| interrupted |") || !strings.Contains(table.String(), "Interrupted: ") ||
		!strings.Contains(table.String(), "No problems found before the deadline.") {
		t.Errorf("table:\n%s", table.String())
	}
	if want := "FTP UNKNOWN - ftp.test.zone:21: interrupted by the deadline before active, firewall finished |"; !strings.HasPrefix(nagios.String(), want) {
		t.Errorf("nagios: %q, want it to begin %q", nagios.String(), want)
	}
	if strings.Contains(nagios.String(), "firewall=") {
		t.Errorf("nagios has perfdata for a stage that never began: %s", nagios.String())
	}
	var doc struct {
		Interrupted bool `json:"interrupted"`
		Stages      []struct {
			ID     string `json:"id"`
			Status string `json:"status"`
		} `json:"stages"`
	}
	if err := json.Unmarshal(js.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	status := map[string]string{}
	for _, s := range doc.Stages {
		status[s.ID] = s.Status
	}
	if !doc.Interrupted || status["active"] != "interrupted" || status["firewall"] != "interrupted" {
		t.Errorf("json: %s", js.String())
	}

	// A login refused before the deadline: critical, as without it.
	failed := cutShort(healthy(), probes.StagePassive, probes.StageActive, probes.StageFirewall)
	*at(&failed, probes.StageLogin) = with(*at(&failed, probes.StageLogin), probes.StatusFail, probes.LoginRejected, "530 Login incorrect.")
	if r := Build(failed); r.Verdict != verdict.Critical || !r.Interrupted {
		t.Errorf("login refused, then interrupted: verdict %s interrupted %v", r.Verdict, r.Interrupted)
	}
}
