package report

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ftpdoctor/ftpdoctor/probes"
)

// problemCodes returns every code of probes' code table that names a
// problem.
func problemCodes(t *testing.T) []probes.Code {
	t.Helper()
	var out []probes.Code
	for _, code := range probes.Codes() {
		if info, _ := code.Info(); info.Problem {
			out = append(out, code)
		}
	}
	if len(out) < 40 {
		t.Fatalf("found only %d problem codes", len(out))
	}
	return out
}

// familyOf is the family the code table gives code, or the family of a
// code the report adds itself (CodeSlow).
func familyOf(code probes.Code) probes.Family {
	if code == CodeSlow {
		return slowFamily
	}
	info, _ := code.Info()
	return info.Family
}

// outcomeFor builds an outcome in which code is raised by its stage.
func outcomeFor(code probes.Code) probes.Outcome {
	stage := probes.StageID(code[:strings.IndexByte(string(code), '.')])
	o := healthy()
	switch stage {
	case probes.StageTLS:
		status := probes.StatusFail
		if code == probes.TLSCertExpiring {
			status = probes.StatusWarn
		}
		r := probes.Result{Stage: stage, Status: status, Code: code, Summary: "summary of " + string(code),
			Evidence: probes.Evidence{Replies: []probes.Exchange{ex("AUTH TLS", 234, "Proceed with negotiation.", 1000)}}}
		if code == probes.TLSHandshakeFailed { // the follow-ups found TLS 1.2 working and a plain USER taken
			r.Evidence.Attempts = []probes.Attempt{
				{Command: factTLS12, Status: probes.StatusPass, Code: probes.TLSOK, Negotiated: "TLS 1.2 TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"},
				{Command: factPlainUser, Status: probes.StatusPass, Code: probes.TLSPlain, Reply: ex("USER alice", 331, "Please specify the password.", 1000)},
			}
		}
		*at(&o, stage) = r
		after := false
		for i := range o.Results {
			if after && status == probes.StatusFail {
				o.Results[i] = skipped(o.Results[i].Stage, "TLS failed (see the tls stage)")
			}
			after = after || o.Results[i].Stage == stage
		}
	case probes.StageTransfer:
		o.Results = append(o.Results, transferFailure(code)) // an opt-in stage: healthy() has none
	case probes.StageDNS, probes.StageControl, probes.StageLogin:
		status := probes.StatusFail
		if code == probes.ControlDelayedGreeting {
			status = probes.StatusWarn
		}
		o = stopAt(stage, code, "summary of "+string(code), probes.Evidence{Remote: "10.231.0.2:21", Error: "some error", Replies: []probes.Exchange{ex("", 421, "Too many users.", 1000)}})
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
				o.Results[i] = with(r, probes.StatusFail, code, "summary of "+string(code))
			}
		}
	}
	return o
}

func TestEveryProblemCodeHasAnEntry(t *testing.T) {
	ids := map[probes.Family]bool{}
	for _, id := range causeIDs {
		ids[id] = true
	}
	for _, code := range problemCodes(t) {
		t.Run(strings.ReplaceAll(string(code), ".", "_"), func(t *testing.T) {
			e, ok := causeTable[code]
			if !ok {
				t.Fatalf("no cause table entry for %s", code)
			}
			if !ids[familyOf(code)] {
				t.Errorf("code has unknown cause family %q", familyOf(code))
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
			checkCodePage(t, code, e, *c)
			checkFamilyListing(t, code, familyOf(code))
		})
	}
}

// causeIDs are the cause families, each with a page docs/causes/family-ID.md.
var causeIDs = []probes.Family{probes.FamilyDNS, probes.FamilyCredentials, probes.FamilyTransferMode, probes.FamilyServerDown, probes.FamilyPortOrFirewall, probes.FamilyTLS, probes.FamilyServerConfig, probes.FamilyLocal}

// readDoc reads a page under the repository root, or fails the test.
func readDoc(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile("../" + path)
	if err != nil {
		t.Fatalf("doc page: %v", err)
	}
	return string(b)
}

// flat collapses every run of white space to one space, so that a quoted
// report text matches however the page wraps it.
func flat(s string) string { return strings.Join(strings.Fields(s), " ") }

// fixVariants builds the outcomes under which an entry's fixes are
// collected: every server product and none, with the other data mode
// working or not, with and without a declared passive range.
func fixVariants(code probes.Code) []probes.Outcome {
	var out []probes.Outcome
	for _, sw := range append([]string{""}, softwareOrder...) {
		for _, otherWorks := range []bool{true, false} {
			for _, declared := range []bool{false, true} {
				o := outcomeFor(code)
				o.Server.Software = sw
				if declared {
					o.PassiveRange = &probes.PortRange{Low: 50000, High: 51000}
				}
				stage := probes.StageID(code[:strings.IndexByte(string(code), '.')])
				for i := range o.Results {
					r := &o.Results[i]
					if !otherWorks && r.Stage != stage && (r.Stage == probes.StagePassive || r.Stage == probes.StageActive) {
						r.Status, r.Code = probes.StatusFail, probes.Code(string(r.Stage)+".transfer_failed")
					}
				}
				out = append(out, o)
			}
		}
	}
	return out
}

var sideHeading = map[Side]string{SideClient: "### Client", SideServer: "### Server", SideNetwork: "### Network"}

// checkCodePage checks docs/causes/CODE.md: it is the cause's doc path, its
// title names the code, it links its family page, quotes the report's
// title, has the meaning, evidence and fixes sections, a fixes heading for
// exactly the sides the report can give, and names every server product
// the report has a directive for.
func checkCodePage(t *testing.T, code probes.Code, e entry, c Cause) {
	t.Helper()
	if want := "docs/causes/" + string(code) + ".md"; c.Doc != want || DocPath(code) != want {
		t.Fatalf("doc path %q, want %q", c.Doc, want)
	}
	page := readDoc(t, c.Doc)
	first, _, _ := strings.Cut(page, "\n")
	if !strings.HasPrefix(first, "# ") || !strings.Contains(first, "`"+string(code)+"`") {
		t.Errorf("%s: title %q does not name the code", c.Doc, first)
	}
	if link := fmt.Sprintf("[`%s`](family-%s.md)", familyOf(code), familyOf(code)); !strings.Contains(page, link) {
		t.Errorf("%s does not name its family with %s", c.Doc, link)
	}
	if !strings.Contains(flat(page), flat(e.Title)) {
		t.Errorf("%s does not quote the report title %q", c.Doc, e.Title)
	}
	for _, h := range []string{"## What it means", "## Evidence the report shows", "## Fixes by side"} {
		if !strings.Contains(page, "\n"+h+"\n") {
			t.Errorf("%s lacks the section %q", c.Doc, h)
		}
	}
	sides, named := map[Side]bool{}, map[string]bool{}
	for _, o := range fixVariants(code) {
		f := finding{code: code, outcome: o}
		for _, r := range o.Results {
			if r.Stage == c.Stage {
				f.result = r
				f.attempt = attemptWith(r, code)
			}
		}
		for _, fix := range e.Fixes(f) {
			sides[fix.Side] = true
			// with unknown software, each product that has a directive
			// gets a fix "If it is PRODUCT: DIRECTIVE"
			for _, name := range softwareNames {
				if strings.HasPrefix(fix.Text, "If it is "+name+": ") && !strings.Contains(page, name) && !named[name] {
					named[name] = true
					t.Errorf("%s does not give the %s directive the report prints: %s", c.Doc, name, fix.Text)
				}
			}
		}
	}
	for side, h := range sideHeading {
		if has := strings.Contains(page, "\n"+h+"\n"); has != sides[side] {
			t.Errorf("%s: heading %q present %v, but the report gives %s fixes: %v", c.Doc, h, has, side, sides[side])
		}
	}
}

// checkFamilyListing checks that the family page and docs/README.md list
// the code's page under its family.
func checkFamilyListing(t *testing.T, code probes.Code, id probes.Family) {
	t.Helper()
	family := readDoc(t, FamilyDocPath(id))
	if !strings.Contains(family, "("+string(code)+".md)") {
		t.Errorf("%s does not link %s.md", FamilyDocPath(id), code)
	}
	index := readDoc(t, "docs/README.md")
	link := "(causes/" + string(code) + ".md)"
	heading, found := "", false
	for _, line := range strings.Split(index, "\n") {
		if strings.HasPrefix(line, "#") {
			heading = line
		}
		if strings.Contains(line, link) {
			found = true
			if !strings.Contains(heading, "`"+string(id)+"`") {
				t.Errorf("docs/README.md lists %s under %q, not under family %s", code, heading, id)
			}
		}
	}
	if !found {
		t.Errorf("docs/README.md does not link %s", link)
	}
}

func TestFamilyPages(t *testing.T) {
	index := readDoc(t, "docs/README.md")
	for _, id := range causeIDs {
		path := FamilyDocPath(id)
		page := readDoc(t, path)
		first, _, _ := strings.Cut(page, "\n")
		if !strings.HasPrefix(first, "# ") || !strings.Contains(first, "`"+string(id)+"`") {
			t.Errorf("%s: title %q does not name the family", path, first)
		}
		if !strings.Contains(index, "(causes/family-"+string(id)+".md)") {
			t.Errorf("docs/README.md does not link %s", path)
		}
		// every code the family page links belongs to the family
		for _, m := range regexp.MustCompile(`\]\(([a-z_]+\.[a-z_]+)\.md\)`).FindAllStringSubmatch(page, -1) {
			if _, ok := causeTable[probes.Code(m[1])]; !ok && m[1] != string(CodeSlow) || familyOf(probes.Code(m[1])) != id {
				t.Errorf("%s links %s, which is not a code of the family", path, m[1])
			}
		}
	}
}

func TestNoStrayCausePages(t *testing.T) {
	codes := map[string]bool{}
	for _, code := range problemCodes(t) {
		codes[string(code)] = true
	}
	families := map[string]bool{}
	for _, id := range causeIDs {
		families["family-"+string(id)] = true
	}
	codes[string(CodeSlow)] = true // added by Judge, not by a stage
	for code := range causeTable {
		if _, err := os.Stat("../" + DocPath(code)); err != nil {
			t.Errorf("cause table code %s has no page: %v", code, err)
		}
	}
	pages, err := filepath.Glob("../docs/causes/*.md")
	if err != nil || len(pages) == 0 {
		t.Fatalf("no pages under docs/causes: %v", err)
	}
	for _, p := range pages {
		name := strings.TrimSuffix(filepath.Base(p), ".md")
		if !codes[name] && !families[name] {
			t.Errorf("docs/causes/%s.md documents neither a problem code nor a family", name)
		}
	}
}

func TestUnknownCodeLinksFamilyPage(t *testing.T) {
	o := healthy()
	*at(&o, probes.StageActive) = with(*at(&o, probes.StageActive), probes.StatusFail, "active.brand_new_failure", "something new went wrong")
	r := Build(o)
	if len(r.Causes) != 1 {
		t.Fatalf("causes %+v", r.Causes)
	}
	if c := r.Causes[0]; c.Doc != "docs/causes/family-transfer_mode.md" {
		t.Errorf("unknown code links %q, want the family page", c.Doc)
	}
}
