package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ftpdoctor/ftpdoctor/probes"
)

// clean makes text from the server safe for a terminal: every rune that is
// not printable (control characters, escape sequences, C1 controls,
// invalid UTF-8, bidirectional overrides) is written as a Go escape like
// \x1b or \u202e, so the text is shown, never interpreted.
// Clean makes server-supplied text safe to show: control, bidi and invalid
// bytes are written as escapes, the rest as it is.
func Clean(s string) string { return clean(s) }

func clean(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == ' ' || (unicode.IsPrint(r) && !unicode.Is(unicode.Bidi_Control, r)):
			b.WriteRune(r)
		default:
			q := strconvQuoteRune(r)
			b.WriteString(q)
		}
		i += size
	}
	return b.String()
}

// strconvQuoteRune renders one non-printable rune as a Go escape without
// quotes: \t, \n, \x1b, \u009b.
func strconvQuoteRune(r rune) string {
	switch r {
	case '\t':
		return `\t`
	case '\n':
		return `\n`
	case '\r':
		return `\r`
	}
	if r < 0x80 {
		return fmt.Sprintf(`\x%02x`, r)
	}
	if r <= 0xffff {
		return fmt.Sprintf(`\u%04x`, r)
	}
	return fmt.Sprintf(`\U%08x`, r)
}

// cleanLines cleans each line of a multi-line text and keeps the line
// breaks, for renderers that show one line per reply line.
func cleanLines(s string) []string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = clean(strings.TrimSuffix(l, "\r"))
	}
	return lines
}

// minRedactLen is the shortest secret masked in output: masking one or two
// characters everywhere would make the output unreadable.
const minRedactLen = 3

// redactBytes masks each secret in out, in the forms it can take there:
// as is, JSON-escaped and terminal-escaped.
func redactBytes(out []byte, secrets []probes.Secret) []byte {
	for _, s := range secrets {
		raw := s.Reveal()
		if len(raw) < minRedactLen {
			continue
		}
		forms := []string{raw, clean(raw)}
		if j, err := json.Marshal(raw); err == nil {
			forms = append(forms, string(j[1:len(j)-1]))
		}
		for _, f := range forms {
			out = bytes.ReplaceAll(out, []byte(f), []byte("****"))
		}
	}
	return out
}
