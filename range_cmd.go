package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/urfave/cli/v2"

	"github.com/ftpdoctor/ftpdoctor/probes"
	"github.com/ftpdoctor/ftpdoctor/report"
	"github.com/ftpdoctor/ftpdoctor/scan"
	"github.com/ftpdoctor/ftpdoctor/scan/render"
)

const rangeExamples = `Examples:
   ftpdoctor range ftp.example.net 50000-51000
   ftpdoctor range --json ftp.example.net 50000-51000 > range.json; echo "exit $?"
   ftpdoctor range 'ftp://alice@ftp.example.net'                  (learn the range from PASV/EPSV, then scan it)
   ftpdoctor range --passive-range 50000-51000 ftp://ftp.example.net
   ftpdoctor range --token k7f2 ftp.example.net 50000-51000       (with 'ftpdoctor listen' running on the server)`

// rangeCommand is "ftpdoctor range": a connect scan of a passive range.
func rangeCommand() *cli.Command {
	return &cli.Command{
		Name:      "range",
		Usage:     "scan a passive port range: open, closed (passes the firewall) or filtered (dropped)",
		ArgsUsage: "HOST LOW-HIGH | TARGET",
		Description: "With HOST LOW-HIGH, every port of the range is connected to from here (no root, no raw sockets).\n" +
			"With one TARGET (ftp://[user[:password]@]host[:port], or host), ftpdoctor logs in, asks for PASV and EPSV\n" +
			"--samples times to learn the range the server hands out, and scans that (or --passive-range).\n" +
			"The range is usable from here only if no port is filtered.\n\n" +
			"Exit codes: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.\n\n" + rangeExamples,
		OnUsageError: onUsageError,
		Flags: append([]cli.Flag{
			&cli.IntFlag{Name: "concurrency", Value: scan.DefaultConcurrency, Usage: "most connects open at once (capped by the file-descriptor limit)"},
			&cli.DurationFlag{Name: "timeout", Value: scan.DefaultTimeout, Usage: "longest wait for an answer per try; shrinks to the measured RTT (at least 100 ms)"},
			&cli.IntFlag{Name: "retries", Value: scan.DefaultRetries, Usage: "extra tries for a port that gave no answer"},
			&cli.StringFlag{Name: "token", Usage: "expect the `TOKEN` of 'ftpdoctor listen' on every port: tells the right host from another"},
			&cli.StringFlag{Name: "passive-range", Usage: "the range the admin declared, `LOW-HIGH`: scan it and compare it with what the server hands out"},
			&cli.IntFlag{Name: "samples", Value: 32, Usage: "PASV/EPSV replies to collect when learning the range"},
			&cli.StringFlag{Name: "user", Aliases: []string{"u"}, Usage: "login `USER` (or USER:PASSWORD) when learning the range; none: anonymous"},
			&cli.BoolFlag{Name: "password-stdin", Usage: "read the password from the first line of standard input"},
			&cli.StringFlag{Name: "netrc-file", Usage: "read credentials from `FILE` instead of ~/.netrc"},
			&cli.BoolFlag{Name: "no-progress", Usage: "never draw the progress bar (it is drawn only on a terminal, never with --json)"},
		}, outputFlags()...),
		Action: rangeAction,
	}
}

// rangeOptions are the validated scan flags.
func rangeOptions(c *cli.Context) (scan.Options, error) {
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

func rangeAction(c *cli.Context) error {
	args, err := interspersed(c)
	if err != nil {
		return err
	}
	opt, err := rangeOptions(c)
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
			return usageError("bad target %q: %s", args[0], err)
		}
	case 2:
		if target, _, err = parseTarget(args[0]); err != nil {
			return usageError("bad host %q: %s", args[0], err)
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
		return &exitError{code: exitUnknown, msg: err.Error()}
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
	if !c.Bool("json") && !c.Bool("no-progress") && isTerminal(c.App.ErrWriter) {
		bar = render.StartProgress(c.App.ErrWriter, time.Second)
		opt.Progress = bar.Update
	}
	res, err := scan.Scan(c.Context, opt)
	bar.Finish()
	if err != nil {
		return &exitError{code: exitUnknown, msg: "scan: " + err.Error()}
	}
	rep := scan.Build(target.Host, res, opt.Token != "", disc)
	if c.Bool("json") {
		err = render.WriteRangeJSON(c.App.Writer, rep, report.Options{})
	} else {
		err = render.WriteRangeTable(c.App.Writer, rep, report.Options{Color: useColor(c.Bool("no-color"), c.App.Writer), Verbose: c.Bool("verbose")})
	}
	if err != nil {
		return &exitError{code: exitUnknown, msg: "writing the report: " + err.Error()}
	}
	return &exitError{code: rep.Verdict.Code}
}

// discover logs in and learns the passive range the server hands out.
func discover(c *cli.Context, target probes.Target, pass probes.Secret, addr string, declared *probes.PortRange,
	timeout time.Duration) (*scan.Discovery, error) {
	cfg := probes.Config{Target: target}
	if err := credentials(c, &cfg, pass); err != nil {
		return nil, err
	}
	d, err := scan.Discover(c.Context, scan.DiscoverConfig{Target: cfg.Target, Address: addr, Password: cfg.Password,
		Timeout: max(timeout, 5*time.Second), Samples: c.Int("samples"), Declared: declared})
	if c.Bool("trace") {
		report.WriteTrace(c.App.ErrWriter, d.Transcript, report.Options{Redact: []probes.Secret{cfg.Password}})
	}
	if err != nil {
		return nil, &exitError{code: exitUnknown, msg: "learning the passive range: " + err.Error()}
	}
	return d, nil
}

// resolve returns the first address of host (IPv4 first), so that every
// port is scanned on the same machine.
func resolve(ctx context.Context, host string, timeout time.Duration) (string, error) {
	if ip := net.ParseIP(host); ip != nil {
		return ip.String(), nil
	}
	ctx, cancel := context.WithTimeout(ctx, max(timeout, 5*time.Second))
	defer cancel()
	addrs, err := net.DefaultResolver.LookupIPAddr(ctx, host)
	if err != nil || len(addrs) == 0 {
		return "", fmt.Errorf("cannot resolve %s: %v", host, err)
	}
	for _, a := range addrs {
		if a.IP.To4() != nil {
			return a.IP.String(), nil
		}
	}
	return addrs[0].IP.String(), nil
}

func validToken(t string) bool {
	if t == "" || len(t) > 64 {
		return false
	}
	return strings.IndexFunc(t, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_')
	}) < 0
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

// listenCommand is "ftpdoctor listen": answer every port of a range with a
// token, for a while, so that "range --token" from outside can tell where
// each port leads.
func listenCommand() *cli.Command {
	return &cli.Command{
		Name:      "listen",
		Usage:     "listen on every free port of a range and answer each connection with a token, then stop by itself",
		ArgsUsage: "LOW-HIGH",
		Description: "Run on the FTP server's host while the FTP server is stopped (or on ports it does not use), then run\n" +
			"'ftpdoctor range HOST LOW-HIGH --token TOKEN' from outside: ports that reach this host answer with the token.\n\n" +
			"Example:\n   ftpdoctor listen --duration 5m 50000-51000",
		OnUsageError: onUsageError,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "token", Usage: "`TOKEN` to answer with (default: random)"},
			&cli.DurationFlag{Name: "duration", Value: 10 * time.Minute, DefaultText: "10m", Usage: "stop after this long (at most 24h)"},
			&cli.StringFlag{Name: "address", Usage: "local `IP` to listen on (default: every address)"},
			&cli.BoolFlag{Name: "json", Usage: "print the final report as JSON (the start message goes to stderr)"},
		},
		Action: listenAction,
	}
}

func listenAction(c *cli.Context) error {
	args, err := interspersed(c)
	if err != nil {
		return err
	}
	if len(args) != 1 {
		return usageError("listen needs exactly one LOW-HIGH range (see 'ftpdoctor listen --help')")
	}
	r, err := parsePortRange(args[0])
	if err != nil {
		return usageError("bad range: %s", err)
	}
	d := c.Duration("duration")
	if d <= 0 || d > 24*time.Hour {
		return usageError("--duration must be between 0 and 24h, got %s", d)
	}
	token := c.String("token")
	if token == "" {
		b := make([]byte, 6)
		rand.Read(b)
		token = hex.EncodeToString(b)
	} else if !validToken(token) {
		return usageError("--token must be 1 to 64 letters, digits, '-' or '_'")
	}
	addr := c.String("address")
	if addr != "" && net.ParseIP(addr) == nil {
		return usageError("--address %q is not an IP address", addr)
	}
	startTo := c.App.Writer
	if c.Bool("json") {
		startTo = c.App.ErrWriter
	}
	rep, err := scan.Listen(c.Context, scan.ListenConfig{Address: addr, Range: r, Token: token, Duration: d,
		Ready: func(rep scan.ListenReport) { render.WriteListenStart(startTo, rep, d) }})
	if err != nil {
		return &exitError{code: exitUnknown, msg: fmt.Sprintf("listen %d-%d: %s", r.Low, r.High, err)}
	}
	if c.Bool("json") {
		err = render.WriteListenJSON(c.App.Writer, rep, report.Options{})
	} else {
		err = render.WriteListenEnd(c.App.Writer, rep, report.Options{})
	}
	if err != nil {
		return &exitError{code: exitUnknown, msg: "writing the report: " + err.Error()}
	}
	return nil
}
