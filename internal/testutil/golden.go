// Package testutil holds the small helpers that tests of several packages
// share: golden files and loopback listeners. It imports no package of
// ftpdoctor, so that any package's own tests can import it.
package testutil

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

// update is the -update flag of every test binary that imports testutil.
var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// Golden compares got with the file testdata/name, or rewrites that file
// with got when the test runs with -update.
func Golden(t testing.TB, name string, got []byte) {
	t.Helper()
	GoldenFile(t, filepath.Join("testdata", name), got)
}

// GoldenFile is Golden for a file anywhere, such as a published schema
// under docs/: it compares got with the file at path, or rewrites the file
// with -update.
func GoldenFile(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (run go test with -update after checking the change):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}
