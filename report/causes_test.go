package report

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/ftpdoctor/ftpdoctor/probes"
)

// problemCodes reads probes/codes.go and returns every code constant that
// names a problem (not ok, literal, open or skipped).
func problemCodes(t *testing.T) []string {
	t.Helper()
	src, err := os.ReadFile("../probes/codes.go")
	if err != nil {
		t.Fatal(err)
	}
	f, err := parser.ParseFile(token.NewFileSet(), "codes.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	ast.Inspect(f, func(n ast.Node) bool {
		if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
			code, _ := strconv.Unquote(lit.Value)
			switch {
			case code == probes.CodeSkipped, strings.HasSuffix(code, ".ok"), code == probes.DNSLiteral,
				code == probes.LoginAnonymousOK, code == probes.FirewallOpen:
			default:
				out = append(out, code)
			}
		}
		return true
	})
	if len(out) < 40 {
		t.Fatalf("found only %d codes in codes.go", len(out))
	}
	return out
}

// outcomeFor builds an outcome in which code is raised by its stage.
func outcomeFor(code string) probes.Outcome {
	stage := probes.StageID(code[:strings.IndexByte(code, '.')])
	o := healthy()
	switch stage {
	case probes.StageDNS, probes.StageControl, probes.StageLogin:
		status := probes.StatusFail
		if code == probes.ControlDelayedGreeting {
			status = probes.StatusWarn
		}
		o = stopAt(stage, code, "summary of "+code, probes.Evidence{Remote: "10.231.0.2:21", Error: "some error", Replies: []probes.Exchange{ex("", 421, "Too many users.", 1000)}})
		for i := range o.Results {
			if o.Results[i].Stage == stage {
				o.Results[i].Status = status
			}
		}
	default:
		for i := range o.Results {
			if o.Results[i].Stage == stage {
				r := o.Results[i]
				if len(r.Evidence.Attempts) > 0 {
					r.Evidence.Attempts[0].Status, r.Evidence.Attempts[0].Code = probes.StatusFail, code
				}
				o.Results[i] = with(r, probes.StatusFail, code, "summary of "+code)
			}
		}
	}
	return o
}

func TestEveryProblemCodeHasAnEntry(t *testing.T) {
	ids := map[CauseID]bool{CauseDNS: true, CauseCredentials: true, CauseTransferMode: true, CauseServerDown: true, CausePortOrFirewall: true, CauseTLS: true, CauseServerConfig: true}
	for _, code := range problemCodes(t) {
		t.Run(strings.ReplaceAll(code, ".", "_"), func(t *testing.T) {
			e, ok := causeTable[code]
			if !ok {
				t.Fatalf("no cause table entry for %s", code)
			}
			if !ids[e.ID] {
				t.Errorf("entry has unknown cause id %q", e.ID)
			}
			r := Build(outcomeFor(code))
			var c *Cause
			for i := range r.Causes {
				if r.Causes[i].Code == code {
					c = &r.Causes[i]
				}
			}
			if c == nil {
				t.Fatalf("no cause for %s in %+v", code, r.Causes)
			}
			if c.Title != e.Title || c.Explanation == "" || len(c.Fixes) == 0 {
				t.Errorf("incomplete cause %+v", c)
			}
			if strings.Contains(c.Explanation, "%!") || strings.Contains(c.Title, "%!") {
				t.Errorf("format error in %q", c.Explanation)
			}
			for _, f := range c.Fixes {
				if f.Side != SideClient && f.Side != SideServer && f.Side != SideNetwork || f.Text == "" || strings.Contains(f.Text, "%!") {
					t.Errorf("bad fix %+v", f)
				}
			}
			page, err := os.ReadFile("../" + c.Doc)
			if err != nil {
				t.Fatalf("doc page %s: %v", c.Doc, err)
			}
			if !strings.Contains(string(page), "`"+code+"`") {
				t.Errorf("%s does not document %s", c.Doc, code)
			}
			index, err := os.ReadFile("../docs/README.md")
			if err != nil {
				t.Fatal(err)
			}
			for _, line := range strings.Split(string(index), "\n") {
				if strings.Contains(line, "`"+code+"`") && !strings.HasPrefix(line, "| "+string(c.ID)+" |") {
					t.Errorf("docs/README.md lists %s under another family: %s", code, line)
				}
			}
			if !strings.Contains(string(index), "`"+code+"`") {
				t.Errorf("docs/README.md does not list %s", code)
			}
		})
	}
}
