package output

import (
	"strings"

	"github.com/mattn/go-runewidth"

	"github.com/ftpdoctor/ftpdoctor/internal/lazy"
)

// ansi matches the colour escapes fatih/color writes; they take no column.
var ansi = lazy.Regexp("\x1b\\[[0-9;]*m")

// DisplayWidth is how many terminal columns s takes: colour escapes take
// none, wide characters two.
func DisplayWidth(s string) int {
	return runewidth.StringWidth(ansi().ReplaceAllString(s, ""))
}

// Wrap breaks text into lines of at most width columns at spaces, words
// kept whole. A single word wider than width is the only thing ever cut,
// at width, since it cannot fit otherwise. width <= 0 returns text as one
// line.
func Wrap(text string, width int) []string {
	if width <= 0 || DisplayWidth(text) <= width {
		return []string{text}
	}
	var lines []string
	line, lineWidth := "", 0
	for _, word := range words(text) {
		ww := DisplayWidth(word)
		switch {
		case lineWidth == 0:
		case lineWidth+1+ww <= width:
			line, lineWidth = line+" "+word, lineWidth+1+ww
			continue
		default:
			lines = append(lines, line)
		}
		for ww > width { // a word wider than the whole line: cut it
			head := runewidth.Truncate(word, width, "")
			if head == "" { // a wide character in a one-column line: take it whole
				head = string([]rune(word)[:1])
			}
			lines = append(lines, head)
			word = word[len(head):]
			ww = DisplayWidth(word)
		}
		line, lineWidth = word, ww
	}
	if lineWidth > 0 || len(lines) == 0 {
		lines = append(lines, line)
	}
	return lines
}

// unit matches a unit word that must stay on the line of its number
// ("1.0 s", "68 bytes"), with what punctuation follows it.
var unit = lazy.Regexp(`^(ms|s|µs|bytes?|ports?|tries|retries|retry)\b`)

// words splits text at spaces, keeping a number and its unit together as
// one word (joined by their space).
func words(text string) []string {
	var out []string
	for _, f := range strings.Fields(text) {
		if n := len(out); n > 0 && unit().MatchString(f) && endsInDigit(out[n-1]) {
			out[n-1] += " " + f
			continue
		}
		out = append(out, f)
	}
	return out
}

func endsInDigit(s string) bool {
	return s != "" && s[len(s)-1] >= '0' && s[len(s)-1] <= '9'
}

// listMarker matches what starts a list item after the indent: "- " or
// "12. ". Its continuation lines line up after it.
var listMarker = lazy.Regexp(`^(- |[0-9]+\. )`)

// WrapLines wraps every line of text longer than width at word boundaries.
// A continuation line keeps the indent of the line it continues, and lines
// up after a "- " or "1. " marker ("     - Clients that ..." continues
// under "Clients"), so that wrapped prose stays readable. width <= 0
// returns text unchanged.
func WrapLines(text string, width int) string {
	if width <= 0 {
		return text
	}
	lines := strings.Split(text, "\n")
	out := make([]string, 0, len(lines))
	for _, line := range lines {
		if DisplayWidth(line) <= width {
			out = append(out, line)
			continue
		}
		rest := strings.TrimLeft(line, " ")
		indent := strings.Repeat(" ", len(line)-len(rest))
		if len(indent) > width/2 {
			indent = ""
		}
		hang := indent + strings.Repeat(" ", len(listMarker().FindString(rest)))
		if len(hang) > width/2 {
			hang = indent
		}
		first := Wrap(rest, width-len(indent))
		out = append(out, indent+first[0])
		if more := strings.Join(first[1:], " "); more != "" {
			for _, l := range Wrap(more, width-len(hang)) {
				out = append(out, hang+l)
			}
		}
	}
	return strings.Join(out, "\n")
}
