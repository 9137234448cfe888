package cli

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/mattn/go-isatty"
	urfave "github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/ftpdoctor/ftpdoctor/output"
	"github.com/ftpdoctor/ftpdoctor/report"
	"github.com/ftpdoctor/ftpdoctor/scan"
	"github.com/ftpdoctor/ftpdoctor/scan/render"
	"github.com/ftpdoctor/ftpdoctor/verdict"
	"github.com/ftpdoctor/ftpdoctor/web"
)

// format is one output format: its renderer for each kind of report. A nil
// renderer means the format does not apply to that kind of report.
type format struct {
	check  output.Renderer[report.Report]              // check
	demo   output.Renderer[report.Report]              // demo: many reports one after another
	scan   output.Renderer[scan.Report]                // range
	listen output.Renderer[scan.ListenReport]          // listen's final report
	batch  func(io.Writer, output.Options) batchWriter // batch: one record per target, as they come
}

// formats is every output format by its --format name. Adding one is one
// entry here (html is the web page's self-contained report file).
var formats = map[string]format{
	"table":  {check: report.WriteTable, demo: report.WriteTable, scan: render.WriteRangeTable, listen: render.WriteListenEnd, batch: newBatchTable},
	"json":   {check: writeCheckJSON, demo: report.WriteJSONLine, scan: render.WriteRangeJSON, listen: render.WriteListenJSON, batch: newBatchJSONLines},
	"nagios": {check: report.WriteNagios, scan: render.WriteRangeNagios},
	"html":   {check: web.WriteHTML},
}

// The kinds of report a command prints, for chosenFormat: each says whether
// a format can render it.
var (
	forCheck  = func(f format) bool { return f.check != nil }
	forDemo   = func(f format) bool { return f.demo != nil }
	forRange  = func(f format) bool { return f.scan != nil }
	forListen = func(f format) bool { return f.listen != nil }
	forBatch  = func(f format) bool { return f.batch != nil }
)

// writeCheckJSON adapts report.WriteJSON, whose options are optional.
func writeCheckJSON(w io.Writer, r report.Report, opts output.Options) error {
	return report.WriteJSON(w, r, opts)
}

// formatNames lists the formats of a kind of report (all when usable is
// nil) for messages, sorted.
func formatNames(usable func(format) bool) string {
	var names []string
	for n, f := range formats {
		if usable == nil || usable(f) {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// formatFlags choose the output format: every command that prints a report
// has them; usable says which formats the command's report takes.
func formatFlags(usable func(format) bool) []urfave.Flag {
	return []urfave.Flag{
		&urfave.StringFlag{Name: "format", Value: "table", Usage: "output `FORMAT`: " + formatNames(usable) + " (JSON: schema version 1, see docs/json.md)"},
		&urfave.BoolFlag{Name: "json", Usage: "short for --format json"},
	}
}

// outputFlags are the format flags and the table's options.
func outputFlags(usable func(format) bool) []urfave.Flag {
	return append(formatFlags(usable),
		&urfave.IntFlag{Name: "width", DefaultText: "the terminal's width; none when piped", Usage: "wrap the table and its text to `N` columns (0: never wrap)"},
		&urfave.BoolFlag{Name: "no-color", Usage: "never color the output (also: NO_COLOR set, or output not a terminal)"},
		&urfave.BoolFlag{Name: "trace", Usage: "print the control-connection transcript on stderr (password redacted)"},
		&urfave.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "show every stage's evidence in the table"},
	)
}

// thresholdFlags are --warning and --critical on the total time; reason
// says how the report names a crossed threshold.
func thresholdFlags(reason string) []urfave.Flag {
	return []urfave.Flag{
		&urfave.DurationFlag{Name: "warning", DefaultText: "off", Usage: "raise the verdict to at least WARNING when the whole run takes longer than `DURATION`, " + reason},
		&urfave.DurationFlag{Name: "critical", DefaultText: "off", Usage: "raise the verdict to CRITICAL when the whole run takes longer than `DURATION`, " + reason},
	}
}

// thresholds reads --warning and --critical.
func thresholds(c *urfave.Context) (output.Thresholds, error) {
	t := output.Thresholds{Warning: c.Duration("warning"), Critical: c.Duration("critical")}
	switch {
	case c.IsSet("warning") && t.Warning <= 0:
		return t, usageError("--warning must be positive, got %s", t.Warning)
	case c.IsSet("critical") && t.Critical <= 0:
		return t, usageError("--critical must be positive, got %s", t.Critical)
	case t.Warning > 0 && t.Critical > 0 && t.Warning > t.Critical:
		return t, usageError("--warning (%s) must not exceed --critical (%s)", t.Warning, t.Critical)
	}
	return t, nil
}

// reportOutput reads how check and range render: the format, the output
// options and the --warning and --critical thresholds.
func reportOutput(c *urfave.Context, usable func(format) bool) (string, format, output.Options, error) {
	name, f, err := chosenFormat(c, usable)
	if err != nil {
		return name, f, output.Options{}, err
	}
	opts, err := outputOptions(c)
	if err != nil {
		return name, f, opts, err
	}
	opts.Thresholds, err = thresholds(c)
	return name, f, opts, err
}

// chosenFormat reads --format and --json: the format's name and renderers,
// among the formats usable for the command's kind of report.
func chosenFormat(c *urfave.Context, usable func(format) bool) (string, format, error) {
	name := strings.ToLower(strings.TrimSpace(c.String("format")))
	if c.Bool("json") {
		if c.IsSet("format") && name != "json" {
			return "", format{}, usageError("--json is short for --format json: it contradicts --format %s", c.String("format"))
		}
		name = "json"
	}
	f, ok := formats[name]
	if !ok || !usable(f) {
		return "", format{}, usageError("--format must be one of %s, got %q", formatNames(usable), c.String("format"))
	}
	return name, f, nil
}

// minWidth is the narrowest --width accepted: below it no column of the
// table has room for a word.
const minWidth = 40

// outputOptions reads the table's options: colour, verbosity and width.
func outputOptions(c *urfave.Context) (output.Options, error) {
	opts := output.Options{Color: useColor(c.Bool("no-color"), c.App.Writer), Verbose: c.Bool("verbose")}
	if c.IsSet("width") {
		w := c.Int("width")
		if w != 0 && w < minWidth {
			return opts, usageError("--width must be 0 (never wrap) or at least %d columns, got %d", minWidth, w)
		}
		opts.Width = w
		return opts, nil
	}
	opts.Width = terminalWidth(c.App.Writer)
	return opts, nil
}

// terminalWidth is the width to wrap to when w is a terminal: COLUMNS when
// set (as ls does), else the terminal's own size; 0 (never wrap) when w is
// not a terminal or neither is known.
func terminalWidth(w io.Writer) int {
	f, ok := w.(*os.File)
	if !ok || !isTerminal(f) {
		return 0
	}
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n > 0 {
		return max(n, minWidth)
	}
	if n, _, err := term.GetSize(int(f.Fd())); err == nil && n > 0 {
		return max(n, minWidth)
	}
	return 0
}

// useColor decides whether to color output: never with --no-color, with
// NO_COLOR set, or when w is not a terminal.
func useColor(noColor bool, w io.Writer) bool {
	if noColor || os.Getenv("NO_COLOR") != "" {
		return false
	}
	return isTerminal(w)
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

// writeFailed is the error of a renderer that could not write.
func writeFailed(err error) error {
	return &exitError{code: verdict.ExitUnknown, msg: fmt.Sprintf("writing the report: %s", err)}
}
