package history

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ftpdoctor/ftpdoctor/report"
)

// Entry is one finished report as the page keeps it.
type Entry struct {
	ID      string        // 128 random bits in hex: the permalink /report/ID
	Created time.Time     // when the check started
	Target  string        // host:port as the page shows it
	Module  string        // the module, or demo: and the scenario
	Report  report.Report // redacted by the caller: it never holds a password
}

// Summary is one line of the recent checks.
type Summary struct {
	ID         string    // the report's id
	Created    time.Time // when the check started
	Host       string    // the target's host as given
	Port       int       // the target's control port
	User       string    // the login name
	Target     string    // host:port as the page shows it
	Module     string    // the module, or demo: and the scenario
	Verdict    string    // ok, warning, critical or unknown
	ExitCode   int       // 0 to 3
	DurationMS float64   // the check's wall time in milliseconds
	Causes     []string  // the causes' codes, most important first
}

// Save stores a finished report and applies the retention, in one
// transaction: on any error (a full disk, another writer holding the lock
// too long) nothing of it is kept and every earlier report stays.
func (s *Store) Save(ctx context.Context, e Entry) error {
	var js bytes.Buffer
	if err := report.WriteJSON(&js, e.Report); err != nil {
		return fmt.Errorf("history: report %s: %w", e.ID, err)
	}
	codes := make([]string, 0, len(e.Report.Causes))
	for _, c := range e.Report.Causes {
		codes = append(codes, string(c.Code))
	}
	r := e.Report
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO reports
			(id, created_ns, host, port, user, target, module, verdict, exit_code, duration_ms, causes, report)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			e.ID, e.Created.UnixNano(), r.Target.Host, r.Target.Port, r.Target.User, e.Target, e.Module,
			string(r.Verdict), r.ExitCode, r.DurationMS, strings.Join(codes, " "), js.Bytes())
		if err != nil {
			return err
		}
		_, err = s.prune(ctx, tx, e.Created)
		return err
	})
	if err != nil {
		return s.wrap("report "+e.ID+" not saved", err)
	}
	return nil
}

// inTx runs f in a write transaction (BEGIN IMMEDIATE) and commits it.
func (s *Store) inTx(ctx context.Context, f func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := f(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// Get returns the report saved under id, or an error matching ErrNotFound.
func (s *Store) Get(ctx context.Context, id string) (Entry, error) {
	var (
		e       Entry
		created int64
		js      []byte
	)
	err := s.db.QueryRowContext(ctx, `SELECT created_ns, target, module, report FROM reports WHERE id = ?`, id).
		Scan(&created, &e.Target, &e.Module, &js)
	if errors.Is(err, sql.ErrNoRows) {
		return e, fmt.Errorf("history: report %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return e, s.wrap("report "+id+" not read", err)
	}
	if err := json.Unmarshal(js, &e.Report); err != nil {
		return e, fmt.Errorf("history: report %s is damaged (%s): %w", id, s.where, err)
	}
	e.ID, e.Created = id, time.Unix(0, created)
	return e, nil
}

// Filter chooses the recent checks List returns.
type Filter struct {
	Host  string // only this host (any case); empty: every host
	Port  int    // only this port, with Host; zero: any
	Limit int    // at most this many, newest first; zero: 100
}

// List returns the newest reports that pass the filter, newest first.
func (s *Store) List(ctx context.Context, f Filter) ([]Summary, error) {
	if f.Limit <= 0 {
		f.Limit = 100
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, created_ns, host, port, user, target, module, verdict, exit_code, duration_ms, causes
		FROM reports WHERE (?1 = '' OR host = ?1) AND (?2 = 0 OR port = ?2)
		ORDER BY created_ns DESC, id LIMIT ?3`, f.Host, f.Port, f.Limit)
	if err != nil {
		return nil, s.wrap("the recent checks not read", err)
	}
	defer rows.Close()
	var out []Summary
	for rows.Next() {
		var (
			m       Summary
			created int64
			causes  string
		)
		if err := rows.Scan(&m.ID, &created, &m.Host, &m.Port, &m.User, &m.Target, &m.Module,
			&m.Verdict, &m.ExitCode, &m.DurationMS, &causes); err != nil {
			return nil, s.wrap("the recent checks not read", err)
		}
		m.Created, m.Causes = time.Unix(0, created), strings.Fields(causes)
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap("the recent checks not read", err)
	}
	return out, nil
}

// Previous returns the id of the newest report of the same host and port
// saved before id, or "" when there is none.
func (s *Store) Previous(ctx context.Context, id string) (string, error) {
	var prev string
	err := s.db.QueryRowContext(ctx, `SELECT p.id FROM reports p JOIN reports r ON r.id = ?
		WHERE p.host = r.host AND p.port = r.port AND (p.created_ns < r.created_ns OR (p.created_ns = r.created_ns AND p.id < r.id))
		ORDER BY p.created_ns DESC, p.id DESC LIMIT 1`, id).Scan(&prev)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", s.wrap("the previous check not read", err)
	}
	return prev, nil
}

// Prune deletes the reports the retention no longer keeps, as of now, and
// returns how many it deleted. Save prunes too; Open prunes once.
func (s *Store) Prune(ctx context.Context, now time.Time) (int64, error) {
	var n int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		n, err = s.prune(ctx, tx, now)
		return err
	})
	if err != nil {
		return 0, s.wrap("old reports not deleted", err)
	}
	return n, nil
}

// prune deletes inside tx what the retention drops.
func (s *Store) prune(ctx context.Context, tx *sql.Tx, now time.Time) (int64, error) {
	var n int64
	if s.keep.MaxAge > 0 {
		res, err := tx.ExecContext(ctx, `DELETE FROM reports WHERE created_ns < ?`, now.Add(-s.keep.MaxAge).UnixNano())
		if err != nil {
			return 0, err
		}
		d, _ := res.RowsAffected()
		n += d
	}
	if s.keep.MaxCount > 0 {
		res, err := tx.ExecContext(ctx, `DELETE FROM reports WHERE id NOT IN
			(SELECT id FROM reports ORDER BY created_ns DESC, id DESC LIMIT ?)`, s.keep.MaxCount)
		if err != nil {
			return 0, err
		}
		d, _ := res.RowsAffected()
		n += d
	}
	return n, nil
}
