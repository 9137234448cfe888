package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ftpdoctor/ftpdoctor/fixtures"
	"github.com/ftpdoctor/ftpdoctor/probes"
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

// TestStageEventMasksShortPasswords: a one- or two-character password a
// server echoed in a stage's summary is masked on the running page as in
// every other output, without garbling words that contain it.
func TestStageEventMasksShortPasswords(t *testing.T) {
	tests := []struct {
		name, secret, summary, want string
	}{
		{"two_characters_as_a_word", "ab", "530 Password ab is wrong (about)", "530 Password **** is wrong (about)"},
		{"one_character_quoted", "x", `PASS "x" refused`, `PASS "****" refused`},
		{"long_everywhere", "Secret99", "echo Secret99Secret99", "echo ********"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := stageEvent(probes.Result{Summary: tt.summary}, probes.Secret(tt.secret)).Summary
			if got != tt.want {
				t.Fatalf("summary %q, want %q", got, tt.want)
			}
		})
	}
}
