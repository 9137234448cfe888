package report

import (
	"bytes"
	"encoding/json"
	"github.com/ftpdoctor/ftpdoctor/output"
	"io"
)

// WriteJSONLine writes the report as one line of compact JSON (JSON Lines:
// https://jsonlines.org), in the schema of WriteJSON, ended by "\n".
// output.Options.Redact masks secrets as in WriteJSON.
func WriteJSONLine(w io.Writer, r Report, opts output.Options) error {
	return WriteJSONLineOf(w, r, opts)
}

// WriteJSONLineOf writes any record that holds a report (such as batch's,
// which adds the line of the list) as WriteJSONLine writes a report.
func WriteJSONLineOf(w io.Writer, v any, opts output.Options) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(redactBytes(buf.Bytes(), opts.Redact))
	return err
}
