package report

import (
	"bufio"
	"bytes"
	"fmt"
	"io"

	"github.com/ftpdoctor/ftpdoctor/output"
	"github.com/ftpdoctor/ftpdoctor/probes"
)

// WriteTrace writes the control-connection transcript: "* control
// connection LOCAL -> SERVER" when a connection starts (active mode runs on
// a second one), "> CMD" for each command sent and "< 220 text" for each
// reply line, with the time the reply took. PASS arguments are masked again here, server text is
// escaped (never written raw to a terminal), and output.Options.Redact masks
// secrets a server may have echoed.
func WriteTrace(w io.Writer, transcript []probes.Exchange, opts ...output.Options) error {
	var buf bytes.Buffer
	bw := bufio.NewWriter(&buf)
	conn := ""
	for _, ex := range transcript {
		ex = redactExchange(ex)
		if ex.Conn != conn {
			conn = ex.Conn
			fmt.Fprintf(bw, "* control connection %s\n", clean(conn))
		}
		if ex.Command != "" {
			fmt.Fprintf(bw, "> %s\n", clean(ex.Command))
		}
		if ex.Code == 0 {
			why := ex.Error
			if why == "" {
				why = "no reply"
			}
			fmt.Fprintf(bw, "! %s (after %s)\n", clean(why), fmtMS(ex.ElapsedMS))
			continue
		}
		lines := cleanLines(ex.Text)
		for i, l := range lines {
			sep := "-"
			if i == len(lines)-1 {
				sep = " "
			}
			fmt.Fprintf(bw, "< %d%s%s", ex.Code, sep, l)
			if i == len(lines)-1 {
				fmt.Fprintf(bw, "  (%s)", fmtMS(ex.ElapsedMS))
			}
			fmt.Fprintln(bw)
		}
		if ex.Error != "" {
			fmt.Fprintf(bw, "! %s\n", clean(ex.Error))
		}
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	_, err := w.Write(redactBytes(buf.Bytes(), redactList(opts)))
	return err
}
