package report

import (
	"fmt"
	"maps"
	"strings"

	"github.com/ftpdoctor/ftpdoctor/probes"
)

// severityRule says how a cause's severity is decided.
type severityRule int

const (
	alwaysCritical severityRule = iota // the user cannot work at all
	alwaysWarning                      // something works, with a caveat
	dataRule                           // critical only when no data mode works
)

// entry is one row of the cause table.
type entry struct {
	Severity severityRule           // how the severity is decided
	Title    string                 // one line
	Explain  func(f finding) string // what happened, quoting the evidence
	Fixes    func(f finding) []Fix  // what to change, by side
}

// causeTable is the one table keyed by code: every code in probes/codes.go
// that means a problem. Each causes_*.go file adds its part with causes;
// no list of the parts is kept.
var causeTable = map[probes.Code]entry{}

// causes adds one part of the cause table and returns it. A code in two
// parts is a programming error, found by any test of the package.
func causes(part map[probes.Code]entry) map[probes.Code]entry {
	for code := range part {
		if _, dup := causeTable[code]; dup {
			panic("report: code in two cause tables: " + code)
		}
	}
	maps.Copy(causeTable, part)
	return part
}

// DocPath is the page that documents one problem code: what it means, the
// evidence the report shows and the fixes by side.
func DocPath(code probes.Code) string { return "docs/causes/" + string(code) + ".md" }

// FamilyDocPath is the page of a cause family: what the family means and
// the list of its codes. A code the cause table does not know points here,
// since it has no page of its own.
func FamilyDocPath(id probes.Family) string { return "docs/causes/family-" + string(id) + ".md" }

// cause turns a finding into a Cause through the table, or through the
// fallback when the table has no entry for the code.
func (f finding) cause() Cause {
	e, ok := causeTable[f.code]
	family := f.family()
	if !ok {
		e = fallbackEntry(f, family)
	}
	c := Cause{
		ID:          family,
		Code:        f.code,
		Stage:       f.result.Stage,
		Severity:    f.severity(e.Severity),
		Title:       e.Title,
		Explanation: e.Explain(f),
		Fixes:       sortFixes(e.Fixes(f)),
		Doc:         DocPath(f.code),
	}
	if !ok {
		c.Doc = FamilyDocPath(family)
	}
	if c.Fixes == nil {
		c.Fixes = []Fix{}
	}
	return c
}

// severity decides a finding's severity from its rule and the outcome.
func (f finding) severity(rule severityRule) Severity {
	switch {
	case f.status() == probes.StatusWarn, rule == alwaysWarning:
		return SeverityWarning
	case rule == dataRule && dataWorks(f.outcome):
		return SeverityWarning
	}
	return SeverityCritical
}

// sortFixes orders fixes client, server, network, keeping the order within
// a side.
func sortFixes(in []Fix) []Fix {
	var out []Fix
	for _, side := range []Side{SideClient, SideServer, SideNetwork} {
		for _, f := range in {
			if f.Side == side {
				out = append(out, f)
			}
		}
	}
	return out
}

// family is the finding's cause family. It follows the user's first
// action (docs/causes/family-transfer_mode.md): a data-path problem of one
// mode while the other mode works is a transfer_mode cause, whose first fix
// is the client's mode setting, whatever its family when no mode works. A
// code the table does not know takes its stage's family.
func (f finding) family() probes.Family {
	info, ok := f.code.Info()
	if !ok {
		if st, ok := f.result.Stage.Facts(); ok {
			return st.Family
		}
		return probes.FamilyServerConfig
	}
	if info.Family == probes.FamilyPortOrFirewall && f.otherModeWorks() {
		return probes.FamilyTransferMode
	}
	return info.Family
}

// otherModeWorks reports whether the finding belongs to one data mode
// while another mode transferred a listing. The firewall stage's facts
// keep their own family: they are a further cause.
func (f finding) otherModeWorks() bool {
	st, _ := f.result.Stage.Facts()
	if st.Data == "" || worked(stageResult(f.outcome, st.ID)) {
		return false
	}
	for _, other := range probes.DataStages() {
		if other.ID != st.ID && worked(stageResult(f.outcome, other.ID)) {
			return true
		}
	}
	return false
}

// fallbackEntry reports a code the table does not know, with the raw code,
// summary and reply, so that a gap in the table never hides a failure. Its
// severity follows the stage: always critical for a critical stage, else
// critical only when no data mode works.
func fallbackEntry(f finding, id probes.Family) entry {
	rule := dataRule
	if st, ok := f.result.Stage.Facts(); !ok || st.Critical {
		rule = alwaysCritical
	}
	code := string(f.code)
	if code == "" {
		code = "(no code)"
	}
	return entry{
		Severity: rule,
		Title:    fmt.Sprintf("Unrecognised result %s in the %s stage", code, f.result.Stage),
		Explain: func(f finding) string {
			parts := []string{fmt.Sprintf("The %s stage ended with %s and code %s, which this version of ftpdoctor has no explanation for.", f.result.Stage, f.status(), code)}
			if f.result.Summary != "" {
				parts = append(parts, "Summary: "+f.result.Summary+".")
			}
			if ex, ok := lastReply(f); ok {
				parts = append(parts, "Last reply: "+quoteExchange(ex)+".")
			}
			if f.result.Evidence.Error != "" {
				parts = append(parts, "Error: "+f.result.Evidence.Error+".")
			}
			return strings.Join(parts, " ")
		},
		Fixes: func(f finding) []Fix {
			return []Fix{{SideClient, "Read the full control transcript (ftpdoctor --trace) and the stage evidence in the JSON output (--json); report the code " + code + " to the ftpdoctor project so it can be explained."}}
		},
	}
}

// lastReply is the most telling reply of a finding: the attempt's listing
// or data-command reply, or the stage's last reply.
func lastReply(f finding) (probes.Exchange, bool) {
	if a := f.attempt; a != nil {
		if a.List != nil {
			return *a.List, true
		}
		return a.Reply, true
	}
	if n := len(f.result.Evidence.Replies); n > 0 {
		return f.result.Evidence.Replies[n-1], true
	}
	return probes.Exchange{}, false
}
