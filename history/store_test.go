package history

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ftpdoctor/ftpdoctor/verdict"
)

func TestRestartKeepsReports(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(context.Background(), dir, Retention{})
	if err != nil {
		t.Fatal(err)
	}
	real := entry("127.0.0.1", 3*time.Minute, verdict.OK)
	real.Report = realReport() // a real check's report, evidence and all
	saved := []Entry{entry("ftp.example.net", 0, verdict.OK), entry("ftp.example.net", time.Minute, verdict.Critical, "login.rejected"),
		entry("other.example.net", 2*time.Minute, verdict.Warning, "passive.private_address"), real}
	for _, e := range saved {
		mustSave(t, s, e)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openT(t, dir, Retention{})
	for _, e := range saved {
		sameReport(t, s, e)
	}
	list, err := s.List(context.Background(), Filter{Host: "FTP.example.net"})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].ID != saved[1].ID || list[1].ID != saved[0].ID || strings.Join(list[0].Causes, " ") != "login.rejected" {
		t.Fatalf("recent checks of ftp.example.net, newest first: got %+v", list)
	}
	if prev, err := s.Previous(context.Background(), saved[1].ID); err != nil || prev != saved[0].ID {
		t.Fatalf("previous check of %s: got %q, %v; want %s", saved[1].ID, prev, err, saved[0].ID)
	}
	if fi, err := os.Stat(filepath.Join(dir, FileName)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("database file: %v, mode %v; want 0600", err, fi.Mode())
	}
}

func TestGetUnknownIsNotFound(t *testing.T) {
	s := openT(t, "", Retention{})
	if _, err := s.Get(context.Background(), "0123"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("got %v; want ErrNotFound", err)
	}
}

// writeMany saves n reports of host through s, one transaction each.
func writeMany(s *Store, host string, n int) ([]Entry, error) {
	var out []Entry
	for i := range n {
		e := entry(host, time.Duration(i)*time.Millisecond, verdict.OK)
		if err := s.Save(context.Background(), e); err != nil {
			return out, err
		}
		out = append(out, e)
	}
	return out, nil
}

func TestTwoWritersOneFile(t *testing.T) {
	dir := t.TempDir()
	a, b := openT(t, dir, Retention{}), openT(t, dir, Retention{})
	var wg sync.WaitGroup
	got := make([][]Entry, 2)
	errs := make([]error, 2)
	for i, s := range []*Store{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], errs[i] = writeMany(s, fmt.Sprintf("writer%d.example.net", i), 40)
		}()
	}
	wg.Wait()
	for i := range got {
		if errs[i] != nil {
			t.Fatalf("writer %d: %v", i, errs[i])
		}
		for _, e := range got[i] {
			sameReport(t, a, e) // each sees the other's reports
			sameReport(t, b, e)
		}
	}
	if list, _ := a.List(context.Background(), Filter{Limit: 1000}); len(list) != 80 {
		t.Fatalf("%d reports in the history; want 80", len(list))
	}
}

// TestMain is also the second process of TestTwoProcesses: with
// HISTORY_WRITER_DIR set it writes 40 reports there and exits.
func TestMain(m *testing.M) {
	if dir := os.Getenv("HISTORY_WRITER_DIR"); dir != "" {
		s, err := Open(context.Background(), dir, Retention{})
		if err == nil {
			_, err = writeMany(s, "child.example.net", 40)
			s.Close()
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "second writer:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func TestTwoProcesses(t *testing.T) {
	dir := t.TempDir()
	s := openT(t, dir, Retention{})
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), "HISTORY_WRITER_DIR="+dir)
	out := &strings.Builder{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	mine, err := writeMany(s, "parent.example.net", 40)
	if werr := cmd.Wait(); werr != nil || err != nil {
		t.Fatalf("parent: %v; child: %v\n%s", err, werr, out)
	}
	for _, e := range mine {
		sameReport(t, s, e)
	}
	child, err := s.List(context.Background(), Filter{Host: "child.example.net", Limit: 1000})
	if err != nil || len(child) != 40 {
		t.Fatalf("the child's reports: %d, %v; want 40", len(child), err)
	}
	for _, m := range child {
		if _, err := s.Get(context.Background(), m.ID); err != nil {
			t.Fatal(err)
		}
	}
}

func TestNewerSchemaIsRefused(t *testing.T) {
	dir := t.TempDir()
	s := openT(t, dir, Retention{})
	if _, err := s.db.Exec(fmt.Sprintf("PRAGMA user_version = %d", SchemaVersion()+1)); err != nil {
		t.Fatal(err)
	}
	s.Close()
	_, err := Open(context.Background(), dir, Retention{})
	if err == nil || !strings.Contains(err.Error(), "newer ftpdoctor") || !strings.Contains(err.Error(), dir) {
		t.Fatalf("got %v; want a refusal that names the newer schema and the file", err)
	}
}

func TestMigrationsAreNumberedAndApplied(t *testing.T) {
	ms, err := migrations()
	if err != nil || len(ms) == 0 {
		t.Fatalf("migrations: %v (%d)", err, len(ms))
	}
	s := openT(t, t.TempDir(), Retention{})
	var v int
	var mode string
	if err := s.db.QueryRow("PRAGMA user_version").Scan(&v); err != nil || v != SchemaVersion() {
		t.Fatalf("user_version %d, %v; want %d", v, err, SchemaVersion())
	}
	if err := s.db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal_mode %q, %v; want wal", mode, err)
	}
}
