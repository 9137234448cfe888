package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ftpdoctor/ftpdoctor/fixtures"
)

func TestEventsStreamEachStageAsItEnds(t *testing.T) {
	// Active mode hangs for a while: the other stages end long before the
	// report is ready, and the stream must show them meanwhile.
	srv := fixtures.StartT(t, fixtures.Script{Users: map[string]string{"alice": testPassword},
		Active: fixtures.ActiveNeverConnect, NoConnectDelay: 300 * time.Millisecond})
	ts := startWeb(t, Options{Rate: 1e6, Burst: 1e6})
	c := browser(t)
	tok := formToken(t, c, ts.URL)
	resp, body := post(t, c, ts.URL, url.Values{"csrf": {tok}, "target": {srv.Addr()}, "user": {"alice"},
		"password": {testPassword}, "mode": {"both"}, "tls": {"auto"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST: %d %s", resp.StatusCode, body)
	}
	_, events := get(t, c, ts.URL+resp.Header.Get("Location")+"/events")
	done := strings.Index(events, "event: done")
	if done < 0 {
		t.Fatalf("no done event:\n%s", events)
	}
	for _, id := range []string{"dns", "control", "tls", "login", "passive", "active", "firewall"} {
		i := strings.Index(events, `"id":"`+id+`"`)
		if i < 0 || i > done {
			t.Errorf("no stage event for %s before done:\n%s", id, events)
		}
	}
	if strings.Contains(events, testPassword) {
		t.Fatal("the password reached the event stream")
	}
}
