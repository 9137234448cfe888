package exporter

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ftpdoctor/ftpdoctor/fixtures"
)

// BenchmarkServe200Probes sends 200 probe requests, 50 at a time, to an
// exporter with --max-concurrent 50 against four healthy fixtures. Every
// request must succeed with probe_success 1. It reports how far the
// goroutine count and the live heap stay above their idle level once the
// probes are done (goroutines-over-idle, heap-over-idle-MB: both should be
// about 0) and the probes per second.
func BenchmarkServe200Probes(b *testing.B) {
	const requests, concurrent = 200, 50
	var targets []string
	for range 4 {
		targets = append(targets, fixtures.StartT(b, fixtures.Script{Anonymous: fixtures.AnonAllowed}).Addr())
	}
	e := New(Options{MaxConcurrent: concurrent})
	srv := httptest.NewServer(e.Handler())
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: concurrent}, Timeout: 30 * time.Second}
	idleGoroutines, idleHeap := settle(client)
	for b.Loop() {
		start := time.Now()
		jobs := make(chan int)
		errs := make(chan error, requests)
		var wg sync.WaitGroup
		for range concurrent {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range jobs {
					errs <- probeOnce(client, srv.URL+probePath(targets[i%len(targets)], ""))
				}
			}()
		}
		for i := range requests {
			jobs <- i
		}
		close(jobs)
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(requests/time.Since(start).Seconds(), "probes/s")
	}
	b.StopTimer()
	goroutines, heap := settle(client)
	b.ReportMetric(float64(goroutines-idleGoroutines), "goroutines-over-idle")
	b.ReportMetric((float64(heap)-float64(idleHeap))/(1<<20), "heap-over-idle-MB")
}

// probeOnce runs one probe and checks that it succeeded.
func probeOnce(client *http.Client, url string) error {
	resp, err := client.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "\nprobe_success 1\n") {
		return fmt.Errorf("status %d:\n%s", resp.StatusCode, body)
	}
	return nil
}

// settle closes idle client connections, lets finished goroutines end and
// collects garbage, then returns the goroutine count and live heap.
func settle(client *http.Client) (int, uint64) {
	client.CloseIdleConnections()
	var ms runtime.MemStats
	for range 20 {
		time.Sleep(50 * time.Millisecond)
		runtime.GC()
	}
	runtime.ReadMemStats(&ms)
	return runtime.NumGoroutine(), ms.HeapAlloc
}
