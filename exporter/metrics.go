package exporter

import (
	"github.com/ftpdoctor/ftpdoctor/output"
	"github.com/ftpdoctor/ftpdoctor/probes"
	"github.com/ftpdoctor/ftpdoctor/report"
	"github.com/ftpdoctor/ftpdoctor/verdict"
)

// statuses are the values of ftpdoctor_stage_status's status label, one of
// which is 1 for each stage.
var statuses = []probes.Status{probes.StatusPass, probes.StatusWarn, probes.StatusFail, probes.StatusSkip, probes.StatusInterrupted}

// Success reports whether a probe counts as a success: it finished, and a
// working path exists (verdict ok or warning). ftpdoctor_verdict tells the
// two apart. An interrupted probe is no success, so that the absence of
// data still alerts; ftpdoctor_interrupted tells it from a down server.
func Success(rep report.Report) bool {
	return !rep.Interrupted && (rep.Verdict == verdict.OK || rep.Verdict == verdict.Warning)
}

// probeFamilies are one probe's metrics, made for that request alone (as
// blackbox_exporter's fresh registry per probe). Labels stay few and
// bounded: stages, statuses, modes and cause codes come from fixed tables,
// never from the server.
func probeFamilies(rep report.Report) []family {
	var fams []family
	gauge := func(name, help string, value float64) {
		f := family{name: name, help: help, typ: typeGauge}
		f.add(value)
		fams = append(fams, f)
	}
	gauge("probe_success", "1 when the check finished and a working FTP path exists (verdict ok or warning), else 0.", boolValue(Success(rep)))
	gauge("probe_duration_seconds", "Wall time of the whole check.", output.MillisToSeconds(rep.DurationMS))
	gauge("ftpdoctor_interrupted", "1 when the probe's deadline (the scrape timeout less --timeout-offset) ended the check before every stage finished, else 0.", boolValue(rep.Interrupted))
	gauge("ftpdoctor_verdict", "The verdict as its Nagios exit code: 0 ok, 1 warning, 2 critical, 3 unknown.", float64(rep.ExitCode))
	durations := family{name: "ftpdoctor_stage_duration_seconds", help: "Wall time of each stage that ran.", typ: typeGauge, labels: []string{"stage"}}
	status := family{name: "ftpdoctor_stage_status", help: "1 for the status each stage ended with, 0 for the others.", typ: typeGauge, labels: []string{"stage", "status"}}
	modeOK := family{name: "ftpdoctor_data_mode_ok", help: "1 when a listing arrived in the data mode, 0 when it failed; absent when not checked.", typ: typeGauge, labels: []string{"mode"}}
	for _, s := range rep.Stages {
		if s.Status != probes.StatusSkip && s.Code != probes.CodeSkipped {
			durations.set(output.MillisToSeconds(s.DurationMS), string(s.ID))
		}
		for _, st := range statuses {
			status.set(boolValue(s.Status == st), string(s.ID), string(st))
		}
		if st, _ := s.ID.Facts(); st.Data != "" {
			switch s.Status {
			case probes.StatusPass, probes.StatusWarn:
				modeOK.set(1, string(s.ID))
			case probes.StatusFail:
				modeOK.set(0, string(s.ID))
			}
		}
	}
	fams = append(fams, durations, status, modeOK)
	if c := rep.TLS.Certificate; c != nil {
		gauge("ftpdoctor_tls_certificate_not_after_seconds", "Expiry of the server's TLS certificate, as a Unix timestamp.", float64(c.NotAfter.Unix()))
		gauge("ftpdoctor_tls_certificate_verified", "1 when the server's certificate verified for the target's name.", boolValue(c.Verified))
	}
	throughput := family{name: "ftpdoctor_transfer_bytes_per_second", help: "Throughput of the transfer stage's first whole file transfer in each direction (modules with transfer: true).",
		typ: typeGauge, labels: []string{"direction"}}
	transferMetrics(rep, &throughput)
	causes := family{name: "ftpdoctor_cause", help: "1 for each cause the check found, most important first in the report.", typ: typeGauge, labels: []string{"family", "code", "severity"}}
	for _, c := range rep.Causes {
		causes.set(1, string(c.ID), string(c.Code), string(c.Severity))
	}
	return append(fams, throughput, causes)
}

// boolValue is 1 for true, 0 for false.
func boolValue(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// transferMetrics sets the throughput of the transfer stage's first
// binary transfer in each direction that arrived; nothing when the stage
// did not run or no transfer arrived.
func transferMetrics(rep report.Report, throughput *family) {
	for _, s := range rep.Stages {
		if s.ID != probes.StageTransfer || s.Evidence.Transfer == nil {
			continue
		}
		seen := map[string]bool{}
		for _, tr := range s.Evidence.Transfer.Transfers {
			if tr.Status == probes.StatusPass && tr.Type == "I" && !seen[tr.Direction] {
				seen[tr.Direction] = true
				throughput.set(tr.ThroughputBytesPerS, tr.Direction)
			}
		}
	}
}
