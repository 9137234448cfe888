package report

import (
	"strings"

	"github.com/ftpdoctor/ftpdoctor/internal/lazy"
	"github.com/ftpdoctor/ftpdoctor/probes"
)

// redactOutcome returns a copy of o in which the argument of every PASS
// command is masked, in the commands and in reply texts that echo them, in
// case a caller recorded one unredacted or a server repeated it.
func redactOutcome(o probes.Outcome) probes.Outcome {
	results := make([]probes.Result, len(o.Results))
	copy(results, o.Results)
	for i := range results {
		e := &results[i].Evidence
		e.Replies = redactExchanges(e.Replies)
		if e.Attempts != nil {
			atts := make([]probes.Attempt, len(e.Attempts))
			copy(atts, e.Attempts)
			for j := range atts {
				atts[j].Reply = redactExchange(atts[j].Reply)
				if atts[j].List != nil {
					l := redactExchange(*atts[j].List)
					atts[j].List = &l
				}
				if atts[j].Opening != nil {
					o := redactExchange(*atts[j].Opening)
					atts[j].Opening = &o
				}
				atts[j].Error = redactEcho(atts[j].Error)
			}
			e.Attempts = atts
		}
		e.ServerError = redactEcho(e.ServerError)
		e.OtherService = redactEcho(e.OtherService)
		e.Error = redactEcho(e.Error)
		results[i].Summary = redactEcho(results[i].Summary)
	}
	o.Results = results
	o.Transcript = redactExchanges(o.Transcript)
	return o
}

func redactExchanges(in []probes.Exchange) []probes.Exchange {
	if in == nil {
		return nil
	}
	out := make([]probes.Exchange, len(in))
	for i := range in {
		out[i] = redactExchange(in[i])
	}
	return out
}

func redactExchange(ex probes.Exchange) probes.Exchange {
	ex.Command = redactCommand(ex.Command)
	ex.Text = redactEcho(ex.Text)
	ex.Error = redactEcho(ex.Error)
	return ex
}

// passEcho matches a PASS or ACCT command quoted inside a text, as servers
// echo unknown commands: "500 'PASS x': command not understood". The quote
// (or the start of the text) before the verb keeps product sentences such
// as "failed after PASS with ..." intact.
var passEcho = lazy.Regexp("(?i)(^|['\"`(\\[<])(PASS|ACCT)(\\s+)[^\\s'\"`)\\]>]+")

// redactEcho masks the argument of PASS or ACCT quoted in a text.
func redactEcho(s string) string {
	if !strings.Contains(strings.ToUpper(s), "PASS") && !strings.Contains(strings.ToUpper(s), "ACCT") {
		return s
	}
	return passEcho().ReplaceAllString(s, "$1$2$3****")
}

// redactCommand masks the argument of PASS and ACCT (RFC 959 section 4.1.1).
func redactCommand(cmd string) string {
	word, _, found := strings.Cut(strings.TrimLeft(cmd, " "), " ")
	if found && (strings.EqualFold(word, "PASS") || strings.EqualFold(word, "ACCT")) {
		return strings.ToUpper(word) + " ****"
	}
	return cmd
}
