package cli

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/invopop/jsonschema"

	"github.com/ftpdoctor/ftpdoctor/fixtures"
	"github.com/ftpdoctor/ftpdoctor/internal/contract"
	"github.com/ftpdoctor/ftpdoctor/internal/testutil"
	"github.com/ftpdoctor/ftpdoctor/output"
	"github.com/ftpdoctor/ftpdoctor/probes"
	"github.com/ftpdoctor/ftpdoctor/report"
	"github.com/ftpdoctor/ftpdoctor/scan/render"
	"github.com/ftpdoctor/ftpdoctor/verdict"
)

// schemaSources are the packages whose field comments become the schemas'
// descriptions, relative to this package.
var schemaSources = []string{"../../report", "../../probes", "../../scan", "../../verdict", "."}

// TestSchemaIsGenerated checks every schema under docs/schema against the
// one generated from the Go types that write the JSON, and rewrites them
// with -update: the published contract cannot drift from the code.
func TestSchemaIsGenerated(t *testing.T) {
	for _, k := range contract.Kinds {
		t.Run(string(k), func(t *testing.T) {
			b, err := json.MarshalIndent(generateSchema(t, k), "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			testutil.GoldenFile(t, filepath.Join("..", "..", "docs", "schema", k.File()), append(b, '\n'))
		})
	}
}

// generateSchema reflects the Go types of one kind of document. Demo and
// the web page's download are check reports: their schemas refer to
// check's. A batch record is a report record or an error record.
func generateSchema(t *testing.T, k contract.Kind) *jsonschema.Schema {
	var s *jsonschema.Schema
	switch k {
	case contract.Check:
		s = reflectSchema(t, report.Report{})
		s.Title = "ftpdoctor check report"
		s.Description = "check --format json: one report, with one or many accounts (docs/json.md)."
	case contract.Range:
		s = reflectSchema(t, render.RangeJSON{})
		s.Title = "ftpdoctor range report"
		s.Description = "range --format json (docs/json.md)."
	case contract.Listen:
		s = reflectSchema(t, render.ListenJSON{})
		s.Title = "ftpdoctor listen report"
		s.Description = "listen --format json (docs/json.md)."
	case contract.Batch:
		rep, bad := reflectSchema(t, BatchReport{}), reflectSchema(t, BatchError{})
		for name, d := range bad.Definitions {
			rep.Definitions[name] = d
		}
		s = &jsonschema.Schema{Title: "ftpdoctor batch record",
			Description: "One line of batch --format json (JSON Lines): the report of a line that parsed, or the error record of one that did not (docs/json.md).",
			OneOf:       []*jsonschema.Schema{{Ref: rep.Ref}, {Ref: bad.Ref}}, Definitions: rep.Definitions}
	case contract.Demo:
		s = &jsonschema.Schema{Title: "ftpdoctor demo report",
			Description: "One line of demo --format json (JSON Lines): a check report.", Ref: contract.Check.File()}
	case contract.Web:
		s = &jsonschema.Schema{Title: "ftpdoctor web report download",
			Description: "The web page's JSON download (/check/ID/json): a check report.", Ref: contract.Check.File()}
	}
	s.Version = jsonschema.Version
	s.ID = jsonschema.ID(k.ID())
	return s
}

// closedWords maps the string types whose every value the code lists to
// an enum of those values, so that a new word fails validation until the
// schema is refreshed: verdicts, severities, fix sides and client modes.
func closedWords(ty reflect.Type) *jsonschema.Schema {
	words := map[reflect.Type][]any{
		reflect.TypeFor[verdict.Verdict]():   {verdict.OK, verdict.Warning, verdict.Critical, verdict.Unknown},
		reflect.TypeFor[report.Severity]():   {report.SeverityCritical, report.SeverityWarning},
		reflect.TypeFor[report.Side]():       {report.SideClient, report.SideServer, report.SideNetwork},
		reflect.TypeFor[report.ClientMode](): {report.ModePassive, report.ModeActive, report.ModeEither, report.ModeNone, report.ModeUnknown},
	}
	if w, ok := words[ty]; ok {
		return &jsonschema.Schema{Type: "string", Enum: w}
	}
	return nil
}

// reflectSchema reflects one Go type: every property not omitted when
// empty is required, no other property is allowed, and the fields'
// trailing comments are the descriptions. Two types of one name in one
// schema fail the test rather than share a definition.
func reflectSchema(t *testing.T, v any) *jsonschema.Schema {
	t.Helper()
	seen := map[string]string{}
	r := &jsonschema.Reflector{Anonymous: true, Namer: func(ty reflect.Type) string {
		full := ty.PkgPath() + "." + ty.Name()
		if prev, ok := seen[ty.Name()]; ok && prev != full {
			t.Errorf("two types named %s in one schema: %s and %s", ty.Name(), prev, full)
		}
		seen[ty.Name()] = full
		return ty.Name()
	}}
	r.Mapper = closedWords
	for _, dir := range schemaSources {
		if err := r.AddGoComments("github.com/ftpdoctor/ftpdoctor/internal/cli", dir); err != nil {
			t.Fatal(err)
		}
	}
	return r.Reflect(v)
}

// assertJSONContract validates the standard output of a command run with
// --json or --format json against the command's schema (docs/schema), so
// that every JSON the command tests produce follows the contract. An empty
// output (a usage error) has nothing to check.
func assertJSONContract(t *testing.T, args []string, out []byte) {
	t.Helper()
	kinds := map[string]contract.Kind{"check": contract.Check, "range": contract.Range, "listen": contract.Listen,
		"batch": contract.Batch, "demo": contract.Demo}
	k, ok := kinds[firstArg(args)]
	if !ok || len(out) == 0 || !asksJSON(args) || slices.Contains(args, "--list") {
		return
	}
	contract.Assert(t, k, out)
}

// firstArg is the command's name: the first argument.
func firstArg(args []string) string {
	if len(args) == 0 {
		return ""
	}
	return args[0]
}

// asksJSON says whether arguments choose the JSON format.
func asksJSON(args []string) bool {
	for i, a := range args {
		if a == "--json" || a == "--format=json" || a == "--format" && i+1 < len(args) && args[i+1] == "json" {
			return true
		}
	}
	return false
}

// TestEveryDemoScenarioFollowsTheSchema runs every demo scenario and writes
// each report in every JSON form the tool has: demo's JSON Lines, check's
// document (also the web page's download) and batch's record.
func TestEveryDemoScenarioFollowsTheSchema(t *testing.T) {
	code, out, stderr := runCLI(t, "", "demo", "--json", "--timeout", "300ms")
	if code != verdict.ExitOK {
		t.Fatalf("demo exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != len(fixtures.DemoScenarios()) {
		t.Fatalf("%d lines, want one per scenario (%d): JSON Lines", len(lines), len(fixtures.DemoScenarios()))
	}
	for i, l := range lines {
		var rep report.Report
		if err := json.Unmarshal([]byte(l), &rep); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		var doc, rec bytes.Buffer
		if err := report.WriteJSON(&doc, rep); err != nil {
			t.Fatal(err)
		}
		contract.Assert(t, contract.Check, doc.Bytes())
		contract.Assert(t, contract.Web, doc.Bytes())
		if err := report.WriteJSONLineOf(&rec, BatchReport{Line: i + 1, Input: rep.Target.Host, Report: rep}, output.Options{}); err != nil {
			t.Fatal(err)
		}
		contract.Assert(t, contract.Batch, rec.Bytes())
	}
}

// TestSchemaRefusesAnUndescribedField checks that the schemas are closed:
// a field the schema does not describe fails, at the top and deep inside.
func TestSchemaRefusesAnUndescribedField(t *testing.T) {
	var doc bytes.Buffer
	if err := report.WriteJSON(&doc, report.Build(probes.Outcome{Target: probes.Target{Host: "127.0.0.1", Port: 21}})); err != nil {
		t.Fatal(err)
	}
	if err := contract.Validate(contract.Check, doc.Bytes()); err != nil {
		t.Fatalf("a report with no stage: %v", err)
	}
	cases := map[string][2]string{
		"top_level":  {`"schema_version": 1,`, `"schema_version": 1, "surprise": true,`},
		"in_target":  {`"host": "127.0.0.1",`, `"host": "127.0.0.1", "surprise": 1,`},
		"float_tail": {`"duration_ms": 0,`, `"duration_ms": 0.30000000000000004,`},
		"wrong_type": {`"exit_code": 3,`, `"exit_code": "3",`},
		"new_word":   {`"verdict": "unknown",`, `"verdict": "fine",`},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			bad := strings.Replace(doc.String(), c[0], c[1], 1)
			if bad == doc.String() {
				t.Fatalf("%q not in the report:\n%s", c[0], doc.String())
			}
			if contract.Validate(contract.Check, []byte(bad)) == nil {
				t.Errorf("validates with %s", c[1])
			}
		})
	}
}

// TestListenJSONFollowsTheSchema: listen --json writes one report when it
// stops, in the schema of docs/schema/listen.schema.json (runRange
// validates it).
func TestListenJSONFollowsTheSchema(t *testing.T) {
	low := testutil.FreePortRun(t, 2)
	code, out, stderr := runRange(t, "listen", "--json", "--address", "127.0.0.1", "--duration", "200ms", strconv.Itoa(low)+"-"+strconv.Itoa(low+1))
	var rep render.ListenJSON
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != verdict.ExitOK || rep.BoundCount != 2 {
		t.Fatalf("exit %d, %v: %s (stderr %q)", code, err, out, stderr)
	}
}
