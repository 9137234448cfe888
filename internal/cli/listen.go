package cli

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"time"

	urfave "github.com/urfave/cli/v2"

	"github.com/ftpdoctor/ftpdoctor/output"
	"github.com/ftpdoctor/ftpdoctor/scan"
	"github.com/ftpdoctor/ftpdoctor/scan/render"
	"github.com/ftpdoctor/ftpdoctor/verdict"
)

// listenCommand is "ftpdoctor listen": answer every port of a range with a
// token, for a while, so that "range --token" from outside can tell where
// each port leads.
func listenCommand() *urfave.Command {
	return &urfave.Command{
		Name:      "listen",
		Usage:     "listen on every free port of a range and answer each connection with a token, then stop by itself",
		ArgsUsage: "LOW-HIGH",
		Description: "Run on the FTP server's host while the FTP server is stopped (or on ports it does not use), then run\n" +
			"'ftpdoctor range HOST LOW-HIGH --token TOKEN' from outside: ports that reach this host answer with the token.\n" +
			"It prints that command with this host's addresses. See docs/range-listen.md.\n\n" +
			"Example:\n   ftpdoctor listen --duration 5m 50000-51000",
		OnUsageError: onUsageError,
		Flags: append([]urfave.Flag{
			&urfave.StringFlag{Name: "token", Usage: "`TOKEN` to answer with (default: random)"},
			&urfave.DurationFlag{Name: "duration", Value: 10 * time.Minute, DefaultText: "10m", Usage: "stop after this long (at most 24h)"},
			&urfave.StringFlag{Name: "address", Usage: "local `IP` to listen on (default: every address)"},
		}, formatFlags(forListen)...),
		Action: listenAction,
	}
}

func listenAction(c *urfave.Context) error {
	args, err := interspersed(c)
	if err != nil {
		return err
	}
	name, f, err := chosenFormat(c, forListen)
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
	// the start message goes to stdout only above the table; otherwise to
	// stderr, so that stdout holds one report in the format asked for
	startTo := c.App.Writer
	if name != "table" {
		startTo = c.App.ErrWriter
	}
	rep, err := scan.Listen(c.Context, scan.ListenConfig{Address: addr, Range: r, Token: token, Duration: d,
		Ready: func(rep scan.ListenReport) { render.WriteListenStart(startTo, rep, d, listenHosts(addr)) }})
	if err != nil {
		return &exitError{code: verdict.ExitUnknown, msg: fmt.Sprintf("listen %d-%d: %s", r.Low, r.High, err)}
	}
	if err := f.listen(c.App.Writer, rep, output.Options{}); err != nil {
		return writeFailed(err)
	}
	return nil
}

// listenHosts are the addresses to give "range" from outside: the one
// listened on, or every address of this host's interfaces that is neither
// loopback nor link-local (empty when none is found).
func listenHosts(addr string) []string {
	if addr != "" {
		return []string{addr}
	}
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return nil
	}
	var out []string
	for _, a := range addrs {
		n, ok := a.(*net.IPNet)
		if !ok || n.IP.IsLoopback() || n.IP.IsLinkLocalUnicast() || n.IP.IsUnspecified() {
			continue
		}
		out = append(out, n.IP.String())
	}
	return out
}
