// Package history keeps the web page's finished reports in an embedded
// SQLite database (modernc.org/sqlite, pure Go: no C compiler, no server),
// so that a report's link outlives the process and a helpdesk can see
// what was checked before and what a fix changed.
//
// This package owns the schema: the numbered migrations under
// migrations/ are embedded and applied in one transaction at Open; callers
// use Save, Get, List, Previous and Compare and never write SQL.
//
// Durability: the database runs in WAL mode with synchronous=FULL, and a
// report is one row written in one transaction, so a crash, a second
// writer or a full disk leaves either the whole report or none of it; a
// write that fails leaves every earlier report as it was. Two processes
// (or two Stores) may share one file: a writer takes the lock at the
// start of its transaction (BEGIN IMMEDIATE) and waits up to BusyTimeout
// for the other.
//
// A report is stored redacted, as report.WriteJSON writes it for the
// download: the caller redacts it first, and a password is never passed
// here.
package history

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// FileName is the database's name inside the data directory.
const FileName = "history.db"

// BusyTimeout is how long a writer waits for another one's lock.
const BusyTimeout = 10 * time.Second

// Errors of the store; test them with errors.Is.
var (
	ErrNotFound = errors.New("no such report")                                    // Get: no report under that id (never saved, or deleted by retention)
	ErrFull     = errors.New("the disk is full")                                  // Save: the disk (or quota) holding the database has no room
	ErrBusy     = errors.New("the database is locked by another writer too long") // Save: another process held the lock past BusyTimeout
)

// Store is an open history database. It is safe for concurrent use.
type Store struct {
	db    *sql.DB
	where string    // the database file, or "memory"
	keep  Retention // what Save keeps
}

// Open opens (creating it when missing) the history database in dir and
// brings its schema up to date. An empty dir keeps the history in memory
// only: nothing is written to disk and it ends with the process.
func Open(ctx context.Context, dir string, keep Retention) (*Store, error) {
	if dir == "" {
		db, err := sql.Open("sqlite", ":memory:?_txlock=immediate")
		if err != nil {
			return nil, err
		}
		db.SetMaxOpenConns(1) // every connection to ":memory:" is a database of its own
		return open(ctx, db, "memory", keep)
	}
	if strings.ContainsAny(dir, "?#") {
		return nil, fmt.Errorf("history: the data directory %q may not hold '?' or '#'", dir)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	file := filepath.Join(dir, FileName)
	// The reports name servers and users: the file is the owner's alone.
	// SQLite gives the -wal and -shm files the database file's mode.
	f, err := os.OpenFile(file, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	f.Close()
	dsn := fmt.Sprintf("%s?_busy_timeout=%d&_journal_mode=WAL&_synchronous=FULL&_txlock=immediate",
		file, BusyTimeout.Milliseconds())
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	return open(ctx, db, file, keep)
}

// open migrates and applies the retention once.
func open(ctx context.Context, db *sql.DB, where string, keep Retention) (*Store, error) {
	s := &Store{db: db, where: where, keep: keep}
	if err := migrate(ctx, db); err != nil {
		db.Close()
		return nil, s.wrap("cannot open the history", err)
	}
	if _, err := s.Prune(ctx, time.Now()); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// Where is the database file, or "memory".
func (s *Store) Where() string { return s.where }

// Retention is what the store keeps.
func (s *Store) Retention() Retention { return s.keep }

// Close closes the database; a WAL file is checkpointed into it.
func (s *Store) Close() error { return s.db.Close() }

// wrap says what failed, where, and why in words a reader can act on; the
// error matches ErrFull or ErrBusy when that is the reason.
func (s *Store) wrap(what string, err error) error {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff { // the primary code; extended codes carry detail above it
		case sqlite3.SQLITE_FULL:
			return fmt.Errorf("history: %s: %w (%s)", what, ErrFull, s.where)
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return fmt.Errorf("history: %s: %w (%s, waited %s)", what, ErrBusy, s.where, BusyTimeout)
		}
	}
	return fmt.Errorf("history: %s (%s): %w", what, s.where, err)
}
