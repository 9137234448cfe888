package cli

import (
	"context"
	"fmt"
	"strings"
	"time"

	urfave "github.com/urfave/cli/v2"

	"github.com/ftpdoctor/ftpdoctor/output"
	"github.com/ftpdoctor/ftpdoctor/probes"
	"github.com/ftpdoctor/ftpdoctor/report"
	"github.com/ftpdoctor/ftpdoctor/scan"
	"github.com/ftpdoctor/ftpdoctor/scan/render"
	"github.com/ftpdoctor/ftpdoctor/verdict"
)

const rangeExamples = `Examples:
   ftpdoctor range ftp.example.net 50000-51000
   ftpdoctor range --format json ftp.example.net 50000-51000 > range.json; echo "exit $?"
   ftpdoctor range 'ftp://alice@ftp.example.net'                  (learn the range from PASV/EPSV, then scan it)
   ftpdoctor range --passive-range 50000-51000 ftp://ftp.example.net
   ftpdoctor range --token k7f2 ftp.example.net 50000-51000       (with 'ftpdoctor listen' running on the server)`

// rangeCommand is "ftpdoctor range": a connect scan of a passive range.
func rangeCommand() *urfave.Command {
	return &urfave.Command{
		Name:      "range",
		Usage:     "scan a passive port range: open, closed (passes the firewall) or filtered (dropped)",
		ArgsUsage: "HOST LOW-HIGH | TARGET",
		Description: "With HOST LOW-HIGH, every port of the range is connected to from here (no root, no raw sockets).\n" +
			"With one TARGET (ftp://[user[:password]@]host[:port], or host), ftpdoctor logs in, asks for PASV and EPSV\n" +
			"--samples times to learn the range the server hands out, and scans that (or --passive-range).\n" +
			"The range is usable from here only if no port is filtered.\n\n" +
			"Exit codes: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.\n\n" + rangeExamples,
		OnUsageError: onUsageError,
		Flags: append([]urfave.Flag{
			&urfave.IntFlag{Name: "concurrency", Value: scan.DefaultConcurrency, Usage: "most connects open at once (capped by the file-descriptor limit)"},
			&urfave.DurationFlag{Name: "timeout", Value: scan.DefaultTimeout, Usage: "longest wait for an answer per try; shrinks to the measured RTT (at least 100 ms)"},
			&urfave.IntFlag{Name: "retries", Value: scan.DefaultRetries, Usage: "extra tries for a port that gave no answer"},
			&urfave.StringFlag{Name: "token", Usage: "expect the `TOKEN` of 'ftpdoctor listen' on every port: tells the right host from another"},
			&urfave.StringFlag{Name: "passive-range", Usage: "the range the admin declared, `LOW-HIGH`: scan it and compare it with what the server hands out"},
			&urfave.IntFlag{Name: "samples", Value: 32, Usage: "PASV/EPSV replies to collect when learning the range"},
			&urfave.BoolFlag{Name: "no-progress", Usage: "never draw the progress bar (it is drawn only on a terminal, only with --format table)"},
		}, append(append(credentialFlags(" when learning the range"), thresholdFlags("with a note saying so")...), outputFlags(forRange)...)...),
		Action: rangeAction,
	}
}

// rangeOptions are the validated scan flags.
func rangeOptions(c *urfave.Context) (scan.Options, error) {
	opt := scan.Options{Concurrency: c.Int("concurrency"), Timeout: c.Duration("timeout"), Retries: c.Int("retries"),
		Token: c.String("token")}
	switch {
	case opt.Concurrency < 1:
		return opt, usageError("--concurrency must be 1 or more, got %d", opt.Concurrency)
	case opt.Timeout <= 0:
		return opt, usageError("--timeout must be positive, got %s", opt.Timeout)
	case opt.Retries < 0 || opt.Retries > 10:
		return opt, usageError("--retries must be between 0 and 10, got %d", opt.Retries)
	case c.IsSet("token") && !validToken(opt.Token):
		return opt, usageError("--token must be 1 to 64 letters, digits, '-' or '_'")
	case c.Int("samples") < 1 || c.Int("samples") > 1000:
		return opt, usageError("--samples must be between 1 and 1000, got %d", c.Int("samples"))
	}
	return opt, nil
}

func rangeAction(c *urfave.Context) error {
	args, err := interspersed(c)
	if err != nil {
		return err
	}
	opt, err := rangeOptions(c)
	if err != nil {
		return err
	}
	name, f, opts, err := reportOutput(c, forRange)
	if err != nil {
		return err
	}
	var declared *probes.PortRange
	if v := c.String("passive-range"); v != "" {
		r, err := parsePortRange(v)
		if err != nil {
			return usageError("--passive-range: %s", err)
		}
		declared = &r
	}
	var target probes.Target
	var pass probes.Secret
	switch len(args) {
	case 1:
		if target, pass, err = parseTarget(args[0]); err != nil {
			return usageError("bad target %q: %s", maskTarget(args[0]), err)
		}
	case 2:
		if target, _, err = parseTarget(args[0]); err != nil {
			return usageError("bad host %q: %s", maskTarget(args[0]), err)
		}
		r, err := parsePortRange(args[1])
		if err != nil {
			return usageError("bad range: %s", err)
		}
		if declared != nil {
			return usageError("give the range either as LOW-HIGH or as --passive-range, not both")
		}
		opt.Range = r
	default:
		return usageError("range needs HOST LOW-HIGH, or one ftp:// TARGET (see 'ftpdoctor range --help')")
	}
	addr, err := resolve(c.Context, target.Host, opt.Timeout)
	if err != nil {
		return &exitError{code: verdict.ExitUnknown, msg: err.Error()}
	}
	opt.Address = addr
	var disc *scan.Discovery
	if len(args) == 1 {
		if disc, err = discover(c, target, pass, addr, declared, opt.Timeout); err != nil {
			return err
		}
		opt.Range = disc.ScanRange()
	}
	var bar *render.Progress // nil: no bar
	if name == "table" && !c.Bool("no-progress") && isTerminal(c.App.ErrWriter) {
		bar = render.StartProgress(c.App.ErrWriter, time.Second)
		opt.Progress = bar.Update
	}
	res, err := scan.Scan(c.Context, opt)
	bar.Finish()
	if err != nil {
		return &exitError{code: verdict.ExitUnknown, msg: "scan: " + err.Error()}
	}
	rep := scan.Build(target.Host, res, opt.Token != "", disc)
	if v, over := opts.Thresholds.Judge(res.Duration); v != verdict.OK {
		rep.Verdict.Status = verdict.Worst(rep.Verdict.Status, v)
		rep.Verdict.Code = rep.Verdict.Status.ExitCode()
		rep.Verdict.Notes = append(rep.Verdict.Notes, over)
	}
	if err := f.scan(c.App.Writer, rep, opts); err != nil {
		return writeFailed(err)
	}
	return &exitError{code: rep.Verdict.Status.ExitCode()}
}

// discover logs in and learns the passive range the server hands out.
func discover(c *urfave.Context, target probes.Target, pass probes.Secret, addr string, declared *probes.PortRange,
	timeout time.Duration) (*scan.Discovery, error) {
	cfg := probes.Config{Target: target}
	if err := credentials(c, &cfg, pass); err != nil {
		return nil, err
	}
	d, err := scan.Discover(c.Context, scan.DiscoverConfig{Target: cfg.Target, Address: addr, Password: cfg.Password,
		Timeout: max(timeout, 5*time.Second), Samples: c.Int("samples"), Declared: declared})
	if c.Bool("trace") {
		report.WriteTrace(c.App.ErrWriter, d.Transcript, output.Options{Redact: []probes.Secret{cfg.Password}})
	}
	if err != nil {
		return nil, &exitError{code: verdict.ExitUnknown, msg: "learning the passive range: " + err.Error()}
	}
	return d, nil
}

// resolve returns the first address of host through the check's own dns
// stage (IPv4 first), so that every port is scanned on the same machine.
func resolve(ctx context.Context, host string, timeout time.Duration) (string, error) {
	cfg := probes.Config{Target: probes.Target{Host: host}, Timeout: max(timeout, 5*time.Second)}
	addrs, r := probes.Resolve(ctx, cfg, probes.DefaultEnv())
	if len(addrs) == 0 {
		return "", fmt.Errorf("cannot resolve %s: %s (%s)", host, r.Summary, r.Code)
	}
	return addrs[0].String(), nil
}

func validToken(t string) bool {
	if t == "" || len(t) > 64 {
		return false
	}
	return strings.IndexFunc(t, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_')
	}) < 0
}
