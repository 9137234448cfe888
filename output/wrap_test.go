package output

import (
	"strings"
	"testing"

	"github.com/ftpdoctor/ftpdoctor/internal/lazy"
)

func TestWrap(t *testing.T) {
	cases := []struct {
		name  string
		text  string
		width int
		want  []string
	}{
		{"fits_is_one_line", "a short line", 40, []string{"a short line"}},
		{"no_width_is_one_line", "a short line", 0, []string{"a short line"}},
		{"breaks_at_spaces", "one two three four", 9, []string{"one two", "three", "four"}},
		{"exact_width_fits", "one two", 7, []string{"one two"}},
		{"runs_of_spaces_collapse", "one   two three", 8, []string{"one two", "three"}},
		{"long_word_is_cut_only_when_wider_than_the_line", "a 0123456789abc b", 10, []string{"a", "0123456789", "abc b"}},
		{"number_keeps_its_unit", "took 1.0 s and 68 bytes", 8, []string{"took", "1.0 s", "and", "68 bytes"}},
		{"colour_takes_no_column", "\x1b[31mred\x1b[0m word", 8, []string{"\x1b[31mred\x1b[0m word"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := Wrap(tc.text, tc.width)
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("Wrap(%q, %d) = %q, want %q", tc.text, tc.width, got, tc.want)
			}
		})
	}
}

func TestWrapLines(t *testing.T) {
	cases := []struct {
		name  string
		text  string
		width int
		want  string
	}{
		{"short_lines_untouched", "a\n  b\n", 10, "a\n  b\n"},
		{"indent_kept", "   one two three four", 12, "   one two\n   three\n   four"},
		{"dash_item_hangs", "     - one two three four", 14, "     - one two\n       three\n       four"},
		{"numbered_item_hangs", "1. [warning] Title words", 14, "1. [warning]\n   Title words"},
		{"no_width_untouched", "a long line that would wrap", 0, "a long line that would wrap"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := WrapLines(tc.text, tc.width); got != tc.want {
				t.Errorf("WrapLines(%q, %d) =\n%q\nwant\n%q", tc.text, tc.width, got, tc.want)
			}
		})
	}
}

// TestLazyRegexpsCompile compiles the package's regular expressions, which
// are compiled on first use (package lazy).
func TestLazyRegexpsCompile(t *testing.T) {
	if err := lazy.CompileAll(); err != nil {
		t.Fatal(err)
	}
}
