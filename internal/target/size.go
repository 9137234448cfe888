package target

import (
	"strconv"
	"strings"
)

// MaxTransferSize bounds a transfer size: ftpdoctor diagnoses, it does not
// load-test.
const MaxTransferSize = 1 << 30

// sizeUnits are the suffixes Size takes, binary first.
var sizeUnits = []struct {
	suffix string
	bytes  int64
}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"KB", 1000}, {"MB", 1000 * 1000}, {"GB", 1000 * 1000 * 1000}, {"B", 1}}

// Size reads a transfer size such as "4MiB", "512KB" or "65536" (bytes),
// from 1 byte to MaxTransferSize.
func Size(s string) (int64, error) {
	s = strings.TrimSpace(s)
	mult := int64(1)
	for _, u := range sizeUnits {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.bytes
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 1 || n > MaxTransferSize/mult {
		return 0, strconv.ErrRange
	}
	return n * mult, nil
}
