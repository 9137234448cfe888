package report

import (
	"bytes"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/ftpdoctor/ftpdoctor/output"
	"github.com/ftpdoctor/ftpdoctor/probes"
)

// FuzzCleanServerText feeds arbitrary server text through the table and
// trace renderers: the output must be valid UTF-8 with no control
// character but the line breaks the renderers write themselves, and no
// bidirectional override, so nothing a server sends is interpreted by a
// terminal.
func FuzzCleanServerText(f *testing.F) {
	for _, s := range []string{"220 ok", "bad\xff\xfe\x00", "\x1b[31mred\x1b[0m", "\x1b]0;title\x07", "\u202eevil", "\u009b2J", "a\r\nb"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		o := probes.Outcome{
			Target: probes.Target{Host: "127.0.0.1", Port: 21, User: "alice"},
			Server: probes.ServerInfo{Banner: text},
			Results: []probes.Result{{Stage: probes.StageControl, Status: probes.StatusFail, Code: probes.ControlNotFTP, Summary: text,
				Evidence: probes.Evidence{Remote: "127.0.0.1:21", OtherService: text, Replies: []probes.Exchange{{Code: 220, Text: text}}}}},
			Transcript: []probes.Exchange{{Code: 220, Text: text}, {Command: "USER " + text, Code: 530, Text: text}},
		}
		var out bytes.Buffer
		if err := WriteTable(&out, Build(o), output.Options{Verbose: true}); err != nil {
			t.Fatal(err)
		}
		if err := WriteTrace(&out, o.Transcript); err != nil {
			t.Fatal(err)
		}
		b := out.Bytes()
		if !utf8.Valid(b) {
			t.Fatalf("invalid UTF-8 in the output for %q", text)
		}
		for _, r := range string(b) {
			if (unicode.IsControl(r) && r != '\n') || unicode.Is(unicode.Bidi_Control, r) {
				t.Fatalf("raw control %U reached the output for %q", r, text)
			}
		}
	})
}
