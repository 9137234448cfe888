package web

import (
	"bytes"
	"context"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ftpdoctor/ftpdoctor/fixtures"
	"github.com/ftpdoctor/ftpdoctor/output"
	"github.com/ftpdoctor/ftpdoctor/probes"
	"github.com/ftpdoctor/ftpdoctor/report"
)

func TestHostileBannerEscaped(t *testing.T) {
	srv := fixtures.StartT(t, fixtures.Script{Greeting: "220 <script>alert(1)</script>\x1b[31m", Users: map[string]string{"alice": testPassword}})
	ts := startWeb(t, Options{})
	c := browser(t)
	loc, page := runCheck(t, c, ts.URL, url.Values{"csrf": {formToken(t, c, ts.URL)}, "target": {srv.Addr()},
		"user": {"alice"}, "password": {testPassword}})
	_, file := get(t, c, ts.URL+loc+"/download")
	for what, s := range map[string]string{"page": page, "download": file} {
		if strings.Contains(s, "<script>alert") || strings.Contains(s, "\x1b") {
			t.Errorf("the banner is live markup or a raw escape in the %s", what)
		}
		if !strings.Contains(s, `&lt;script&gt;alert(1)&lt;/script&gt;\x1b[31m`) {
			t.Errorf("the banner is not shown as text in the %s", what)
		}
	}
}

var hrefs = regexp.MustCompile(`href="([^"]*)"`)

func TestWriteHTMLDemoSizes(t *testing.T) {
	for _, sc := range fixtures.DemoScenarios() {
		t.Run(sc.Name, func(t *testing.T) {
			t.Parallel()
			in, err := sc.Start()
			if err != nil {
				t.Fatal(err)
			}
			defer in.Close()
			env := probes.DefaultEnv()
			env.Dialer = in.Dialer
			cfg := probes.Config{Target: probes.Target{Host: in.Host, Port: in.Port, User: in.User},
				Password: probes.Secret(in.Password), Timeout: time.Second, Mode: probes.ModeBoth,
				TLS: probes.TLSMode(in.TLS), Roots: in.Roots, Anonymous: in.User == "anonymous"}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			rep := report.Build(probes.Check(ctx, cfg, env))
			var buf bytes.Buffer
			if err := WriteHTML(&buf, rep, output.Options{Redact: []probes.Secret{cfg.Password}}); err != nil {
				t.Fatal(err)
			}
			if buf.Len() > 100<<10 {
				t.Errorf("%d bytes, want under 100 KB", buf.Len())
			}
			out := buf.String()
			if strings.Contains(out, fixtures.DemoPassword) {
				t.Error("the password is in the file")
			}
			for _, bad := range []string{"<script", "src=", "<link", "url("} {
				if strings.Contains(out, bad) {
					t.Errorf("the file has %q: not self-contained", bad)
				}
			}
			for _, m := range hrefs.FindAllStringSubmatch(out, -1) {
				if !strings.HasPrefix(m[1], PublicDocs+"docs/") && !strings.HasPrefix(m[1], "#") {
					t.Errorf("link %q: a file read away from the page links the public docs only", m[1])
				}
			}
			t.Logf("%s: %s bytes", sc.Name, strconv.Itoa(buf.Len()))
		})
	}
}
