//go:build !linux

package exporter

import "time"

// processFamilies has the process's figures on Linux only (/proc); the
// exporter's own and the Go runtime's are served everywhere.
func processFamilies(started time.Time) []family {
	f := family{name: "process_start_time_seconds", help: "Start time of the process since unix epoch in seconds.", typ: typeGauge}
	f.add(float64(started.UnixNano()) / 1e9)
	return []family{f}
}
