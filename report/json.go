package report

import (
	"bytes"
	"encoding/json"
	"io"

	"github.com/ftpdoctor/ftpdoctor/output"
	"github.com/ftpdoctor/ftpdoctor/probes"
)

// WriteJSON writes the report as indented JSON, schema version 1 (see
// docs/json.md). output.Options.Redact masks secrets; colour and verbosity do not
// apply: the JSON always carries every fact.
func WriteJSON(w io.Writer, r Report, opts ...output.Options) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		return err
	}
	_, err := w.Write(redactBytes(buf.Bytes(), redactList(opts)))
	return err
}

// redactList gathers the secrets of optional output.Options.
func redactList(opts []output.Options) []probes.Secret {
	var out []probes.Secret
	for _, o := range opts {
		out = append(out, o.Redact...)
	}
	return out
}
