package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	urfave "github.com/urfave/cli/v2"

	"github.com/ftpdoctor/ftpdoctor/output"
	"github.com/ftpdoctor/ftpdoctor/probes"
	"github.com/ftpdoctor/ftpdoctor/report"
	"github.com/ftpdoctor/ftpdoctor/verdict"
)

const batchExamples = `Examples:
   ftpdoctor batch servers.txt
   ftpdoctor batch --parallel 50 --format json servers.txt > reports.jsonl; echo "exit $?"
   grep -v staging servers.txt | ftpdoctor batch --netrc-file ~/.netrc-ftp -`

// Batch limits.
const (
	defaultParallel = 10      // checks at once unless --parallel says otherwise
	maxParallel     = 1000    // most checks at once: each holds up to five connections
	maxBatchLine    = 4096    // longest line of the list; a longer one becomes an error record
	reorderFactor   = 4       // the reorder window holds this many times --parallel records
	batchLineLimit  = 1 << 30 // lines read at most, against an endless stream
)

// batchCommand is "ftpdoctor batch": check every target of a list.
func batchCommand() *urfave.Command {
	return &urfave.Command{
		Name:      "batch",
		Usage:     "check every target of a list, one per line, several at once",
		ArgsUsage: "FILE|-",
		Description: "Each line holds one TARGET as for check; blank lines and lines starting with # are skipped.\n" +
			"Credentials come from ~/.netrc (or --netrc-file) and FTP_PASSWORD, as for check; the list needs none.\n" +
			"Results are written in the order of the list, each as soon as it and every line before it is done;\n" +
			"a line that does not parse becomes an error record (verdict unknown) and the batch goes on.\n" +
			"Lines on one server run side by side; a check that meets the server's limit on connections per client\n" +
			"is run again alone, so that each line reads as check alone would.\n\n" +
			"Exit code: the worst verdict, ranked OK < WARNING < UNKNOWN < CRITICAL as monitoring systems rank them\n" +
			"(a server that is down is not hidden behind a line that does not parse): 0 OK, 1 WARNING, 3 UNKNOWN, 2 CRITICAL.\n\n" + batchExamples,
		OnUsageError: onUsageError,
		Flags: append([]urfave.Flag{
			&urfave.IntFlag{Name: "parallel", Value: defaultParallel, Usage: "checks run at once (1 to 1000)"},
			&urfave.DurationFlag{Name: "timeout", Value: 5 * time.Second, Usage: "deadline for each network step"},
			&urfave.DurationFlag{Name: "deadline", Usage: "deadline for each target's whole check", DefaultText: "12 times --timeout"},
			&urfave.StringFlag{Name: "mode", Value: "both", Usage: "data modes to try: both, passive or active"},
			&urfave.StringFlag{Name: "passive-range", Usage: "the passive range every server should use, `LOW-HIGH`"},
			&urfave.StringFlag{Name: "netrc-file", Usage: "read credentials from `FILE` instead of ~/.netrc"},
		}, append(formatFlags(forBatch), &urfave.BoolFlag{Name: "no-color", Usage: "accepted for symmetry; the batch table has no colour"})...),
		Action: batchAction,
	}
}

// batchJob is one line of the list, parsed.
type batchJob struct {
	seq  int           // position among the records, from 0
	rec  batchRecord   // Line, Input, and Err when the line did not parse
	cfg  probes.Config // the check to run when the line parsed
	done chan struct{} // closed when rec is complete
}

// batchRecord is the outcome of one line of the list.
type batchRecord struct {
	Line   int             // line number in the list, from 1
	Input  string          // the line as written, its URL password masked
	Report *report.Report  // the check's report; nil when the line did not parse
	Err    string          // why the line did not parse
	Redact []probes.Secret // the target's password, masked in every output
}

// verdict is the record's verdict: the report's, or unknown for an error.
func (r batchRecord) verdict() verdict.Verdict {
	if r.Report == nil {
		return verdict.Unknown
	}
	return r.Report.Verdict
}

// batchWriter writes the records of a batch, one at a time, in order.
type batchWriter interface {
	Record(r batchRecord) error               // one record, written at once
	End(counts map[verdict.Verdict]int) error // after the last record
}

func batchAction(c *urfave.Context) error {
	args, err := interspersed(c)
	if err != nil {
		return err
	}
	_, f, err := chosenFormat(c, forBatch)
	if err != nil {
		return err
	}
	if len(args) != 1 {
		return usageError("batch needs exactly one FILE, or - for standard input (see 'ftpdoctor batch --help')")
	}
	parallel := c.Int("parallel")
	if parallel < 1 || parallel > maxParallel {
		return usageError("--parallel must be between 1 and %d, got %d", maxParallel, parallel)
	}
	base, err := checkFlags(c)
	if err != nil {
		return err
	}
	deadline := c.Duration("deadline")
	if deadline <= 0 {
		deadline = 12 * base.Timeout
	}
	entries, err := loadNetrc(c.String("netrc-file"))
	if err != nil {
		return err
	}
	src := credentialSource{env: probes.Secret(os.Getenv("FTP_PASSWORD")),
		netrc: func(host, user string) (netrcEntry, bool, error) {
			e, ok := lookupNetrc(entries, host, user)
			return e, ok, nil
		}}
	in := c.App.Reader
	if args[0] != "-" {
		file, err := os.Open(args[0])
		if err != nil {
			return usageError("batch: %s", err)
		}
		defer file.Close()
		in = file
	}
	b := batch{in: in, base: base, creds: src, parallel: parallel, deadline: deadline, env: probes.DefaultEnv(), servers: &serverTurns{}}
	counts, err := b.run(c.Context, f.batch(c.App.Writer, output.Options{}))
	if err != nil {
		return err
	}
	worst := verdict.OK
	for v := range counts {
		worst = verdict.Severest(worst, v)
	}
	return &exitError{code: worst.ExitCode()}
}

// batch is one run of the batch command.
type batch struct {
	in       io.Reader        // the list
	base     probes.Config    // every check's flags; target and credentials come per line
	creds    credentialSource // FTP_PASSWORD and the netrc file
	parallel int              // checks at once
	deadline time.Duration    // each check's whole deadline
	env      probes.Env       // the network
	servers  *serverTurns     // the checks running against each server
}

// run checks every target of the list with b.parallel workers and writes
// the records in input order through w. Memory stays bounded: the reader
// waits while reorderFactor x parallel records are read but not yet
// written, so one slow target holds back at most that many finished ones.
// It returns the count of records by verdict.
func (b batch) run(ctx context.Context, w batchWriter) (map[verdict.Verdict]int, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	window := make(chan *batchJob, reorderFactor*b.parallel) // read, not yet written, in order
	jobs := make(chan *batchJob)
	readErr := make(chan error, 1)
	go func() {
		defer close(window)
		defer close(jobs)
		readErr <- b.read(ctx, window, jobs)
	}()
	var workers sync.WaitGroup
	defer workers.Wait()
	for range b.parallel {
		workers.Add(1)
		go func() {
			defer workers.Done()
			for j := range jobs {
				b.check(ctx, j)
				close(j.done)
			}
		}()
	}
	counts := map[verdict.Verdict]int{}
	var writeErr error
	for j := range window {
		<-j.done
		if writeErr != nil {
			continue // drain: the workers end once the reader sees ctx end
		}
		if writeErr = w.Record(j.rec); writeErr != nil {
			cancel()
			continue
		}
		counts[j.rec.verdict()]++
	}
	if writeErr != nil {
		return nil, writeFailed(writeErr)
	}
	if err := <-readErr; err != nil {
		return nil, &exitError{code: verdict.ExitUnknown, msg: "batch: reading the list: " + err.Error()}
	}
	if len(counts) == 0 && ctx.Err() == nil {
		return nil, usageError("batch: the list holds no target")
	}
	if err := w.End(counts); err != nil {
		return nil, writeFailed(err)
	}
	return counts, nil
}

// read parses the list line by line and hands each job to window (in
// order, for the writer) and then to jobs (for a worker).
func (b batch) read(ctx context.Context, window, jobs chan<- *batchJob) error {
	r := bufio.NewReaderSize(b.in, maxBatchLine)
	seq := 0
	for line := 1; line <= batchLineLimit; line++ {
		text, tooLong, err := readLine(r)
		if err != nil && text == "" && !tooLong {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		trimmed := strings.TrimSpace(text)
		if !tooLong && (trimmed == "" || strings.HasPrefix(trimmed, "#")) {
			continue
		}
		j := &batchJob{seq: seq, rec: batchRecord{Line: line, Input: maskTarget(trimmed)}, done: make(chan struct{})}
		seq++
		if tooLong {
			j.rec.Err = fmt.Sprintf("line longer than %d bytes", maxBatchLine)
		} else {
			j.cfg, j.rec.Err = b.config(trimmed)
			j.rec.Redact = []probes.Secret{j.cfg.Password}
		}
		for _, ch := range []chan<- *batchJob{window, jobs} {
			select {
			case ch <- j:
			case <-ctx.Done():
				if ch == jobs { // in the window already: complete it so the writer moves on
					close(j.done)
				}
				return nil
			}
		}
	}
	return nil
}

// config builds one line's check: the target as check parses it, the
// batch's flags, and credentials from FTP_PASSWORD or the netrc file.
func (b batch) config(line string) (probes.Config, string) {
	target, pass, err := parseTarget(line)
	if err != nil {
		return probes.Config{}, "bad target: " + err.Error()
	}
	cfg := b.base
	cfg.Target = target
	if mode, ok := schemeMode(target.Scheme); ok {
		cfg.TLS = mode
	}
	if err := b.creds.resolve(&cfg, pass); err != nil {
		return probes.Config{}, err.Error()
	}
	return cfg, ""
}

// check runs one job's check, unless its line did not parse. Checks of
// one server run side by side, each with up to probes.MaxControlConnections
// connections, so together they may pass the server's limit on
// connections from one client where a single check would not, and the
// server may count a session a while after it ended: a check that met the
// limit on a server this batch checked more than once is run again alone
// (after a back-off, as many accounts are), and that run is its result.
func (b batch) check(ctx context.Context, j *batchJob) {
	if j.rec.Err != "" {
		return
	}
	turn := b.servers.of(j.cfg.Target)
	turn.RLock()
	o, shared := turn.run(func() probes.Outcome { return b.checkOnce(ctx, j.cfg) })
	turn.RUnlock()
	if shared && probes.MetConnectionLimit(o.Results) && ctx.Err() == nil {
		turn.Lock() // every other check of this server ends first, and new ones wait
		again, _ := turn.retries.Again(ctx, j.cfg.Timeout, func() probes.Outcome { return b.checkOnce(ctx, j.cfg) },
			func(o probes.Outcome) bool { return probes.TurnedAway(o.Results) })
		turn.Unlock()
		if again.Results != nil {
			o = again
		}
	}
	rep := report.Build(o)
	j.rec.Report = &rep
}

// checkOnce runs one check within the batch's deadline for a target.
func (b batch) checkOnce(ctx context.Context, cfg probes.Config) probes.Outcome {
	ctx, cancel := context.WithTimeout(ctx, b.deadline)
	defer cancel()
	return probes.Check(ctx, cfg, b.env)
}

// serverTurns keeps, per server (host and port as the list names them),
// who runs checks against it: checks share it, a check run again alone
// has it to itself.
type serverTurns struct {
	mu   sync.Mutex
	turn map[string]*serverTurn
}

// serverTurn is one server's: a read lock per check, the write lock for a
// check run again alone, and how many checks started.
type serverTurn struct {
	sync.RWMutex
	starts  atomic.Int64
	retries probes.Retries[probes.Outcome] // used under the write lock
}

// of returns the turn of target's server.
func (t *serverTurns) of(target probes.Target) *serverTurn {
	key := strings.ToLower(target.Host) + " " + strconv.Itoa(target.Port)
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.turn == nil {
		t.turn = map[string]*serverTurn{}
	}
	st, ok := t.turn[key]
	if !ok {
		st = &serverTurn{}
		t.turn[key] = st
	}
	return st
}

// run runs a check and says whether another check of the server ran
// before it ended: beside it, or before it, when the server may still
// count that check's session.
func (st *serverTurn) run(check func() probes.Outcome) (probes.Outcome, bool) {
	st.starts.Add(1)
	o := check()
	return o, st.starts.Load() > 1
}

// readLine reads one line without its end. A line longer than the reader's
// buffer is read to its end and dropped: tooLong is then true.
func readLine(r *bufio.Reader) (text string, tooLong bool, err error) {
	for {
		chunk, err := r.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			tooLong = true
			continue
		}
		if tooLong {
			return "", true, err
		}
		return strings.TrimRight(string(chunk), "\r\n"), false, err
	}
}
