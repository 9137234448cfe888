package cli

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	urfave "github.com/urfave/cli/v2"

	"github.com/ftpdoctor/ftpdoctor/fixtures"
	"github.com/ftpdoctor/ftpdoctor/history"
	"github.com/ftpdoctor/ftpdoctor/output"
	"github.com/ftpdoctor/ftpdoctor/probes"
	"github.com/ftpdoctor/ftpdoctor/report"
	"github.com/ftpdoctor/ftpdoctor/verdict"
	"github.com/ftpdoctor/ftpdoctor/web"
)

func demoCommand() *urfave.Command {
	return &urfave.Command{
		Name:      "demo",
		Usage:     "diagnose built-in fake servers (a healthy one and many broken ones) on loopback",
		ArgsUsage: "[SCENARIO...]",
		Description: "Starts fixture FTP servers in this process on 127.0.0.1 and runs a full check against each,\n" +
			"so you can see real reports with no server of your own. No packet leaves this machine.\n" +
			"Name scenarios to run only those; --list shows them.",
		OnUsageError: onUsageError,
		Flags: append([]urfave.Flag{
			&urfave.BoolFlag{Name: "list", Usage: "list the scenarios and exit"},
			&urfave.BoolFlag{Name: "web", Usage: "serve the web page on loopback with the scenarios' servers offered as targets"},
			&urfave.StringFlag{Name: "listen", Value: DefaultWebAddress, Usage: "with --web: loopback `ADDR`ess to listen on"},
			&urfave.DurationFlag{Name: "timeout", Value: time.Second, Usage: "deadline for each network step"},
		}, outputFlags(forDemo)...),
		Action: demoAction,
	}
}

func demoAction(c *urfave.Context) error {
	args, err := interspersed(c)
	if err != nil {
		return err
	}
	scenarios, err := pickScenarios(args)
	if err != nil {
		return err
	}
	name, f, err := chosenFormat(c, forDemo)
	if err != nil {
		return err
	}
	opts, err := outputOptions(c)
	if err != nil {
		return err
	}
	opts.Redact = []probes.Secret{fixtures.DemoPassword}
	w := c.App.Writer
	if c.Bool("list") {
		for _, sc := range scenarios {
			fmt.Fprintf(w, "%-24s %s\n", sc.Name, sc.Description)
		}
		return nil
	}
	if c.Duration("timeout") <= 0 {
		return usageError("--timeout must be positive, got %s", c.Duration("timeout"))
	}
	if c.Bool("web") {
		return demoWeb(c, scenarios, c.Duration("timeout"))
	}
	// Scenarios run side by side; their reports print in order.
	outcomes := make([]probes.Outcome, len(scenarios))
	errs := make([]error, len(scenarios))
	var wg sync.WaitGroup
	for i, sc := range scenarios {
		wg.Add(1)
		go func() {
			defer wg.Done()
			outcomes[i], errs[i] = runScenario(c.Context, sc, c.Duration("timeout"))
		}()
	}
	wg.Wait()
	for i, sc := range scenarios {
		if errs[i] != nil {
			return &exitError{code: verdict.ExitUnknown, msg: fmt.Sprintf("demo %s: %s", sc.Name, errs[i])}
		}
		if err := writeDemo(c, w, name, f, sc, outcomes[i], opts); err != nil {
			return writeFailed(err)
		}
	}
	return nil
}

// writeDemo writes one scenario's report; the table format names the
// scenario above its report and leaves a blank line after it.
func writeDemo(c *urfave.Context, w io.Writer, name string, f format, sc fixtures.Scenario, o probes.Outcome, opts output.Options) error {
	rep := report.Build(o)
	if c.Bool("trace") {
		report.WriteTrace(c.App.ErrWriter, o.Transcript, opts)
	}
	if name != "table" {
		return f.demo(w, rep, opts)
	}
	fmt.Fprint(w, output.WrapLines(fmt.Sprintf("=== demo %s: %s", sc.Name, sc.Description), opts.Width)+"\n\n")
	if err := f.demo(w, rep, opts); err != nil {
		return err
	}
	_, err := fmt.Fprintln(w)
	return err
}

func pickScenarios(names []string) ([]fixtures.Scenario, error) {
	all := fixtures.DemoScenarios()
	if len(names) == 0 {
		return all, nil
	}
	byName := map[string]fixtures.Scenario{}
	for _, sc := range all {
		byName[sc.Name] = sc
	}
	var out []fixtures.Scenario
	for _, n := range names {
		sc, ok := byName[n]
		if !ok {
			return nil, usageError("unknown demo scenario %q (see 'ftpdoctor demo --list')", n)
		}
		out = append(out, sc)
	}
	return out, nil
}

// runScenario starts one fixture and checks it through the scenario's
// loopback-only dialer.
func runScenario(ctx context.Context, sc fixtures.Scenario, timeout time.Duration) (probes.Outcome, error) {
	in, err := sc.Start()
	if err != nil {
		return probes.Outcome{}, err
	}
	defer in.Close()
	cfg, env := scenarioConfig(in, timeout)
	ctx, cancel := context.WithTimeout(ctx, 12*timeout+10*time.Second)
	defer cancel()
	return probes.Check(ctx, cfg, env), nil
}

// scenarioConfig is the check of a started scenario, through its
// loopback-only dialer.
func scenarioConfig(in *fixtures.Instance, timeout time.Duration) (probes.Config, probes.Env) {
	env := probes.DefaultEnv()
	env.Dialer = in.Dialer
	cfg := probes.Config{
		Target:   probes.Target{Host: in.Host, Port: in.Port, User: in.User},
		Password: probes.Secret(in.Password),
		Timeout:  timeout,
		Mode:     probes.ModeBoth,
		TLS:      probes.TLSMode(in.TLS),
		Roots:    in.Roots,
	}
	if in.User == "anonymous" {
		cfg.Anonymous = true
	}
	return cfg, env
}

// demoWeb starts every chosen scenario's server and serves the web page
// on loopback with them offered as targets, until interrupted.
func demoWeb(c *urfave.Context, scenarios []fixtures.Scenario, timeout time.Duration) error {
	if needs, err := web.NeedsAuth(c.String("listen")); err != nil || needs {
		return usageError("demo --web listens on loopback only, got --listen %q", c.String("listen"))
	}
	opts := web.Options{}
	for _, sc := range scenarios {
		in, err := sc.Start()
		if err != nil {
			return &exitError{code: verdict.ExitUnknown, msg: fmt.Sprintf("demo %s: %s", sc.Name, err)}
		}
		defer in.Close()
		cfg, env := scenarioConfig(in, timeout)
		opts.Presets = append(opts.Presets, web.Preset{Name: sc.Name, Description: sc.Description, Config: cfg, Env: env})
	}
	return serveWeb(c, c.String("listen"), opts, historySpec{keep: history.DefaultMemoryKeep}) // demo reports stay in memory
}
