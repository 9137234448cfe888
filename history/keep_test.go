package history

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ftpdoctor/ftpdoctor/verdict"
)

func TestParseKeep(t *testing.T) {
	day := 24 * time.Hour
	tests := []struct {
		name, in string
		want     Retention
		bad      bool
	}{
		{"age_in_days", "90d", Retention{MaxAge: 90 * day}, false},
		{"count", "500", Retention{MaxCount: 500}, false},
		{"both", "30d,500", Retention{MaxAge: 30 * day, MaxCount: 500}, false},
		{"both_reversed", "500, 4w", Retention{MaxAge: 28 * day, MaxCount: 500}, false},
		{"go_duration", "36h", Retention{MaxAge: 36 * time.Hour}, false},
		{"all", "all", Retention{}, false},
		{"zero_count", "0", Retention{}, true},
		{"negative_age", "-3h", Retention{}, true},
		{"two_counts", "5,6", Retention{}, true},
		{"three_parts", "1d,2,3", Retention{}, true},
		{"word", "forever", Retention{}, true},
		{"empty", "", Retention{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseKeep(tt.in)
			if (err != nil) != tt.bad || (!tt.bad && got != tt.want) {
				t.Fatalf("ParseKeep(%q) = %+v, %v; want %+v, error %v", tt.in, got, err, tt.want, tt.bad)
			}
			if !tt.bad {
				if back, err := ParseKeep(got.String()); err != nil || back != got {
					t.Fatalf("%q does not read back: %+v, %v", got.String(), back, err)
				}
			}
		})
	}
}

func TestRetentionByCountDeletesTheOldest(t *testing.T) {
	s := openT(t, t.TempDir(), Retention{MaxCount: 3})
	var saved []Entry
	for i := range 5 {
		e := entry("ftp.example.net", time.Duration(i)*time.Minute, verdict.OK)
		mustSave(t, s, e)
		saved = append(saved, e)
	}
	for i, e := range saved {
		_, err := s.Get(context.Background(), e.ID)
		if kept := i >= 2; kept != (err == nil) || (!kept && !errors.Is(err, ErrNotFound)) {
			t.Errorf("report %d of 5 with --keep 3: got %v", i+1, err)
		}
	}
}

func TestRetentionByAge(t *testing.T) {
	dir := t.TempDir()
	s := openT(t, dir, Retention{})
	old := entry("ftp.example.net", -48*time.Hour, verdict.OK)
	mid := entry("ftp.example.net", -2*time.Hour, verdict.OK)
	mustSave(t, s, old)
	mustSave(t, s, mid)
	s.Close()
	s = openT(t, dir, Retention{MaxAge: 24 * time.Hour}) // Open prunes
	if _, err := s.Get(context.Background(), old.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("a report of 48 h ago after Open with --keep 24h: %v", err)
	}
	if n, err := s.Prune(context.Background(), t0); err != nil || n != 0 {
		t.Fatalf("prune at t0 after Open: %d deleted, %v; want 0", n, err)
	}
	sameReport(t, s, mid)
	newer := entry("ftp.example.net", 23*time.Hour, verdict.OK) // saving at t0+23h drops mid (t0-2h)
	mustSave(t, s, newer)
	if _, err := s.Get(context.Background(), mid.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("a report 25 h older than the newest under --keep 24h: %v", err)
	}
}
