package history

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Retention bounds the history by age and by count; Save deletes what
// falls outside it in the same transaction as the new report.
type Retention struct {
	MaxAge   time.Duration // reports older than this are deleted; zero: no age limit
	MaxCount int           // at most this many reports, the newest; zero: no count limit
}

// Default retentions of `ftpdoctor web`.
var (
	DefaultKeep       = Retention{MaxAge: 90 * 24 * time.Hour, MaxCount: 2000} // --data DIR
	DefaultMemoryKeep = Retention{MaxAge: 30 * time.Minute, MaxCount: 200}     // --data '': as the page kept reports before the history
)

// String writes the retention as ParseKeep reads it: "90d,2000".
func (k Retention) String() string {
	var parts []string
	if k.MaxAge > 0 {
		if k.MaxAge%(24*time.Hour) == 0 {
			parts = append(parts, fmt.Sprintf("%dd", k.MaxAge/(24*time.Hour)))
		} else {
			d := strings.TrimSuffix(k.MaxAge.String(), "0s") // "36h0m0s" -> "36h0m", "30m0s" -> "30m"
			if strings.HasSuffix(d, "h0m") {
				d = strings.TrimSuffix(d, "0m")
			}
			parts = append(parts, d)
		}
	}
	if k.MaxCount > 0 {
		parts = append(parts, strconv.Itoa(k.MaxCount))
	}
	if len(parts) == 0 {
		return "all"
	}
	return strings.Join(parts, ",")
}

// ParseKeep reads --keep: an age, a count, or both separated by a comma
// ("90d", "500", "30d,500"); an age is a Go duration ("36h", "90m") or a
// number of days ("30d") or weeks ("4w"). "all" keeps everything.
func ParseKeep(s string) (Retention, error) {
	var k Retention
	if strings.TrimSpace(s) == "all" {
		return k, nil
	}
	parts := strings.Split(s, ",")
	if len(parts) > 2 {
		return k, fmt.Errorf("%q: give an age, a count or both (e.g. 90d,2000)", s)
	}
	for _, p := range parts {
		p = strings.TrimSpace(p)
		if n, err := strconv.Atoi(p); err == nil {
			if n < 1 || k.MaxCount != 0 {
				return k, fmt.Errorf("%q: the count must be 1 or more, given once", s)
			}
			k.MaxCount = n
			continue
		}
		d, err := parseAge(p)
		if err != nil || d <= 0 || k.MaxAge != 0 {
			return k, fmt.Errorf("%q: %q is neither a count nor a positive age (90d, 4w, 36h), given once", s, p)
		}
		k.MaxAge = d
	}
	return k, nil
}

// parseAge reads a Go duration, or a whole number of days or weeks.
func parseAge(s string) (time.Duration, error) {
	for suffix, unit := range map[string]time.Duration{"d": 24 * time.Hour, "w": 7 * 24 * time.Hour} {
		if n, ok := strings.CutSuffix(s, suffix); ok {
			v, err := strconv.Atoi(n)
			if err != nil || v > 100*365 {
				return 0, errors.New("bad age")
			}
			return time.Duration(v) * unit, nil
		}
	}
	return time.ParseDuration(s)
}

// DefaultDir is the user's state directory for ftpdoctor:
// $XDG_STATE_HOME/ftpdoctor, else ~/.local/state/ftpdoctor.
func DefaultDir() (string, error) {
	if d := os.Getenv("XDG_STATE_HOME"); filepath.IsAbs(d) {
		return filepath.Join(d, "ftpdoctor"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return "", errors.New("no state directory: neither XDG_STATE_HOME nor HOME is set")
	}
	return filepath.Join(home, ".local", "state", "ftpdoctor"), nil
}
