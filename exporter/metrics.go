package exporter

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/ftpdoctor/ftpdoctor/output"
	"github.com/ftpdoctor/ftpdoctor/probes"
	"github.com/ftpdoctor/ftpdoctor/report"
)

// statuses are the values of ftpdoctor_stage_status's status label, one of
// which is 1 for each stage.
var statuses = []probes.Status{probes.StatusPass, probes.StatusWarn, probes.StatusFail, probes.StatusSkip, probes.StatusInterrupted}

// Success reports whether a probe counts as a success: it finished, and a
// working path exists (verdict ok or warning). ftpdoctor_verdict tells the
// two apart. An interrupted probe is no success, so that the absence of
// data still alerts; ftpdoctor_interrupted tells it from a down server.
func Success(rep report.Report) bool {
	return !rep.Interrupted && (rep.Verdict == report.VerdictOK || rep.Verdict == report.VerdictWarning)
}

// Registry is a fresh registry holding one probe's metrics. Labels stay
// few and bounded: stages, statuses, modes and cause codes come from fixed
// tables, never from the server.
func Registry(rep report.Report) *prometheus.Registry {
	reg := prometheus.NewRegistry()
	gauge := func(name, help string) prometheus.Gauge {
		g := prometheus.NewGauge(prometheus.GaugeOpts{Name: name, Help: help})
		reg.MustRegister(g)
		return g
	}
	vec := func(name, help string, labels ...string) *prometheus.GaugeVec {
		g := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: name, Help: help}, labels)
		reg.MustRegister(g)
		return g
	}
	success := gauge("probe_success", "1 when the check finished and a working FTP path exists (verdict ok or warning), else 0.")
	if Success(rep) {
		success.Set(1)
	}
	gauge("probe_duration_seconds", "Wall time of the whole check.").Set(output.MillisToSeconds(rep.DurationMS))
	interrupted := gauge("ftpdoctor_interrupted", "1 when the probe's deadline (the scrape timeout less --timeout-offset) ended the check before every stage finished, else 0.")
	if rep.Interrupted {
		interrupted.Set(1)
	}
	gauge("ftpdoctor_verdict", "The verdict as its Nagios exit code: 0 ok, 1 warning, 2 critical, 3 unknown.").Set(float64(rep.ExitCode))
	durations := vec("ftpdoctor_stage_duration_seconds", "Wall time of each stage that ran.", "stage")
	status := vec("ftpdoctor_stage_status", "1 for the status each stage ended with, 0 for the others.", "stage", "status")
	modeOK := vec("ftpdoctor_data_mode_ok", "1 when a listing arrived in the data mode, 0 when it failed; absent when not checked.", "mode")
	for _, s := range rep.Stages {
		if s.Status != probes.StatusSkip && s.Code != probes.CodeSkipped {
			durations.WithLabelValues(string(s.ID)).Set(output.MillisToSeconds(s.DurationMS))
		}
		for _, st := range statuses {
			v := 0.0
			if s.Status == st {
				v = 1
			}
			status.WithLabelValues(string(s.ID), string(st)).Set(v)
		}
		if st, _ := s.ID.Facts(); st.Data != "" {
			switch s.Status {
			case probes.StatusPass, probes.StatusWarn:
				modeOK.WithLabelValues(string(s.ID)).Set(1)
			case probes.StatusFail:
				modeOK.WithLabelValues(string(s.ID)).Set(0)
			}
		}
	}
	if c := rep.TLS.Certificate; c != nil {
		gauge("ftpdoctor_tls_certificate_not_after_seconds", "Expiry of the server's TLS certificate, as a Unix timestamp.").Set(float64(c.NotAfter.Unix()))
		verified := gauge("ftpdoctor_tls_certificate_verified", "1 when the server's certificate verified for the target's name.")
		if c.Verified {
			verified.Set(1)
		}
	}
	transferMetrics(rep, vec("ftpdoctor_transfer_bytes_per_second", "Throughput of the transfer stage's first whole file transfer in each direction (modules with transfer: true).", "direction"))
	causes := vec("ftpdoctor_cause", "1 for each cause the check found, most important first in the report.", "family", "code", "severity")
	for _, c := range rep.Causes {
		causes.WithLabelValues(string(c.ID), string(c.Code), string(c.Severity)).Set(1)
	}
	return reg
}

// transferMetrics sets the throughput of the transfer stage's first
// binary transfer in each direction that arrived; nothing when the stage
// did not run or no transfer arrived.
func transferMetrics(rep report.Report, throughput *prometheus.GaugeVec) {
	for _, s := range rep.Stages {
		if s.ID != probes.StageTransfer || s.Evidence.Transfer == nil {
			continue
		}
		seen := map[string]bool{}
		for _, tr := range s.Evidence.Transfer.Transfers {
			if tr.Status == probes.StatusPass && tr.Type == "I" && !seen[tr.Direction] {
				seen[tr.Direction] = true
				throughput.WithLabelValues(tr.Direction).Set(tr.ThroughputBytesPerS)
			}
		}
	}
}
