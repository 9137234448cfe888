package cli

import (
	"strings"

	urfave "github.com/urfave/cli/v2"

	"github.com/ftpdoctor/ftpdoctor/internal/target"
	"github.com/ftpdoctor/ftpdoctor/probes"
)

// transferFlags are the flags of the opt-in transfer stage.
func transferFlags() []urfave.Flag {
	return []urfave.Flag{
		&urfave.BoolFlag{Name: "transfer", Usage: "also download a file in the data mode that works, and report bytes, time and throughput"},
		&urfave.StringFlag{Name: "file", Usage: "with --transfer: the file to download, `PATH` (default: the largest regular file of the listing)"},
		&urfave.StringFlag{Name: "transfer-size", Value: "4MiB", Usage: "with --transfer: the most bytes read from the file, and the size of the --write upload (`SIZE`: bytes, or with KiB, MiB, GiB, KB, MB)"},
		&urfave.BoolFlag{Name: "write", Usage: "with --transfer: upload a file of --transfer-size under a unique name, read it back, compare and delete it (changes the server)"},
	}
}

// transferConfig reads the transfer flags into cfg.
func transferConfig(c *urfave.Context, cfg *probes.Config) error {
	if !c.Bool("transfer") {
		for _, f := range []string{"file", "transfer-size", "write"} {
			if c.IsSet(f) {
				return usageError("--%s needs --transfer", f)
			}
		}
		return nil
	}
	size, err := target.Size(c.String("transfer-size"))
	if err != nil {
		return usageError("--transfer-size must be between 1 byte and 1GiB, like 4MiB or 65536, got %q", c.String("transfer-size"))
	}
	if strings.ContainsAny(c.String("file"), "\r\n") {
		return usageError("--file must not contain a line break")
	}
	cfg.Transfer = &probes.TransferConfig{File: c.String("file"), Size: size, Write: c.Bool("write")}
	return nil
}
