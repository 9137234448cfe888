package exporter

import (
	"bufio"
	"cmp"
	"io"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// The exporter writes Prometheus's text exposition format (version 0.0.4,
// https://prometheus.io/docs/instrumenting/exposition_formats/) itself:
// a handful of gauges and counters do not need client_golang, whose
// package init (with protobuf's and procfs's) cost every run of ftpdoctor,
// --version included, about 3 ms of start-up and 4 MB of binary (issue 16).

// contentType is what Prometheus expects of the text format.
const contentType = "text/plain; version=0.0.4; charset=utf-8"

// Metric types, as the # TYPE line names them.
const (
	typeGauge   = "gauge"
	typeCounter = "counter"
)

// family is one metric: its name, help, type and samples. A family
// without samples is not written, as client_golang leaves out a vector
// with no labels set.
type family struct {
	name    string   // e.g. probe_success
	help    string   // one line
	typ     string   // typeGauge or typeCounter
	labels  []string // label names, in the order of each sample's values
	samples []sample // in any order; written sorted by label values
}

// sample is one value of a family.
type sample struct {
	values []string // label values, one per family label
	value  float64  // the sample's value
}

// add appends a sample with the given label values.
func (f *family) add(value float64, labelValues ...string) {
	f.samples = append(f.samples, sample{values: labelValues, value: value})
}

// set sets the sample with these label values, adding it when missing.
func (f *family) set(value float64, labelValues ...string) {
	for i := range f.samples {
		if slices.Equal(f.samples[i].values, labelValues) {
			f.samples[i].value = value
			return
		}
	}
	f.add(value, labelValues...)
}

// writeText writes families in the text format, sorted by name; in each
// family, label names in alphabetical order and samples sorted by their
// label values in that order, as client_golang writes them.
func writeText(w io.Writer, families []family) error {
	bw := bufio.NewWriter(w)
	slices.SortStableFunc(families, func(a, b family) int { return cmp.Compare(a.name, b.name) })
	for _, f := range families {
		if len(f.samples) == 0 {
			continue
		}
		bw.WriteString("# HELP " + f.name + " " + escapeHelp(f.help) + "\n# TYPE " + f.name + " " + f.typ + "\n")
		order := make([]int, len(f.labels)) // label indexes in alphabetical order of names
		for i := range order {
			order[i] = i
		}
		slices.SortFunc(order, func(a, b int) int { return cmp.Compare(f.labels[a], f.labels[b]) })
		samples := make([][]string, len(f.samples)) // label values in that order
		for i, s := range f.samples {
			for _, j := range order {
				samples[i] = append(samples[i], s.values[j])
			}
		}
		byValues := make([]int, len(f.samples))
		for i := range byValues {
			byValues[i] = i
		}
		slices.SortStableFunc(byValues, func(a, b int) int { return slices.Compare(samples[a], samples[b]) })
		for _, i := range byValues {
			bw.WriteString(f.name)
			if len(order) > 0 {
				bw.WriteByte('{')
				for k, j := range order {
					if k > 0 {
						bw.WriteByte(',')
					}
					bw.WriteString(f.labels[j] + `="` + escapeLabel(samples[i][k]) + `"`)
				}
				bw.WriteByte('}')
			}
			bw.WriteString(" " + formatValue(f.samples[i].value) + "\n")
		}
	}
	return bw.Flush()
}

// serveText answers an HTTP request with families in the text format.
func serveText(w http.ResponseWriter, families []family) {
	w.Header().Set("Content-Type", contentType)
	writeText(w, families) // an error here is a client gone away
}

// helpEscaper and labelEscaper escape what the text format requires.
var (
	helpEscaper  = strings.NewReplacer(`\`, `\\`, "\n", `\n`)
	labelEscaper = strings.NewReplacer(`\`, `\\`, "\n", `\n`, `"`, `\"`)
)

// escapeHelp escapes a # HELP text: backslash and line feed.
func escapeHelp(s string) string { return helpEscaper.Replace(s) }

// escapeLabel escapes a label value: backslash, line feed, double quote.
func escapeLabel(s string) string { return labelEscaper.Replace(s) }

// formatValue writes a sample value as Go's shortest representation,
// with the format's spellings of infinity and NaN.
func formatValue(v float64) string {
	switch {
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	case math.IsNaN(v):
		return "NaN"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}
