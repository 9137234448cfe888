// Command ftpdoctor diagnoses FTP connectivity: it runs probe stages
// against a server and says why FTP fails, with evidence, and what to change.
package main

import (
	"context"
	"os"
	"os/signal"

	"github.com/ftpdoctor/ftpdoctor/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := cli.Run(ctx, os.Args, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
