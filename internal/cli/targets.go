package cli

import "github.com/ftpdoctor/ftpdoctor/internal/target"

// The target parsers, under the names the commands use (see package target).
var (
	parseTarget    = target.Parse
	parsePortRange = target.PortRange
	maskTarget     = target.Mask
)
