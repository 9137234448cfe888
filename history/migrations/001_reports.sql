-- 001: one row per finished report, redacted, as downloaded.
CREATE TABLE reports (
	id          TEXT    PRIMARY KEY,  -- 128 random bits in hex: the permalink /report/ID
	created_ns  INTEGER NOT NULL,     -- when the check started, Unix nanoseconds
	host        TEXT    NOT NULL COLLATE NOCASE, -- the target's host as given
	port        INTEGER NOT NULL,     -- the target's control port
	user        TEXT    NOT NULL,     -- the login name (never a password)
	target      TEXT    NOT NULL,     -- host:port as the page shows it
	module      TEXT    NOT NULL,     -- the module, or demo: and the scenario
	verdict     TEXT    NOT NULL,     -- ok, warning, critical or unknown
	exit_code   INTEGER NOT NULL,     -- 0 to 3
	duration_ms REAL    NOT NULL,     -- the check's wall time
	causes      TEXT    NOT NULL,     -- the causes' codes, most important first, space separated
	report      BLOB    NOT NULL      -- the report's JSON, exactly as /report/ID/json serves it
);
CREATE INDEX reports_created ON reports (created_ns);
CREATE INDEX reports_host_created ON reports (host, created_ns);
