package history

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"sync"
	"testing"
	"time"

	"github.com/ftpdoctor/ftpdoctor/fixtures"
	"github.com/ftpdoctor/ftpdoctor/probes"
	"github.com/ftpdoctor/ftpdoctor/report"
	"github.com/ftpdoctor/ftpdoctor/verdict"
)

// t0 is the tests' clock: reports are made at t0 plus an offset. It is
// the real time, as Open prunes by the real clock.
var t0 = time.Now().Round(0)

// realReport is the report of a real check of a healthy fixture server,
// made once: the size and shape the page stores.
var realReport = sync.OnceValue(func() report.Report {
	srv, err := fixtures.Start(fixtures.Script{Users: map[string]string{"alice": "pw-of-alice"}})
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	cfg := probes.Config{Target: probes.Target{Host: srv.Host(), Port: srv.Port(), User: "alice"},
		Password: "pw-of-alice", Timeout: 5 * time.Second, Mode: probes.ModeBoth, TLS: probes.TLSOff}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	return report.Build(probes.Check(ctx, cfg, probes.DefaultEnv()))
})

// entry is a small report of host:21 made at t0+at.
func entry(host string, at time.Duration, v verdict.Verdict, codes ...string) Entry {
	b := make([]byte, 16)
	rand.Read(b)
	rep := report.Report{SchemaVersion: report.SchemaVersion, Target: report.Target{Host: host, Port: 21, User: "alice", Mode: "both"},
		Verdict: v, DurationMS: 12.5, Causes: []report.Cause{},
		Stages: []report.Stage{{ID: "dns", Status: probes.StatusPass, Code: "dns.ok", Summary: "resolved"}}}
	for _, c := range codes {
		rep.Causes = append(rep.Causes, report.Cause{Code: probes.Code(c), Title: "title of " + c, Severity: report.SeverityCritical})
	}
	return Entry{ID: hex.EncodeToString(b), Created: t0.Add(at), Target: host + ":21", Module: "default", Report: rep}
}

// openT opens a store in dir, closed at the end of the test.
func openT(t testing.TB, dir string, keep Retention) *Store {
	t.Helper()
	s, err := Open(context.Background(), dir, keep)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// jsonOf is the report as the download writes it.
func jsonOf(t testing.TB, r report.Report) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := report.WriteJSON(&b, r); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// mustSave saves e or fails the test.
func mustSave(t testing.TB, s *Store, e Entry) {
	t.Helper()
	if err := s.Save(context.Background(), e); err != nil {
		t.Fatal(err)
	}
}

// sameReport fails unless id holds want, byte for byte as downloaded.
func sameReport(t testing.TB, s *Store, want Entry) {
	t.Helper()
	got, err := s.Get(context.Background(), want.ID)
	if err != nil {
		t.Fatalf("report %s: %v", want.ID, err)
	}
	if !bytes.Equal(jsonOf(t, got.Report), jsonOf(t, want.Report)) || !got.Created.Equal(want.Created) ||
		got.Target != want.Target || got.Module != want.Module {
		t.Fatalf("report %s came back changed:\n%s\nwant:\n%s", want.ID, jsonOf(t, got.Report), jsonOf(t, want.Report))
	}
}
