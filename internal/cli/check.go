package cli

import (
	"context"
	"net"
	"strings"
	"time"

	urfave "github.com/urfave/cli/v2"

	"github.com/ftpdoctor/ftpdoctor/output"
	"github.com/ftpdoctor/ftpdoctor/probes"
	"github.com/ftpdoctor/ftpdoctor/report"
)

const checkExamples = `Examples:
   ftpdoctor check ftp.example.net
   ftpdoctor check -u alice ftp.example.net:2121      (password from FTP_PASSWORD, --password-stdin or ~/.netrc)
   ftpdoctor check 'ftp://alice@ftp.example.net/pub/'
   ftpdoctor check 'ftpes://alice@ftp.example.net'   (FTPS required: explicit TLS, as curl --ssl-reqd)
   ftpdoctor check --users accounts.txt ftp.example.net   (one USER or USER:PASSWORD a line: every account, one row each)
   ftpdoctor check --mode passive --passive-range 50000-51000 ftp.example.net
   ftpdoctor check --format nagios --warning 5s --critical 10s ftp.example.net
   ftpdoctor check --format json ftp.example.net > report.json; echo "exit $?"`

func commands() []*urfave.Command {
	return []*urfave.Command{checkCommand(), batchCommand(), demoCommand(), rangeCommand(), listenCommand(), serveCommand(), webCommand()}
}

// stageNames lists the stages of a check, in order.
func stageNames() string {
	names := make([]string, len(probes.Registry))
	for i, st := range probes.Registry {
		names[i] = string(st.ID)
	}
	return strings.Join(names, ", ")
}

func checkCommand() *urfave.Command {
	return &urfave.Command{
		Name:         "check",
		Usage:        "diagnose one FTP server: " + stageNames(),
		ArgsUsage:    "TARGET",
		Description:  "TARGET is host, host:port, user@host[:port], [v6addr]:port or ftp://[user[:password]@]host[:port][/path]; ftpes:// is explicit TLS, required, and ftps:// implicit TLS on port 990, as in curl and lftp.\n\nExit codes: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.\n\n" + checkExamples,
		OnUsageError: onUsageError,
		Flags: append([]urfave.Flag{
			&urfave.DurationFlag{Name: "timeout", Value: 5 * time.Second, Usage: "deadline for each network step"},
			&urfave.DurationFlag{Name: "deadline", Usage: "deadline for the whole run", DefaultText: "12 times --timeout, 24 times with --transfer"},
			&urfave.StringFlag{Name: "mode", Value: "both", Usage: "data modes to try: both, passive or active"},
			&urfave.StringFlag{Name: "passive-range", Usage: "the passive range the server should use, `LOW-HIGH`: flag ports outside it"},
			&urfave.StringFlag{Name: "active-address", Usage: "`IP` to send in PORT/EPRT (this client's public address behind NAT)"},
		}, append(append(append(append(append(tlsFlags(), transferFlags()...), credentialFlags("")...), accountFlags()...), thresholdFlags("with the cause check.slow")...), outputFlags(forCheck)...)...),
		Action: checkAction,
	}
}

func checkAction(c *urfave.Context) error {
	args, err := interspersed(c)
	if err != nil {
		return err
	}
	_, f, opts, err := reportOutput(c, forCheck)
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
		if cfg.Transfer != nil {
			deadline *= 2 // the transfer stage moves files after the whole check
		}
	}
	accounts, err := accountList(c, cfg)
	if err != nil {
		return err
	}
	if len(accounts) > 0 {
		deadline += deadline * time.Duration(len(accounts)-1) / time.Duration(max(c.Int("parallel"), 1))
	}
	ctx, cancel := context.WithTimeout(c.Context, deadline)
	defer cancel()
	opts.Redact = secrets(cfg, accounts)
	if len(accounts) == 0 {
		return renderCheck(c, f, opts, probes.Check(ctx, cfg, probes.DefaultEnv()))
	}
	if p := c.Int("parallel"); p < 1 || p > 100 {
		return usageError("--parallel must be between 1 and 100, got %d", p)
	}
	var mode probes.Mode
	if c.IsSet("mode") {
		mode = cfg.Mode
	}
	return renderCheck(c, f, opts, probes.CheckAccounts(ctx, cfg, accounts, mode, c.Int("parallel"), probes.DefaultEnv()))
}

// renderCheck writes the report in the chosen format and returns its exit
// code. The probes never record the password; opts.Redact masks it again
// against a server that echoes it in some form the probes did not expect.
func renderCheck(c *urfave.Context, f format, opts output.Options, o probes.Outcome) error {
	rep := report.Judge(report.Build(o), opts.Thresholds)
	if c.Bool("trace") {
		report.WriteTrace(c.App.ErrWriter, o.Transcript, opts)
		for _, a := range o.Accounts[min(1, len(o.Accounts)):] {
			report.WriteTrace(c.App.ErrWriter, a.Transcript, opts)
		}
	}
	if err := f.check(c.App.Writer, rep, opts); err != nil {
		return writeFailed(err)
	}
	return &exitError{code: rep.Verdict.ExitCode()}
}

// checkConfig turns arguments and flags into a probes.Config.
func checkConfig(c *urfave.Context, arg string) (probes.Config, error) {
	target, pass, err := parseTarget(arg)
	if err != nil {
		return probes.Config{}, usageError("bad target %q: %s", maskTarget(arg), err)
	}
	cfg, err := checkFlags(c)
	if err != nil {
		return cfg, err
	}
	cfg.Target = target
	if err := transferConfig(c, &cfg); err != nil {
		return cfg, err
	}
	if err := tlsConfig(c, &cfg); err != nil {
		return cfg, err
	}
	if err := credentials(c, &cfg, pass); err != nil {
		return cfg, err
	}
	return cfg, nil
}

// checkFlags reads the flags of a check that do not depend on the target:
// --timeout, --mode, --passive-range and --active-address.
func checkFlags(c *urfave.Context) (probes.Config, error) {
	cfg := probes.Config{Timeout: c.Duration("timeout")}
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
	return cfg, nil
}
