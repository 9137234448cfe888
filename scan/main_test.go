package scan

import (
	"os"
	"testing"

	"go.uber.org/goleak"

	"github.com/ftpdoctor/ftpdoctor/internal/netlab"
)

// TestMain runs the namespace helpers when asked (the integration tests
// start this binary inside a namespace) and checks for leaked goroutines.
func TestMain(m *testing.M) {
	netlab.RunHelper()
	switch os.Getenv("SCAN_HELPER") {
	case "scan":
		os.Exit(helperScan())
	case "listen":
		os.Exit(helperListen())
	case "discover":
		os.Exit(helperDiscover())
	}
	goleak.VerifyTestMain(m)
}
