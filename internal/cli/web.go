package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	urfave "github.com/urfave/cli/v2"

	"github.com/ftpdoctor/ftpdoctor/verdict"
	"github.com/ftpdoctor/ftpdoctor/web"
)

// DefaultWebAddress is where web (and demo --web) listen unless told
// otherwise: loopback only.
const DefaultWebAddress = "127.0.0.1:9122"

const webExamples = `Examples:
   ftpdoctor web                                       (http://127.0.0.1:9122/)
   ftpdoctor web --config /etc/ftpdoctor/modules.yml --allow ftp.example.net,10.0.0.0/8
   ftpdoctor web --data /var/lib/ftpdoctor --keep 30d,500   (the history: where, and how much)
   ftpdoctor web --data ''                             (reports in memory only, as long as the process lives)
   ftpdoctor web --hash-password < pw.txt              (prints a bcrypt hash for --auth-file)
   ftpdoctor web --listen :9122 --host helpdesk.example.net --auth-file /etc/ftpdoctor/web.users
   ftpdoctor demo --web                                (the page with the demo's fake servers)

See docs/web.md.`

// webCommand is "ftpdoctor web": the helpdesk's page.
func webCommand() *urfave.Command {
	return &urfave.Command{
		Name:  "web",
		Usage: "a web page for the helpdesk: a form that runs a check and shows its report",
		Description: "Serves a form (target, user, password, data mode, TLS, module) and the report of each check, with\n" +
			"a timeline of the stages and the causes' docs pages. Modules and --allow limit the targets as for serve.\n" +
			"Listening beyond loopback needs --auth-file (basic auth, bcrypt hashes). Every finished report is kept,\n" +
			"redacted, in --data (a SQLite file) under --keep, with a list of recent checks and a before/after comparison.\n\n" + webExamples,
		OnUsageError: onUsageError,
		Flags: append([]urfave.Flag{
			&urfave.StringFlag{Name: "listen", Value: DefaultWebAddress, Usage: "`ADDR`ess to listen on; beyond loopback --auth-file is required"},
			&urfave.StringFlag{Name: "config", Usage: "module config `FILE` (YAML or JSON), as for serve"},
			&urfave.StringSliceFlag{Name: "allow", Usage: "names and CIDR networks checks without stored credentials may target; none: any"},
			&urfave.StringSliceFlag{Name: "host", Usage: "a `NAME` the page is opened by, besides the --listen address, loopback and localhost (repeat); others get 421"},
			&urfave.StringFlag{Name: "auth-file", Usage: "basic-auth users, one `FILE` line user:bcrypt-hash (htpasswd -nB, or --hash-password)"},
			&urfave.BoolFlag{Name: "hash-password", Usage: "read a password from standard input, print its bcrypt hash and exit"},
			&urfave.IntFlag{Name: "max-concurrent", Value: web.DefaultMaxConcurrent, Usage: "checks at once; more get 503"},
			&urfave.IntFlag{Name: "rate", Value: 12, Usage: "checks one client address may start per minute (burst 5); more get 429"},
			&urfave.DurationFlag{Name: "max-deadline", Value: web.DefaultMaxDeadline, Usage: "longest a check may run"},
		}, historyFlags()...),
		Action: webAction,
	}
}

func webAction(c *urfave.Context) error {
	args, err := interspersed(c)
	if err != nil {
		return err
	}
	if len(args) != 0 {
		return usageError("web takes no arguments, got %q (see 'ftpdoctor web --help')", args[0])
	}
	if c.Bool("hash-password") {
		return hashPassword(c)
	}
	opts := web.Options{MaxConcurrent: c.Int("max-concurrent"), MaxDeadline: c.Duration("max-deadline"),
		Rate: float64(c.Int("rate")) / 60}
	switch {
	case opts.MaxConcurrent < 1:
		return usageError("--max-concurrent must be 1 or more, got %d", opts.MaxConcurrent)
	case c.Int("rate") < 1:
		return usageError("--rate must be 1 or more checks per minute, got %d", c.Int("rate"))
	case opts.MaxDeadline <= 0:
		return usageError("--max-deadline must be positive, got %s", opts.MaxDeadline)
	}
	for _, h := range c.StringSlice("host") {
		if _, err := web.HostName(h); err != nil {
			return usageError("--host: %s", err)
		}
		opts.Hosts = append(opts.Hosts, h)
	}
	if opts.Allow, opts.Modules, err = targetRules(c); err != nil {
		return err
	}
	if file := c.String("auth-file"); file != "" {
		if opts.Users, err = web.LoadUsers(file); err != nil {
			return usageError("--auth-file: %s", err)
		}
	}
	hist, err := readHistory(c)
	if err != nil {
		return err
	}
	return serveWeb(c, c.String("listen"), opts, hist)
}

// hashPassword prints the bcrypt hash of the first line of stdin.
func hashPassword(c *urfave.Context) error {
	line, err := bufio.NewReader(c.App.Reader).ReadString('\n')
	if err != nil && line == "" {
		return usageError("--hash-password reads the password from standard input: got nothing")
	}
	h, err := web.HashPassword(strings.TrimRight(line, "\r\n"))
	if err != nil {
		return usageError("--hash-password: %s", err)
	}
	fmt.Fprintln(c.App.Writer, h)
	return nil
}

// serveWeb listens on addr and serves the page until the context ends.
// Beyond loopback it refuses to start without users to authenticate.
func serveWeb(c *urfave.Context, addr string, opts web.Options, hist historySpec) error {
	needs, err := web.NeedsAuth(addr)
	if err != nil {
		return usageError("--listen: %s", err)
	}
	if needs && opts.Users == nil {
		return usageError("--listen %s is beyond loopback: give --auth-file (basic auth) or listen on 127.0.0.1", addr)
	}
	logger := slog.New(slog.NewTextHandler(c.App.ErrWriter, nil))
	opts.Logger, opts.Listen = logger, addr
	if opts.History, err = hist.open(c.Context); err != nil {
		return err
	}
	defer opts.History.Close() // after ws.Close, below
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return &exitError{code: verdict.ExitUnknown, msg: "web: " + err.Error()}
	}
	ws := web.New(opts)
	defer ws.Close()
	srv := &http.Server{
		Handler:           ws.Handler(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		IdleTimeout:       time.Minute,
		MaxHeaderBytes:    16 << 10,
	}
	fmt.Fprintf(c.App.Writer, "ftpdoctor web page: http://%s/\n", ln.Addr())
	logger.Info("listening", "address", ln.Addr().String(), "modules", len(opts.Modules), "auth", opts.Users != nil,
		"history", opts.History.Where(), "keep", opts.History.Retention().String())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err = <-done:
	case <-c.Context.Done():
		ws.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		err = srv.Shutdown(ctx)
		<-done
	}
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return &exitError{code: verdict.ExitUnknown, msg: "web: " + err.Error()}
	}
	return nil
}
