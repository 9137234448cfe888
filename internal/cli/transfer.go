package cli

import (
	"strconv"
	"strings"

	urfave "github.com/urfave/cli/v2"

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

// maxTransferSize bounds --transfer-size: a diagnostic, not a load test.
const maxTransferSize = 1 << 30

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
	size, err := parseSize(c.String("transfer-size"))
	if err != nil || size < 1 || size > maxTransferSize {
		return usageError("--transfer-size must be between 1 byte and 1GiB, like 4MiB or 65536, got %q", c.String("transfer-size"))
	}
	if strings.ContainsAny(c.String("file"), "\r\n") {
		return usageError("--file must not contain a line break")
	}
	cfg.Transfer = &probes.TransferConfig{File: c.String("file"), Size: size, Write: c.Bool("write")}
	return nil
}

// sizeUnits are the suffixes --transfer-size takes, longest first.
var sizeUnits = []struct {
	suffix string
	bytes  int64
}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"KB", 1000}, {"MB", 1000 * 1000}, {"GB", 1000 * 1000 * 1000}, {"B", 1}}

// parseSize reads a byte count such as "4MiB", "512KB" or "65536".
func parseSize(s string) (int64, error) {
	s = strings.TrimSpace(s)
	mult := int64(1)
	for _, u := range sizeUnits {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.bytes
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > maxTransferSize/mult+1 {
		return 0, strconv.ErrRange
	}
	return n * mult, nil
}
