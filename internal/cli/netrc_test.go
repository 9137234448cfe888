package cli

import (
	"strings"
	"testing"
)

const sampleNetrc = `# comment line
machine ftp.example.net login alice password s3cret
machine other.example.net
  login bob
  password "plain"
  account ignored
macdef init
cd /pub
binary

default login anonymous password guest@
`

func TestLookupNetrc(t *testing.T) {
	entries := parseNetrc(strings.NewReader(sampleNetrc))
	tests := []struct {
		name, host, user string
		login, password  string
		ok               bool
	}{
		{"machine_match", "ftp.example.net", "", "alice", "s3cret", true},
		{"case_insensitive_host", "FTP.Example.NET", "", "alice", "s3cret", true},
		{"multi_line_entry", "other.example.net", "", "bob", `"plain"`, true},
		{"user_must_match", "ftp.example.net", "carol", "anonymous", "", false},
		{"default_entry", "unknown.example.net", "", "anonymous", "guest@", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, ok := lookupNetrc(entries, tt.host, tt.user)
			if ok != tt.ok {
				t.Fatalf("ok = %v, want %v (%+v)", ok, tt.ok, e)
			}
			if ok && (e.Login != tt.login || e.Password != tt.password) {
				t.Errorf("got %s/%s, want %s/%s", e.Login, e.Password, tt.login, tt.password)
			}
		})
	}
}

func TestNetrcMacdefDoesNotEatEntries(t *testing.T) {
	entries := parseNetrc(strings.NewReader("macdef m\nmachine evil login x password y\n\nmachine h login u password p\n"))
	if e, ok := lookupNetrc(entries, "h", ""); !ok || e.Login != "u" {
		t.Fatalf("entry after macdef: %+v %v", e, ok)
	}
	if _, ok := lookupNetrc(entries, "evil", ""); ok {
		t.Fatal("a macdef body was read as an entry")
	}
}

func FuzzParseNetrc(f *testing.F) {
	f.Add(sampleNetrc)
	f.Add("machine")
	f.Add("default macdef\n")
	f.Fuzz(func(t *testing.T, s string) {
		for _, e := range parseNetrc(strings.NewReader(s)) {
			if strings.ContainsAny(e.Machine+e.Login+e.Password, " \t\n") {
				t.Fatalf("token with white space: %+v", e)
			}
		}
	})
}
