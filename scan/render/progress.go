package render

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// Progress draws "[#####-----] 500/1000 tries, 1.2 s" on a terminal every
// 100 ms once a scan has run for a while, and clears the line at the end.
// A port that gave no answer adds its retry to the tries planned.
type Progress struct {
	mu             sync.Mutex
	w              io.Writer     // the terminal
	start          time.Time     // when the scan began
	tried, planned int           // latest counts from the scan
	stop           chan struct{} // closed by Finish
	done           chan struct{} // closed when the drawing goroutine ends
}

// StartProgress starts drawing on w after delay. Call Finish to stop.
func StartProgress(w io.Writer, delay time.Duration) *Progress {
	p := &Progress{w: w, start: time.Now(), stop: make(chan struct{}), done: make(chan struct{})}
	go p.loop(delay)
	return p
}

// Update records the scan's counts; it never waits for the terminal.
func (p *Progress) Update(tried, planned int) {
	p.mu.Lock()
	p.tried, p.planned = tried, planned
	p.mu.Unlock()
}

func (p *Progress) loop(delay time.Duration) {
	defer close(p.done)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	drawn := false
	for {
		select {
		case <-p.stop:
			if drawn {
				fmt.Fprint(p.w, "\r\x1b[K")
			}
			return
		case now := <-tick.C:
			if now.Sub(p.start) < delay {
				continue
			}
			p.mu.Lock()
			tried, planned := p.tried, max(p.planned, 1)
			p.mu.Unlock()
			const width = 30
			filled := min(width*tried/planned, width)
			fmt.Fprintf(p.w, "\r[%s%s] %d/%d tries, %.1f s", strings.Repeat("#", filled), strings.Repeat("-", width-filled),
				tried, planned, now.Sub(p.start).Seconds())
			drawn = true
		}
	}
}

// Finish clears the bar and waits for the drawing to end. It may be called
// on a nil *Progress and more than once.
func (p *Progress) Finish() {
	if p == nil {
		return
	}
	select {
	case <-p.stop:
	default:
		close(p.stop)
	}
	<-p.done
}
