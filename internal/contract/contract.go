// Package contract holds ftpdoctor's JSON contract as tests see it: the
// kinds of JSON document the tool writes, the JSON Schema (draft 2020-12)
// of each, published under docs/schema and embedded by package docs, and
// Validate, which checks an output against its schema with a maintained
// validator. Every schema forbids properties it does not describe
// (additionalProperties false), so a field the code emits and the schema
// lacks fails validation. The schemas are generated from the Go types by a
// test of internal/cli (go test ./internal/cli -run TestSchema -update).
package contract

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/ftpdoctor/ftpdoctor/docs"
)

// Kind is one kind of JSON document ftpdoctor writes.
type Kind string

// The kinds of JSON document, each with its schema docs/schema/KIND.schema.json.
const (
	Check  Kind = "check"  // check --format json: one report, with one or many accounts
	Range  Kind = "range"  // range --format json
	Listen Kind = "listen" // listen --format json
	Batch  Kind = "batch"  // batch --format json: JSON Lines, a report or an error record a line
	Demo   Kind = "demo"   // demo --format json: JSON Lines, one check report a line
	Web    Kind = "web"    // the web page's JSON download: one check report
)

// Kinds is every kind, in the order docs/json.md presents them.
var Kinds = []Kind{Check, Range, Listen, Batch, Demo, Web}

// BaseID is the URI every schema's $id starts with: the folder of the
// schemas in the repository.
const BaseID = "https://github.com/ftpdoctor/ftpdoctor/blob/main/docs/schema/"

// File is the schema's file name under docs/schema.
func (k Kind) File() string { return string(k) + ".schema.json" }

// ID is the schema's $id.
func (k Kind) ID() string { return BaseID + k.File() }

// Lines says whether the kind is JSON Lines (one compact document a line)
// rather than one document.
func (k Kind) Lines() bool { return k == Batch || k == Demo }

// compiled holds the schemas, compiled once per test binary.
var compiled = sync.OnceValues(compile)

// compile loads every embedded schema under its $id, so that one may refer
// to another, and compiles each kind's.
func compile() (map[Kind]*jsonschema.Schema, error) {
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	for _, k := range Kinds {
		b, err := fs.ReadFile(docs.Schemas, "schema/"+k.File())
		if err != nil {
			return nil, err
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", k.File(), err)
		}
		if err := c.AddResource(k.ID(), doc); err != nil {
			return nil, err
		}
	}
	out := map[Kind]*jsonschema.Schema{}
	for _, k := range Kinds {
		s, err := c.Compile(k.ID())
		if err != nil {
			return nil, err
		}
		out[k] = s
	}
	return out, nil
}

// Validate checks out, the whole output of a command of kind k, against
// the kind's schema, each line on its own for JSON Lines, and checks that
// every time is rounded as docs/json.md says (see Rounded).
func Validate(k Kind, out []byte) error {
	schemas, err := compiled()
	if err != nil {
		return fmt.Errorf("loading docs/schema: %w", err)
	}
	docs := [][]byte{out}
	if k.Lines() {
		docs = bytes.Split(bytes.TrimSuffix(out, []byte("\n")), []byte("\n"))
	}
	for i, d := range docs {
		where := string(k)
		if k.Lines() {
			where = fmt.Sprintf("%s line %d", k, i+1)
		}
		if k.Lines() && (len(d) == 0 || bytes.ContainsAny(d, "\r")) {
			return fmt.Errorf("%s: not one JSON object a line", where)
		}
		inst, err := decodeOne(d)
		if err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
		if err := schemas[k].Validate(inst); err != nil {
			return fmt.Errorf("%s does not follow docs/schema/%s: %v", where, k.File(), err)
		}
		if err := Rounded(inst, ""); err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
	}
	return nil
}

// Assert is Validate for a test: it reports the violation as an error of t.
func Assert(t testing.TB, k Kind, out []byte) {
	t.Helper()
	if err := Validate(k, out); err != nil {
		t.Errorf("%v\n%s", err, clip(out))
	}
}

// decodeOne decodes exactly one JSON value, numbers kept as written.
func decodeOne(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("not JSON: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("more than one JSON value")
	}
	return v, nil
}

// Rounded checks the numbers of a decoded document (json.Number leaves):
// a time in milliseconds (a key ending in _ms) has at most one decimal, a
// time in seconds (_seconds) at most three, and no number is written with
// an exponent, so that no binary floating-point tail reaches a reader.
func Rounded(v any, key string) error {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			if err := Rounded(e, k); err != nil {
				return err
			}
		}
	case []any:
		for _, e := range v {
			if err := Rounded(e, key); err != nil {
				return err
			}
		}
	case json.Number:
		s := string(v)
		if strings.ContainsAny(s, "eE") {
			return fmt.Errorf("%s: %s is written with an exponent", key, s)
		}
		_, frac, _ := strings.Cut(s, ".")
		switch {
		case strings.HasSuffix(key, "_ms") && len(frac) > 1:
			return fmt.Errorf("%s: %s ms has more than one decimal", key, s)
		case strings.HasSuffix(key, "_seconds") && len(frac) > 3:
			return fmt.Errorf("%s: %s s has more than three decimals", key, s)
		}
	}
	return nil
}

// clip shortens an output quoted in a failure.
func clip(b []byte) string {
	if len(b) > 2000 {
		return string(b[:2000]) + "..."
	}
	return string(b)
}
