// Package cli is ftpdoctor's command line: one file per command (check,
// demo, range, listen), the credentials resolved in one place
// (credentials.go), and the output formats in one table (format.go). Run
// takes the arguments and the standard streams, so tests hand it buffers.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	urfave "github.com/urfave/cli/v2"
	"github.com/xrash/smetrics"

	"github.com/ftpdoctor/ftpdoctor/verdict"
)

// version is set at build time with
// -ldflags "-X github.com/ftpdoctor/ftpdoctor/internal/cli.version=...".
var version = "0.1.0-dev"

// exitError carries an exit code out of a command's action; msg, when not
// empty, is printed as one line on stderr.
type exitError struct {
	code int
	msg  string
}

// Error implements error.
func (e *exitError) Error() string { return e.msg }

// usageError is a bad argument or flag: one line on stderr, exit 3. A long
// string among args (input echoed back) is clipped; Run cuts the whole
// line, which may quote input inside an error, at maxMessage.
func usageError(format string, args ...any) error {
	for i, a := range args {
		if a, ok := a.(string); ok {
			args[i] = clipEcho(a)
		}
	}
	return &exitError{code: verdict.ExitUnknown, msg: fmt.Sprintf(format, args...)}
}

// Limits on what an error message echoes back.
const (
	maxEcho    = 100  // characters of one echoed input kept
	maxMessage = 1000 // characters of a whole error message kept
)

// clipEcho cuts an echoed input longer than maxEcho characters: its start,
// then how long it was, so that a 10 KB host name is not printed whole.
func clipEcho(s string) string {
	r := []rune(s)
	if len(r) <= maxEcho {
		return s
	}
	return fmt.Sprintf("%s... (%d bytes)", string(r[:maxEcho]), len(s))
}

// Run is the whole program: main only calls it and exits with its result,
// an exit code of package verdict (3 for bad input). Nothing here exits the
// process: urfave/cli's automatic exit is switched off.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	app := newApp(stdin, stdout, stderr)
	err := app.RunContext(ctx, args)
	if err == nil {
		return verdict.ExitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.msg != "" {
			fmt.Fprintln(stderr, "ftpdoctor: "+oneLine(ee.msg))
		}
		return ee.code
	}
	fmt.Fprintln(stderr, "ftpdoctor: "+oneLine(err.Error()))
	return verdict.ExitUnknown
}

// oneLine is an error message as the one line printed: white space
// collapsed, and cut at maxMessage characters.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > maxMessage {
		s = string(r[:maxMessage]) + "..."
	}
	return s
}

func newApp(stdin io.Reader, stdout, stderr io.Writer) *urfave.App {
	app := &urfave.App{
		Name:                 "ftpdoctor",
		Usage:                "diagnose FTP connectivity: DNS, login, passive and active data, firewalls and NAT",
		Version:              version,
		Reader:               stdin,
		Writer:               stdout,
		ErrWriter:            stderr,
		HideHelpCommand:      true,
		EnableBashCompletion: false,
		ExitErrHandler:       func(*urfave.Context, error) {},
		OnUsageError:         onUsageError,
		Commands:             commands(),
		Action: func(c *urfave.Context) error {
			if c.NArg() > 0 {
				return unknownCommand(c.App.Commands, c.Args().First())
			}
			return urfave.ShowAppHelp(c)
		},
	}
	return app
}

func onUsageError(_ *urfave.Context, err error, _ bool) error {
	return usageError("%s (see --help)", err.Error())
}

// interspersed applies the flags written after the arguments, as in
// "range HOST LOW-HIGH --token T" (urfave/cli v2 stops parsing flags at the
// first argument and leaves the rest in Args), and returns the arguments.
// "--" ends the flags.
func interspersed(c *urfave.Context) ([]string, error) {
	isBool := map[string]bool{}
	for _, f := range c.Command.Flags {
		_, b := f.(*urfave.BoolFlag)
		for _, n := range f.Names() {
			isBool[n] = b
		}
	}
	var pos []string
	args := c.Args().Slice()
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return append(pos, args[i+1:]...), nil
		}
		if len(a) < 2 || a[0] != '-' {
			pos = append(pos, a)
			continue
		}
		name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		b, known := isBool[name]
		switch {
		case !known:
			return nil, usageError("flag provided but not defined: %s (see --help)", a)
		case !hasVal && b:
			val = "true"
		case !hasVal && i+1 == len(args):
			return nil, usageError("flag needs an argument: %s", a)
		case !hasVal:
			i++
			val = args[i]
		}
		if err := c.Set(name, val); err != nil {
			return nil, usageError("invalid value %q for flag %s: %v", val, a, err)
		}
	}
	return pos, nil
}

// unknownCommand is the error for a first argument that names no command:
// the closest command, as urfave/cli suggests it ("Did you mean "check"?"),
// when one is close enough to be a typo, else how to check a server.
func unknownCommand(commands []*urfave.Command, arg string) error {
	best, score := "", 0.0
	for _, c := range commands {
		for _, name := range c.Names() {
			// urfave/cli's measure and parameters (suggestions.go)
			if d := smetrics.JaroWinkler(name, arg, 0.7, 4); d > score {
				best, score = name, d
			}
		}
	}
	if score >= minSuggestScore {
		return usageError("unknown command %q. "+urfave.SuggestDidYouMeanTemplate+" (see 'ftpdoctor --help')", arg, best)
	}
	return usageError("unknown command %q: to check a server, 'ftpdoctor check %s'; see 'ftpdoctor --help'", arg, arg)
}

// minSuggestScore is the Jaro-Winkler similarity from which an unknown
// command is taken for a typo of a known one: "chekc" and "cehck" score
// 0.94 or more against check, "rnage" 0.94 against range, while a host
// name such as "ftpserver" scores 0.85 against serve.
const minSuggestScore = 0.9
