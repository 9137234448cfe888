package report

import (
	"fmt"
	"sort"

	"github.com/ftpdoctor/ftpdoctor/output"
	"github.com/ftpdoctor/ftpdoctor/probes"
	"github.com/ftpdoctor/ftpdoctor/verdict"
)

// CodeSlow is the code of the cause a crossed --warning or --critical
// threshold on the total time adds. No stage produces it: Judge does, after
// Build, so it is not in probes' code table.
const CodeSlow probes.Code = "check.slow"

// slowFamily is CodeSlow's cause family: a check slow enough to cross a
// threshold is most often the server's own lookups before it answers.
const slowFamily = probes.FamilyServerConfig

// slowEntry explains CodeSlow; the finding's result is the slowest stage,
// its Summary the threshold phrase of output.Thresholds.Judge.
var slowEntry = entry{
	Severity: alwaysWarning, // Judge sets critical for --critical
	Title:    "The check took longer than its time threshold",
	Explain: func(f finding) string {
		r := f.result
		text := fmt.Sprintf("The whole check took longer than allowed: %s. The slowest stage was %s: %s.", r.Summary, r.Stage, output.Millis(millis(r.Duration)))
		switch r.Stage {
		case probes.StageControl, probes.StageLogin, probes.StageTLS:
			return text + " A slow greeting or login is most often the server looking up the client's name (reverse DNS) or asking its ident service before it answers; a client waits for it on every connection."
		case probes.StageDNS:
			return text + " The name took long to resolve: the resolver, not the FTP server, was slow."
		}
		return text + " Time spent on data connections: a data port that does not answer costs --timeout before the next try (see the other causes), and every listing costs round trips."
	},
	Fixes: func(f finding) []Fix {
		out := []Fix{{SideClient, "If this time is normal for this server (a distant server, a slow link), raise --warning and --critical to fit it."}}
		out = append(out, serverFixes(f.outcome.Server, noClientLookups)...)
		return append(out, Fix{SideNetwork, "Measure the round-trip time to the server (ping, mtr): every FTP command costs at least one round trip, a listing several."})
	},
}

// noClientLookups switches off the lookups a server makes on each new
// client before it greets or logs it in.
var noClientLookups = setting{
	generic: "Switch off the server's reverse-DNS and ident lookups of clients, or make the server's resolver answer quickly.",
	by: map[string]string{
		probes.SoftwareVsftpd:   "set reverse_lookup_enable=NO in vsftpd.conf and restart vsftpd.",
		probes.SoftwareProFTPD:  "set UseReverseDNS off and IdentLookups off in proftpd.conf and restart ProFTPD.",
		probes.SoftwarePureFTPd: "start pure-ftpd with --dontresolve (-H).",
	},
}

// Judge applies the --warning and --critical thresholds on the total time
// to a built report: over one, it adds a CodeSlow cause (critical for
// --critical) naming the measured time, the threshold and the slowest
// stage, and raises the verdict. It is pure, as Build is.
func Judge(r Report, t output.Thresholds) Report {
	v, over := t.Judge(msDuration(r.DurationMS))
	if over == "" {
		return r
	}
	slowest := probes.Result{Stage: probes.StageDNS}
	for _, s := range r.Stages {
		if d := msDuration(s.DurationMS); s.Status != probes.StatusSkip && d >= slowest.Duration {
			slowest = probes.Result{Stage: s.ID, Duration: d, Status: s.Status}
		}
	}
	slowest.Code, slowest.Summary = CodeSlow, over
	f := finding{code: CodeSlow, result: slowest, outcome: probes.Outcome{Server: r.Server}}
	c := Cause{ID: slowFamily, Code: CodeSlow, Stage: slowest.Stage, Severity: SeverityWarning, Title: slowEntry.Title,
		Explanation: slowEntry.Explain(f), Fixes: sortFixes(slowEntry.Fixes(f)), Doc: DocPath(CodeSlow)}
	if v == verdict.Critical {
		c.Severity = SeverityCritical
	}
	r.Causes = append(append([]Cause{}, r.Causes...), c)
	sort.SliceStable(r.Causes, func(i, j int) bool {
		return r.Causes[i].Severity == SeverityCritical && r.Causes[j].Severity != SeverityCritical
	})
	r.Verdict = verdict.Worst(r.Verdict, v)
	r.ExitCode = r.Verdict.ExitCode()
	return r
}
