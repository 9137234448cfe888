package history

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ftpdoctor/ftpdoctor/internal/testutil"
	"github.com/ftpdoctor/ftpdoctor/verdict"
)

func TestFullDiskRefusesNewReportsAndKeepsOld(t *testing.T) {
	dir := testutil.SmallDisk(t, 1<<20)
	s := openT(t, dir, Retention{})
	old := []Entry{entry("ftp.example.net", 0, verdict.Critical, "login.rejected"), entry("ftp.example.net", time.Second, verdict.OK)}
	old[1].Report = realReport()
	for _, e := range old {
		mustSave(t, s, e)
	}
	filler := testutil.FillDisk(t, dir)
	// The WAL may still have room for a report or two: save until the
	// disk refuses, which it must do long before 200 reports of ~13 KB.
	var refused Entry
	var err error
	for i := range 200 {
		e := entry("ftp.example.net", time.Duration(2+i)*time.Second, verdict.OK)
		e.Report = realReport()
		if err = s.Save(context.Background(), e); err != nil {
			refused = e
			break
		}
		old = append(old, e)
	}
	if !errors.Is(err, ErrFull) || !strings.Contains(err.Error(), "disk is full") || !strings.Contains(err.Error(), refused.ID) {
		t.Fatalf("saving on a full disk: got %v; want ErrFull naming the report", err)
	}
	if _, err := s.Get(context.Background(), refused.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("the refused report: got %v; want none of it", err)
	}
	for _, e := range old {
		sameReport(t, s, e)
	}
	// A second Store (a restart) on the full disk still reads them all.
	s2 := openT(t, dir, Retention{})
	for _, e := range old {
		sameReport(t, s2, e)
	}
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	mustSave(t, s, refused) // room again: saved as any other
	sameReport(t, s2, refused)
}
