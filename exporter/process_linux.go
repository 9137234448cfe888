package exporter

import (
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// processFamilies are the process's figures, as client_golang's process
// collector names them, read from /proc/self and getrusage; a figure that
// cannot be read is left out. The start time is when the exporter was
// built (started), a few milliseconds after the process began.
func processFamilies(started time.Time) []family {
	var fams []family
	add := func(name, help, typ string, v float64) {
		f := family{name: name, help: help, typ: typ}
		f.add(v)
		fams = append(fams, f)
	}
	add("process_start_time_seconds", "Start time of the process since unix epoch in seconds.", typeGauge, float64(started.UnixNano())/1e9)
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		add("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.", typeCounter, cpu.Seconds())
	}
	if data, err := os.ReadFile("/proc/self/statm"); err == nil { // size and resident, in pages
		if f := strings.Fields(string(data)); len(f) >= 2 {
			page := float64(os.Getpagesize())
			if size, err := strconv.ParseFloat(f[0], 64); err == nil {
				add("process_virtual_memory_bytes", "Virtual memory size in bytes.", typeGauge, size*page)
			}
			if rss, err := strconv.ParseFloat(f[1], 64); err == nil {
				add("process_resident_memory_bytes", "Resident memory size in bytes.", typeGauge, rss*page)
			}
		}
	}
	if fds, err := os.ReadDir("/proc/self/fd"); err == nil {
		add("process_open_fds", "Number of open file descriptors.", typeGauge, float64(len(fds)))
	}
	var lim syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim) == nil {
		add("process_max_fds", "Maximum number of open file descriptors.", typeGauge, float64(lim.Cur))
	}
	return fams
}
