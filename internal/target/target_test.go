package target

import (
	"strings"
	"testing"
	"unicode"

	"github.com/ftpdoctor/ftpdoctor/probes"
)

func TestParseTarget(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want probes.Target
		pass string
		err  string
	}{
		{"host", "ftp.example.net", probes.Target{Host: "ftp.example.net", Port: 21}, "", ""},
		{"host_port", "ftp.example.net:2121", probes.Target{Host: "ftp.example.net", Port: 2121}, "", ""},
		{"user_at_host", "alice@ftp.example.net:2121", probes.Target{Host: "ftp.example.net", Port: 2121, User: "alice"}, "", ""},
		{"user_password_at_host_as_curl", "alice:Secret99@ftp.example.net", probes.Target{Host: "ftp.example.net", Port: 21, User: "alice"}, "Secret99", ""},
		{"password_with_colon_and_at", "alice:a:b@c@host:2121", probes.Target{Host: "host", Port: 2121, User: "alice"}, "a:b@c", ""},
		{"empty_password", "alice:@host", probes.Target{Host: "host", Port: 21, User: "alice"}, "", ""},
		{"password_without_user", ":Secret99@host", probes.Target{}, "", "empty user"},
		{"ipv4", "127.0.0.1", probes.Target{Host: "127.0.0.1", Port: 21}, "", ""},
		{"ipv6_bare", "::1", probes.Target{Host: "::1", Port: 21}, "", ""},
		{"ipv6_bracket_port", "[::1]:2121", probes.Target{Host: "::1", Port: 2121}, "", ""},
		{"ipv6_bracket", "[fe80::1]", probes.Target{Host: "fe80::1", Port: 21}, "", ""},
		{"url_full", "ftp://bob:s%40cret@ftp.example.net:2121/pub/dir/", probes.Target{Host: "ftp.example.net", Port: 2121, User: "bob", Path: "pub/dir/", Scheme: "ftp"}, "s@cret", ""},
		{"url_plain", "FTP://ftp.example.net", probes.Target{Host: "ftp.example.net", Port: 21, Scheme: "ftp"}, "", ""},
		{"url_ftps_implicit_port_990", "ftps://ftp.example.net/", probes.Target{Host: "ftp.example.net", Port: 990, Scheme: "ftps"}, "", ""},
		{"url_ftps_port_given", "ftps://ftp.example.net:21/", probes.Target{Host: "ftp.example.net", Port: 21, Scheme: "ftps"}, "", ""},
		{"url_ftpes_explicit_port_21", "ftpes://alice@ftp.example.net", probes.Target{Host: "ftp.example.net", Port: 21, User: "alice", Scheme: "ftpes"}, "", ""},
		{"url_ipv6", "ftp://[::1]:2121/", probes.Target{Host: "::1", Port: 2121, Scheme: "ftp"}, "", ""},
		{"empty", "", probes.Target{}, "", "empty target"},
		{"port_zero", "host:0", probes.Target{}, "", "invalid port"},
		{"port_too_big", "host:65536", probes.Target{}, "", "invalid port"},
		{"port_word", "host:ftp", probes.Target{}, "", "invalid port"},
		{"empty_port", "host:", probes.Target{}, "", "empty port"},
		{"ipv6_unbracketed_port", "fe80::1::21", probes.Target{}, "", "[addr]:port"},
		{"bad_char", "ho$t", probes.Target{}, "", "invalid character"},
		{"space", "ftp example", probes.Target{}, "", "spaces"},
		{"sftp", "sftp://host", probes.Target{}, "", "SSH file transfer"},
		{"http", "http://host", probes.Target{}, "", "unsupported scheme"},
		{"empty_user", "@host", probes.Target{}, "", "empty user"},
		{"missing_bracket", "[::1:21", probes.Target{}, "", "missing ]"},
		{"query", "ftp://host/?x=1", probes.Target{}, "", "query"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, pass, err := Parse(tt.in)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want it to contain %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("err = %v", err)
			}
			if got != tt.want || pass.Reveal() != tt.pass {
				t.Errorf("got %+v pass %q, want %+v pass %q", got, pass.Reveal(), tt.want, tt.pass)
			}
		})
	}
}

func FuzzParseTarget(f *testing.F) {
	for _, s := range []string{"host", "u@h:21", "[::1]:21", "ftp://a:b@c:1/d", "ftp://[", "::", "a@@b", "ftp://%zz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, _, err := Parse(s)
		if err != nil {
			if strings.ContainsAny(err.Error(), "\n") {
				t.Fatalf("multi-line error %q", err)
			}
			return
		}
		if got.Host == "" || got.Port < 1 || got.Port > 65535 {
			t.Fatalf("accepted %q as %+v", s, got)
		}
	})
}

func TestMask(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"url_with_password", "ftp://alice:S3cret@host:21/pub", "ftp://alice:****@host:21/pub"},
		{"url_without_password", "ftp://alice@host", "ftp://alice@host"},
		{"password_with_at", "ftp://alice:a@b@host", "ftp://alice:****@host"},
		{"plain_host", "alice@host:2121", "alice@host:2121"},
		{"bare_with_password", "alice:Secret99@host:2121", "alice:****@host:2121"},
		{"ipv6_no_user", "[::1]:2121", "[::1]:2121"},
		{"malformed", "ftp://alice:S3cret@ho%zz", "ftp://alice:****@ho%zz"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Mask(tt.in); got != tt.want {
				t.Errorf("Mask(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseErrorsMaskThePassword(t *testing.T) {
	for _, in := range []string{"alice:Secret99@ho$t", "alice:Secret99@host:0", "ftp://alice:%zzSecret@host", "ftp://alice:Secret99@host:x", "alice:Secret99@[::1"} {
		_, _, err := Parse(in)
		if err == nil {
			t.Fatalf("%q parsed", in)
		}
		if strings.Contains(err.Error(), "Secret") {
			t.Errorf("%q: the error repeats the password: %v", in, err)
		}
	}
}

// FuzzParsePassword builds targets in the forms that carry a password
// (user:password@host and ftp://user:password@host) and checks that
// neither Parse's error nor Mask repeats the password: when the password
// appears in either, it must appear as well with another password in its
// place (it is then part of the fixed wording, the user or the host).
// .ci/run runs every Fuzz target for 20 s.
func FuzzParsePassword(f *testing.F) {
	for _, s := range [][3]string{{"alice", "Secret99", "host"}, {"alice", "%zz", "host"}, {"a", "pw", "ho$t"}, {"u", "p@ss", "[::1"}, {"u", "x:y", "h:0"}} {
		f.Add(s[0], s[1], s[2])
	}
	const other = "Qw7Kx2"
	f.Fuzz(func(t *testing.T, user, pass, host string) {
		if pass == "" || pass == other || strings.ContainsAny(pass, "/:@%?#[] \t\r\n\x00") {
			// A delimiter changes where the target splits, so that the
			// text is no longer a password (TestParseErrorsMaskThePassword
			// covers %-escapes).
			return
		}
		if len(pass) < 3 && !strings.ContainsFunc(pass, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
			// One or two marks with no letter or digit ("\"") are the
			// punctuation of any error's own wording (Go's url errors quote
			// the character they reject): no text could leave them out, and
			// the outputs mask so short a password only as a whole token
			// (probes.Secret.MaskIn).
			return
		}
		// A password may be part of the fixed wording of an error it
		// caused: only the rest of the text counts.
		variable := func(err error) string {
			text := strings.ReplaceAll(err.Error(), errUserinfo.Error(), "")
			text = strings.ReplaceAll(text, errControl.Error(), "")
			return strings.ReplaceAll(text, "malformed URL: ", "")
		}
		for _, form := range []func(p string) string{
			func(p string) string { return user + ":" + p + "@" + host },
			func(p string) string { return "ftp://" + user + ":" + p + "@" + host },
		} {
			in := form(pass)
			_, _, err := Parse(in)
			_, _, errOther := Parse(form(other))
			if err != nil && strings.Contains(variable(err), pass) && (errOther == nil || !strings.Contains(variable(errOther), pass)) {
				t.Fatalf("Parse(%q): the error repeats the password: %v", in, err)
			}
			if strings.Contains(Mask(in), pass) && !strings.Contains(Mask(form(other)), pass) {
				t.Fatalf("Mask(%q) = %q repeats the password", in, Mask(in))
			}
		}
	})
}
