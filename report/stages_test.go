package report

import (
	"os"
	"strings"
	"testing"

	"github.com/ftpdoctor/ftpdoctor/probes"
)

// howTo is where a failure of the tests below sends the reader.
const howTo = "see \"Adding a stage\" in probes' package doc (probes/doc.go)"

func TestEveryStageHasItsCodesEntriesAndPages(t *testing.T) {
	families := map[probes.Family]bool{}
	for _, id := range causeIDs {
		families[id] = true
	}
	for _, st := range probes.Registry {
		t.Run(string(st.ID), func(t *testing.T) {
			if !families[st.Family] {
				t.Errorf("stage %s: its Family %q is not a cause family with a page docs/causes/family-*.md; %s", st.ID, st.Family, howTo)
			}
			var codes, oks int
			for _, code := range probes.Codes() {
				info, _ := code.Info()
				if info.Stage != st.ID {
					continue
				}
				codes++
				if !info.Problem {
					oks++
					continue
				}
				if _, ok := causeTable[code]; !ok {
					t.Errorf("stage %s: problem code %s has no entry in report's cause table (report/causes_%s.go); %s", st.ID, code, st.ID, howTo)
				}
				if _, err := os.Stat("../" + DocPath(code)); err != nil {
					t.Errorf("stage %s: problem code %s has no page %s; %s", st.ID, code, DocPath(code), howTo)
				}
			}
			switch {
			case codes == 0:
				t.Errorf("stage %s has no code in the code table (probes/codes.go); %s", st.ID, howTo)
			case oks == 0:
				t.Errorf("stage %s has no ok code (one that is no problem) in the code table (probes/codes.go); %s", st.ID, howTo)
			}
		})
	}
}

// TestDocsListEveryStage keeps the lists of stages in the documentation
// true to Registry: docs/json.md's stage order and critical stages, and
// README.md's table of stages.
func TestDocsListEveryStage(t *testing.T) {
	var all, critical []string
	for _, st := range probes.Registry {
		all = append(all, string(st.ID))
		if st.Critical {
			critical = append(critical, string(st.ID))
		}
	}
	jsonDoc := flat(readDoc(t, "docs/json.md"))
	if want := "in run order: " + strings.Join(all, ", ") + " |"; !strings.Contains(jsonDoc, want) {
		t.Errorf("docs/json.md does not list the stages as %q; %s", want, howTo)
	}
	names := strings.Join(critical[:len(critical)-1], ", ") + " or " + critical[len(critical)-1]
	if want := "failure is critical failed: the " + names + " stage;"; !strings.Contains(jsonDoc, want) {
		t.Errorf("docs/json.md's verdict rules do not name the critical stages as %q; %s", want, howTo)
	}
	readme := readDoc(t, "README.md")
	for _, id := range all {
		if !strings.Contains(readme, "\n| "+id+" |") {
			t.Errorf("README.md's table of stages has no row for %s; %s", id, howTo)
		}
	}
}
