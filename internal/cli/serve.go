package cli

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"

	urfave "github.com/urfave/cli/v2"

	"github.com/ftpdoctor/ftpdoctor/exporter"
	"github.com/ftpdoctor/ftpdoctor/modules"
	"github.com/ftpdoctor/ftpdoctor/verdict"
)

const serveExamples = `Examples:
   ftpdoctor serve
   ftpdoctor serve --config /etc/ftpdoctor/modules.yml --allow ftp.example.net,10.0.0.0/8
   curl 'http://127.0.0.1:9121/probe?target=ftp.example.net&module=default'
   curl 'http://127.0.0.1:9121/probe?target=ftp.example.net&debug=true'      (the report as text)

See docs/monitoring.md for the Prometheus scrape configuration and the module file.`

// DefaultServeAddress is where serve listens unless told otherwise:
// loopback only.
const DefaultServeAddress = "127.0.0.1:9121"

// serveCommand is "ftpdoctor serve": the Prometheus exporter.
func serveCommand() *urfave.Command {
	return &urfave.Command{
		Name:  "serve",
		Usage: "Prometheus exporter: /probe?target=HOST&module=NAME runs a check and returns its metrics",
		Description: "Multi-target exporter in the style of blackbox_exporter. Modules (--config, YAML or JSON) say how to\n" +
			"probe; a module with a password_file only probes the hosts it pins. Requests beyond --max-concurrent\n" +
			"get 503. Logs go to stderr and never hold a password.\n\n" + serveExamples,
		OnUsageError: onUsageError,
		Flags: []urfave.Flag{
			&urfave.StringFlag{Name: "listen", Value: DefaultServeAddress, Usage: "`ADDR`ess to listen on (a non-loopback address exposes the exporter to the network)"},
			&urfave.StringFlag{Name: "config", Usage: "module config `FILE` (YAML or JSON); without it only the anonymous module \"default\""},
			&urfave.StringSliceFlag{Name: "allow", Usage: "names and CIDR networks anonymous probes may target (comma-separated or repeated); none: any"},
			&urfave.IntFlag{Name: "max-concurrent", Value: exporter.DefaultMaxConcurrent, Usage: "probes at once; more get 503"},
			&urfave.DurationFlag{Name: "timeout-offset", Aliases: []string{"timeout-margin"}, Value: exporter.DefaultTimeoutOffset,
				Usage: "taken off Prometheus's scrape timeout (X-Prometheus-Scrape-Timeout-Seconds) for the probe's deadline, as blackbox_exporter's"},
			&urfave.DurationFlag{Name: "max-deadline", Value: exporter.DefaultMaxDeadline, Usage: "longest a probe may run"},
		},
		Action: serveAction,
	}
}

func serveAction(c *urfave.Context) error {
	args, err := interspersed(c)
	if err != nil {
		return err
	}
	if len(args) != 0 {
		return usageError("serve takes no arguments, got %q (see 'ftpdoctor serve --help')", args[0])
	}
	opts := exporter.Options{MaxConcurrent: c.Int("max-concurrent"), TimeoutOffset: c.Duration("timeout-offset"),
		MaxDeadline: c.Duration("max-deadline")}
	switch {
	case opts.MaxConcurrent < 1:
		return usageError("--max-concurrent must be 1 or more, got %d", opts.MaxConcurrent)
	case opts.TimeoutOffset < 0:
		return usageError("--timeout-offset must not be negative, got %s", opts.TimeoutOffset)
	case opts.MaxDeadline <= 0:
		return usageError("--max-deadline must be positive, got %s", opts.MaxDeadline)
	}
	if opts.Allow, opts.Modules, err = targetRules(c); err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(c.App.ErrWriter, nil))
	opts.Logger = logger
	ln, err := net.Listen("tcp", c.String("listen"))
	if err != nil {
		return &exitError{code: verdict.ExitUnknown, msg: "serve: " + err.Error()}
	}
	if tcp, ok := ln.Addr().(*net.TCPAddr); ok && !tcp.IP.IsLoopback() {
		logger.Warn("listening beyond loopback: anyone who reaches this address can run probes", "address", ln.Addr().String())
	}
	srv := &http.Server{
		Handler:           exporter.New(opts).Handler(),
		ReadHeaderTimeout: 5 * time.Second,
		WriteTimeout:      opts.MaxDeadline + 10*time.Second,
		IdleTimeout:       time.Minute,
		MaxHeaderBytes:    16 << 10,
	}
	logger.Info("listening", "address", ln.Addr().String(), "modules", len(opts.Modules), "max_concurrent", opts.MaxConcurrent)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err = <-done:
	case <-c.Context.Done():
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		err = srv.Shutdown(ctx)
		<-done
	}
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return &exitError{code: verdict.ExitUnknown, msg: "serve: " + err.Error()}
	}
	return nil
}

// targetRules reads what serve and web share: --allow, the networks and
// names anonymous checks may target, and --config, the modules.
func targetRules(c *urfave.Context) (modules.HostList, map[string]modules.Module, error) {
	allow, err := modules.ParseHostList(c.StringSlice("allow"))
	if err != nil {
		return allow, nil, usageError("--allow: %s", err)
	}
	mods := modules.Defaults()
	if file := c.String("config"); file != "" {
		if mods, err = modules.Load(file); err != nil {
			return allow, nil, usageError("--config: %s", err)
		}
	}
	return allow, mods, nil
}
