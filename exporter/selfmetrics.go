package exporter

import (
	"runtime"
	"sync"
	"time"
)

// counters are the exporter's own metrics, which /metrics serves.
type counters struct {
	mu       sync.Mutex
	probes   map[[2]string]float64 // probes run, by module and verdict
	refused  map[string]float64    // requests refused, by reason
	inFlight float64               // probes running
	started  time.Time             // when the exporter was built
}

// refusalReasons are the values of ftpdoctor_exporter_refused_total's
// reason label, each present from the start at 0.
var refusalReasons = []string{"bad_request", "forbidden", "busy"}

// newCounters starts the exporter's own metrics at zero.
func newCounters() *counters {
	c := &counters{probes: map[[2]string]float64{}, refused: map[string]float64{}, started: time.Now()}
	for _, r := range refusalReasons {
		c.refused[r] = 0
	}
	return c
}

// probeDone counts a finished probe.
func (c *counters) probeDone(module, verdict string) {
	c.mu.Lock()
	c.probes[[2]string{module, verdict}]++
	c.mu.Unlock()
}

// refusal counts a refused request.
func (c *counters) refusal(reason string) {
	c.mu.Lock()
	c.refused[reason]++
	c.mu.Unlock()
}

// running adds delta (1 or -1) to the probes in flight.
func (c *counters) running(delta float64) {
	c.mu.Lock()
	c.inFlight += delta
	c.mu.Unlock()
}

// families are the exporter's metrics now, with the Go runtime's and the
// process's under the names client_golang's collectors give them.
func (c *counters) families() []family {
	probes := family{name: "ftpdoctor_exporter_probes_total", help: "Probes run, by module and verdict.", typ: typeCounter, labels: []string{"module", "verdict"}}
	refused := family{name: "ftpdoctor_exporter_refused_total", help: "Probe requests refused, by reason: bad_request (400), forbidden (403), busy (503).",
		typ: typeCounter, labels: []string{"reason"}}
	inFlight := family{name: "ftpdoctor_exporter_probes_in_flight", help: "Probes running now.", typ: typeGauge}
	c.mu.Lock()
	for k, v := range c.probes {
		probes.add(v, k[0], k[1])
	}
	for r, v := range c.refused {
		refused.add(v, r)
	}
	inFlight.add(c.inFlight)
	c.mu.Unlock()
	return append(append([]family{probes, refused, inFlight}, goFamilies()...), processFamilies(c.started)...)
}

// goFamilies are a few of the Go runtime's figures.
func goFamilies() []family {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	one := func(name, help, typ string, v float64) family {
		f := family{name: name, help: help, typ: typ}
		f.add(v)
		return f
	}
	info := family{name: "go_info", help: "Information about the Go environment.", typ: typeGauge, labels: []string{"version"}}
	info.add(1, runtime.Version())
	return []family{info,
		one("go_goroutines", "Number of goroutines that currently exist.", typeGauge, float64(runtime.NumGoroutine())),
		one("go_memstats_alloc_bytes", "Number of bytes allocated in heap and currently in use.", typeGauge, float64(ms.HeapAlloc)),
		one("go_memstats_alloc_bytes_total", "Total number of bytes allocated in heap until now, even if released already.", typeCounter, float64(ms.TotalAlloc)),
		one("go_memstats_sys_bytes", "Number of bytes obtained from system.", typeGauge, float64(ms.Sys)),
		one("go_memstats_heap_objects", "Number of currently allocated objects.", typeGauge, float64(ms.HeapObjects)),
		one("go_memstats_last_gc_time_seconds", "Number of seconds since 1970 of last garbage collection.", typeGauge, float64(ms.LastGC)/1e9),
	}
}
