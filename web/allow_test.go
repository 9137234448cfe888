package web

import (
	"net/url"
	"strings"
	"testing"

	"github.com/ftpdoctor/ftpdoctor/fixtures"
	"github.com/ftpdoctor/ftpdoctor/modules"
	"github.com/ftpdoctor/ftpdoctor/probes"
)

// TestAllowLimitsDataConnections: with --allow, an allowed server whose
// 227 names another address (127.0.0.2) does not make the page's check
// connect there, as serve's does not.
func TestAllowLimitsDataConnections(t *testing.T) {
	ftp := fixtures.StartT(t, fixtures.Script{Users: map[string]string{"alice": testPassword}, PassiveAddress: "127.0.0.2"})
	allow, err := modules.ParseHostList([]string{"127.0.0.1/32"})
	if err != nil {
		t.Fatal(err)
	}
	d := &fixtures.Dialer{}
	env := probes.DefaultEnv()
	env.Dialer = d
	ts := startWeb(t, Options{Allow: allow, Env: env, Burst: 100, Rate: 100})
	c := browser(t)
	tok := formToken(t, c, ts.URL)
	_, page := runCheck(t, c, ts.URL, url.Values{"csrf": {tok}, "target": {ftp.Addr()}, "user": {"alice"},
		"password": {testPassword}, "mode": {"passive"}, "tls": {"off"}, "module": {"default"}})
	if !strings.Contains(page, "127.0.0.2") {
		t.Errorf("the report does not name the advertised address:\n%s", page)
	}
	for _, a := range d.Dials() {
		if strings.HasPrefix(a, "127.0.0.2:") {
			t.Errorf("the check connected to %s, outside --allow", a)
		}
	}
}
