package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/ftpdoctor/ftpdoctor/probes"
	"github.com/ftpdoctor/ftpdoctor/report"
)

const checkExamples = `Examples:
   ftpdoctor check ftp.example.net
   ftpdoctor check -u alice ftp.example.net:2121      (password from FTP_PASSWORD, --password-stdin or ~/.netrc)
   ftpdoctor check 'ftp://alice@ftp.example.net/pub/'
   ftpdoctor check --mode passive --passive-range 50000-51000 ftp.example.net
   ftpdoctor check --json ftp.example.net > report.json; echo "exit $?"`

func commands() []*cli.Command {
	return []*cli.Command{checkCommand(), demoCommand(), rangeCommand(), listenCommand()}
}

func outputFlags() []cli.Flag {
	return []cli.Flag{
		&cli.BoolFlag{Name: "json", Usage: "print the report as JSON (schema version 1, see docs/json.md)"},
		&cli.BoolFlag{Name: "no-color", Usage: "never color the output (also: NO_COLOR set, or output not a terminal)"},
		&cli.BoolFlag{Name: "trace", Usage: "print the control-connection transcript on stderr (password redacted)"},
		&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "show every stage's evidence in the table"},
	}
}

func checkCommand() *cli.Command {
	return &cli.Command{
		Name:         "check",
		Usage:        "diagnose one FTP server: dns, control, login, passive, active, firewall",
		ArgsUsage:    "TARGET",
		Description:  "TARGET is host, host:port, user@host[:port], [v6addr]:port or ftp://[user[:password]@]host[:port][/path].\n\nExit codes: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.\n\n" + checkExamples,
		OnUsageError: onUsageError,
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "user", Aliases: []string{"u"}, Usage: "login `USER` (or USER:PASSWORD, as curl -u); none: anonymous"},
			&cli.BoolFlag{Name: "password-stdin", Usage: "read the password from the first line of standard input"},
			&cli.StringFlag{Name: "netrc-file", Usage: "read credentials from `FILE` instead of ~/.netrc"},
			&cli.DurationFlag{Name: "timeout", Value: 5 * time.Second, Usage: "deadline for each network step"},
			&cli.DurationFlag{Name: "deadline", Usage: "deadline for the whole run", DefaultText: "12 times --timeout"},
			&cli.StringFlag{Name: "mode", Value: "both", Usage: "data modes to try: both, passive or active"},
			&cli.StringFlag{Name: "passive-range", Usage: "the passive range the server should use, `LOW-HIGH`: flag ports outside it"},
			&cli.StringFlag{Name: "active-address", Usage: "`IP` to send in PORT/EPRT (this client's public address behind NAT)"},
		}, outputFlags()...),
		Action: checkAction,
	}
}

func checkAction(c *cli.Context) error {
	args, err := interspersed(c)
	if err != nil {
		return err
	}
	if len(args) != 1 {
		return usageError("check needs exactly one TARGET (see 'ftpdoctor check --help')")
	}
	cfg, err := checkConfig(c, args[0])
	if err != nil {
		return err
	}
	deadline := c.Duration("deadline")
	if deadline <= 0 {
		deadline = 12 * cfg.Timeout
	}
	ctx, cancel := context.WithTimeout(c.Context, deadline)
	defer cancel()
	outcome := probes.Check(ctx, cfg, probes.DefaultEnv())
	return renderCheck(c, outcome, cfg.Password)
}

// renderCheck writes the report in the chosen format and returns its exit code.
// The probes never record the password; masking it again here guards
// against a server that echoes it in some form the probes did not expect.
func renderCheck(c *cli.Context, o probes.Outcome, password probes.Secret) error {
	rep := report.Build(o)
	opts := report.Options{Color: useColor(c.Bool("no-color"), c.App.Writer), Verbose: c.Bool("verbose"), Redact: []probes.Secret{password}}
	if c.Bool("trace") {
		report.WriteTrace(c.App.ErrWriter, o.Transcript, opts)
	}
	var err error
	if c.Bool("json") {
		err = report.WriteJSON(c.App.Writer, rep, opts)
	} else {
		err = report.WriteTable(c.App.Writer, rep, opts)
	}
	if err != nil {
		return &exitError{code: exitUnknown, msg: "writing the report: " + err.Error()}
	}
	return &exitError{code: rep.ExitCode}
}

// checkConfig turns arguments and flags into a probes.Config.
func checkConfig(c *cli.Context, arg string) (probes.Config, error) {
	target, pass, err := parseTarget(arg)
	if err != nil {
		return probes.Config{}, usageError("bad target %q: %s", arg, err)
	}
	cfg := probes.Config{Target: target, Timeout: c.Duration("timeout")}
	if cfg.Timeout <= 0 {
		return cfg, usageError("--timeout must be positive, got %s", cfg.Timeout)
	}
	switch m := probes.Mode(c.String("mode")); m {
	case probes.ModeBoth, probes.ModePassive, probes.ModeActive:
		cfg.Mode = m
	default:
		return cfg, usageError("--mode must be both, passive or active, got %q", c.String("mode"))
	}
	if v := c.String("passive-range"); v != "" {
		r, err := parsePortRange(v)
		if err != nil {
			return cfg, usageError("--passive-range: %s", err)
		}
		cfg.PassiveRange = &r
	}
	if v := c.String("active-address"); v != "" {
		if cfg.ActiveAddress = net.ParseIP(v); cfg.ActiveAddress == nil {
			return cfg, usageError("--active-address %q is not an IP address", v)
		}
	}
	if err := credentials(c, &cfg, pass); err != nil {
		return cfg, err
	}
	return cfg, nil
}

// credentials picks user and password: the URL, then --user USER:PASS,
// --password-stdin, FTP_PASSWORD, then the netrc file; no user means
// anonymous.
func credentials(c *cli.Context, cfg *probes.Config, pass probes.Secret) error {
	if u := c.String("user"); u != "" {
		name, p, hasPass := strings.Cut(u, ":")
		cfg.Target.User = name
		if hasPass && pass == "" {
			pass = probes.Secret(p)
		}
	}
	if pass == "" && c.Bool("password-stdin") {
		line, err := bufio.NewReader(io.LimitReader(c.App.Reader, 4096)).ReadString('\n')
		if err != nil && line == "" {
			return usageError("--password-stdin: no password on standard input")
		}
		pass = probes.Secret(strings.TrimRight(line, "\r\n"))
	}
	if pass == "" {
		pass = probes.Secret(os.Getenv("FTP_PASSWORD"))
	}
	if pass == "" {
		e, ok, err := netrcCredentials(c.String("netrc-file"), cfg.Target.Host, cfg.Target.User)
		if err != nil {
			return err
		}
		if ok {
			if cfg.Target.User == "" {
				cfg.Target.User = e.Login
			}
			pass = probes.Secret(e.Password)
		}
	}
	if cfg.Target.User == "" || cfg.Target.User == "anonymous" || cfg.Target.User == "ftp" {
		cfg.Anonymous = pass == ""
		if cfg.Target.User == "" {
			cfg.Target.User = "anonymous"
		}
	}
	cfg.Password = pass
	return nil
}

func netrcCredentials(file, host, user string) (netrcEntry, bool, error) {
	explicit := file != ""
	if !explicit {
		home, err := os.UserHomeDir()
		if err != nil {
			return netrcEntry{}, false, nil
		}
		file = filepath.Join(home, ".netrc")
	}
	f, err := os.Open(file)
	if err != nil {
		if explicit {
			return netrcEntry{}, false, usageError("--netrc-file: %s", err)
		}
		return netrcEntry{}, false, nil
	}
	defer f.Close()
	e, ok := lookupNetrc(parseNetrc(f), host, user)
	return e, ok, nil
}

// parsePortRange reads LOW-HIGH.
func parsePortRange(s string) (probes.PortRange, error) {
	lo, hi, ok := strings.Cut(s, "-")
	if !ok {
		return probes.PortRange{}, fmt.Errorf("%q: want LOW-HIGH, e.g. 50000-51000", s)
	}
	l, err1 := strconv.Atoi(strings.TrimSpace(lo))
	h, err2 := strconv.Atoi(strings.TrimSpace(hi))
	if err1 != nil || err2 != nil || l < 1 || h > 65535 || l > h {
		return probes.PortRange{}, fmt.Errorf("%q: want LOW-HIGH with 1 <= LOW <= HIGH <= 65535", s)
	}
	return probes.PortRange{Low: l, High: h}, nil
}
