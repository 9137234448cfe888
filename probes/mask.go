package probes

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// minMaskedEverywhere is the shortest password masked wherever it occurs
// in a reply. A shorter one (one or two characters) is masked only where
// the reply echoes it as a whole token: with no letter or digit right
// before or after it ("530 Password x is wrong", `PASS "ab"`). Masking
// every occurrence of "ab" would garble "about" and "table" in every
// reply, and hide the text an admin needs.
const minMaskedEverywhere = 3

// maskSecret replaces the password in one line of a server's reply with
// "****": every occurrence of a password of three characters or more, and
// every whole-token occurrence of a shorter one.
func maskSecret(line, secret string) string {
	if secret == "" {
		return line
	}
	if len(secret) >= minMaskedEverywhere {
		return strings.ReplaceAll(line, secret, "****")
	}
	var b strings.Builder
	for i := 0; i < len(line); {
		j := strings.Index(line[i:], secret)
		if j < 0 {
			b.WriteString(line[i:])
			break
		}
		start, end := i+j, i+j+len(secret)
		b.WriteString(line[i:start])
		if wordAt(line, start, end) {
			b.WriteString("****")
		} else {
			b.WriteString(secret)
		}
		i = end
	}
	return b.String()
}

// wordAt reports whether line[start:end] stands alone: no letter or digit
// touches it on either side.
func wordAt(line string, start, end int) bool {
	if r, _ := utf8.DecodeLastRuneInString(line[:start]); start > 0 && isWordRune(r) {
		return false
	}
	if r, _ := utf8.DecodeRuneInString(line[end:]); end < len(line) && isWordRune(r) {
		return false
	}
	return true
}

// isWordRune reports whether r belongs to a word.
func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// MaskIn returns text with the password replaced by "****" as a server's
// echo of it is (maskSecret): everywhere when it has three characters or
// more, as a whole token when shorter. Outputs that repeat text from
// elsewhere (a batch line, a page) mask it the same way.
func (s Secret) MaskIn(text string) string {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		lines[i] = maskSecret(l, string(s))
	}
	return strings.Join(lines, "\n")
}
