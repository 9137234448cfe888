package cli

import (
	"context"

	urfave "github.com/urfave/cli/v2"

	"github.com/ftpdoctor/ftpdoctor/history"
	"github.com/ftpdoctor/ftpdoctor/verdict"
)

// historySpec is where web keeps its finished reports, and how many.
type historySpec struct {
	dir  string            // the data directory; "" keeps memory only
	keep history.Retention // what is kept
}

// historyFlags are web's --data and --keep.
func historyFlags() []urfave.Flag {
	return []urfave.Flag{
		&urfave.StringFlag{Name: "data", Value: defaultDataDir(),
			Usage: "`DIR`ectory of the history database (every finished report, redacted, so links outlive a restart); '' keeps memory only"},
		&urfave.StringFlag{Name: "keep", Value: history.DefaultKeep.String(),
			Usage: "history retention: an age (90d, 4w, 36h), a count (2000), both (90d,2000) or all; with --data '' the default is " + history.DefaultMemoryKeep.String()},
	}
}

// defaultDataDir is the user's state directory for the --data default; ""
// (memory only) when there is none.
func defaultDataDir() string {
	dir, err := history.DefaultDir()
	if err != nil {
		return ""
	}
	return dir
}

// readHistory reads --data and --keep.
func readHistory(c *urfave.Context) (historySpec, error) {
	h := historySpec{dir: c.String("data"), keep: history.DefaultKeep}
	if h.dir == "" {
		h.keep = history.DefaultMemoryKeep
	}
	if c.IsSet("keep") {
		k, err := history.ParseKeep(c.String("keep"))
		if err != nil {
			return h, usageError("--keep %s", err)
		}
		h.keep = k
	}
	return h, nil
}

// open opens the history, or says in one line why it cannot.
func (h historySpec) open(ctx context.Context) (*history.Store, error) {
	st, err := history.Open(ctx, h.dir, h.keep)
	if err != nil {
		return nil, &exitError{code: verdict.ExitUnknown, msg: "web: --data " + h.dir + ": " + err.Error()}
	}
	return st, nil
}
