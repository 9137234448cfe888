package history

import (
	"errors"
	"fmt"
	"strings"

	"github.com/ftpdoctor/ftpdoctor/report"
)

// Change says how one stage or cause differs between two reports.
type Change string

// The changes Compare finds.
const (
	Same    Change = "same"    // in both, alike
	Changed Change = "changed" // a stage in both, with another status or code
	Gone    Change = "gone"    // only before: a cause that the fix removed, a stage that no longer ran
	Added   Change = "new"     // only after
)

// ErrOtherTarget is Compare's error for two reports of different targets.
var ErrOtherTarget = errors.New("the two reports are of different targets")

// Diff is what changed between two reports of one target, the older
// first ("before/after the fix").
type Diff struct {
	Before, After Entry       // the two reports, Before the older
	Verdict       Change      // Same or Changed
	Stages        []StageDiff // every stage of either, in After's order, then Before's others
	Causes        []CauseDiff // every cause of either: After's first, then the gone ones
	Changes       int         // stages and causes that are not Same
}

// StageDiff is one stage in the two reports.
type StageDiff struct {
	ID            string      // dns, control, tls, login, passive, active or firewall
	Before, After *StageState // nil where the report has no such stage
	Change        Change      // Same, Changed, Gone or Added
}

// StageState is a stage's outcome in one report.
type StageState struct {
	Status  string // pass, warn, fail or skip
	Code    string // the stage's code
	Summary string // one line: what happened
}

// CauseDiff is one cause (by code) in the two reports.
type CauseDiff struct {
	Code     string // e.g. passive.data_timeout
	Title    string // the newer report's title of it
	Severity string // critical or warning, in the newer report that has it
	Doc      string // its docs page
	Change   Change // Same, Gone (fixed) or Added (new)
}

// Compare lays two reports of one target (host and port) side by side, the
// older as Before whatever the order given.
func Compare(a, b Entry) (Diff, error) {
	ta, tb := a.Report.Target, b.Report.Target
	if !strings.EqualFold(ta.Host, tb.Host) || ta.Port != tb.Port {
		return Diff{}, fmt.Errorf("%w: %s:%d and %s:%d", ErrOtherTarget, ta.Host, ta.Port, tb.Host, tb.Port)
	}
	if b.Created.Before(a.Created) {
		a, b = b, a
	}
	d := Diff{Before: a, After: b, Verdict: Same}
	if a.Report.Verdict != b.Report.Verdict {
		d.Verdict = Changed
	}
	d.Stages = compareStages(a.Report.Stages, b.Report.Stages)
	d.Causes = compareCauses(a.Report.Causes, b.Report.Causes)
	for _, s := range d.Stages {
		if s.Change != Same {
			d.Changes++
		}
	}
	for _, c := range d.Causes {
		if c.Change != Same {
			d.Changes++
		}
	}
	return d, nil
}

// compareStages pairs stages by id.
func compareStages(before, after []report.Stage) []StageDiff {
	state := func(s report.Stage) *StageState {
		return &StageState{Status: string(s.Status), Code: string(s.Code), Summary: s.Summary}
	}
	old := map[string]report.Stage{}
	for _, s := range before {
		old[string(s.ID)] = s
	}
	var out []StageDiff
	seen := map[string]bool{}
	for _, s := range after {
		id := string(s.ID)
		seen[id] = true
		sd := StageDiff{ID: id, After: state(s), Change: Added}
		if o, ok := old[id]; ok {
			sd.Before, sd.Change = state(o), Same
			if o.Status != s.Status || o.Code != s.Code {
				sd.Change = Changed
			}
		}
		out = append(out, sd)
	}
	for _, s := range before {
		if !seen[string(s.ID)] {
			out = append(out, StageDiff{ID: string(s.ID), Before: state(s), Change: Gone})
		}
	}
	return out
}

// compareCauses pairs causes by code.
func compareCauses(before, after []report.Cause) []CauseDiff {
	had := map[string]bool{}
	for _, c := range before {
		had[string(c.Code)] = true
	}
	var out []CauseDiff
	has := map[string]bool{}
	for _, c := range after {
		if has[string(c.Code)] {
			continue // one line per code: several accounts may raise one
		}
		has[string(c.Code)] = true
		ch := Added
		if had[string(c.Code)] {
			ch = Same
		}
		out = append(out, CauseDiff{Code: string(c.Code), Title: c.Title, Severity: string(c.Severity), Doc: c.Doc, Change: ch})
	}
	for _, c := range before {
		if !has[string(c.Code)] {
			has[string(c.Code)] = true
			out = append(out, CauseDiff{Code: string(c.Code), Title: c.Title, Severity: string(c.Severity), Doc: c.Doc, Change: Gone})
		}
	}
	return out
}
