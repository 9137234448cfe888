package web

import (
	"net/url"
	"strings"
	"testing"

	"github.com/ftpdoctor/ftpdoctor/fixtures"
)

func TestFormRefusedComesBackFilled(t *testing.T) {
	srv := fixtures.StartT(t, fixtures.Script{Users: map[string]string{"alice": testPassword}})
	ts := startWeb(t, Options{Burst: 100, Rate: 100})
	c := browser(t)
	tests := []struct {
		name      string
		form      url.Values
		want      int
		msg       string
		kept      []string // what the form shows again
		notEchoed []string // what it must not show
	}{
		{"password_in_target_without_scheme", url.Values{"target": {"alice:Secret99@" + srv.Addr()}, "mode": {"passive"}},
			400, "password field", []string{`value="alice@` + srv.Addr() + `"`, `value="passive" selected`}, []string{"Secret99"}},
		{"password_in_url", url.Values{"target": {"ftp://alice:Secret99@" + srv.Addr() + "/pub/"}, "tls": {"off"}},
			400, "password field", []string{`value="ftp://alice@` + srv.Addr() + `/pub/"`, `value="off" selected`}, []string{"Secret99"}},
		{"cr_lf_in_user", url.Values{"target": {srv.Addr()}, "user": {"alice\r\nDELE important.txt"}, "password": {testPassword}},
			400, "control character", []string{`value="` + srv.Addr() + `"`, `value="aliceDELE important.txt"`}, []string{testPassword}},
		{"lf_in_password", url.Values{"target": {srv.Addr()}, "user": {"alice"}, "password": {"pw\nSITE x"}},
			400, "control character", []string{`value="alice"`}, []string{"SITE x"}},
		{"unknown_module", url.Values{"target": {srv.Addr()}, "user": {"alice"}, "password": {testPassword}, "module": {"nope"}},
			400, "unknown module", []string{`value="alice"`, `value="` + srv.Addr() + `"`}, []string{testPassword}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.form.Set("csrf", formToken(t, c, ts.URL))
			resp, body := post(t, c, ts.URL, tt.form)
			if resp.StatusCode != tt.want || !strings.Contains(body, tt.msg) {
				t.Fatalf("status %d, want %d with %q:\n%s", resp.StatusCode, tt.want, tt.msg, body)
			}
			if !strings.Contains(body, `id="check-form"`) || !csrfField.MatchString(body) {
				t.Fatalf("the refusal is not the form with a fresh token:\n%s", body)
			}
			for _, k := range tt.kept {
				if !strings.Contains(body, k) {
					t.Errorf("the form came back without %s", k)
				}
			}
			for _, n := range tt.notEchoed {
				if strings.Contains(body, n) || strings.Contains(ts.log.String(), n) {
					t.Errorf("%q is echoed in the page or the log", n)
				}
			}
		})
	}
	if cmds := srv.Commands(); len(cmds) != 0 {
		t.Errorf("the FTP server received %v: a refused form must not connect", cmds)
	}
}

func TestWithoutPassword(t *testing.T) {
	tests := []struct {
		in, want string
		had      bool
	}{
		{"alice:pw@host", "alice@host", true},
		{"alice:p:w@x@host:21", "alice@host:21", true},
		{"ftp://alice:pw@host/pub", "ftp://alice@host/pub", true},
		{"ftpes://a:b@[::1]:2121", "ftpes://a@[::1]:2121", true},
		{"alice@host", "alice@host", false},
		{"host:21", "host:21", false},
		{"[::1]:21", "[::1]:21", false},
		{"ftp://host/", "ftp://host/", false},
	}
	for _, tt := range tests {
		got, had := withoutPassword(tt.in)
		if got != tt.want || had != tt.had {
			t.Errorf("withoutPassword(%q) = %q, %v; want %q, %v", tt.in, got, had, tt.want, tt.had)
		}
	}
}
