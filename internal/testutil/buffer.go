package testutil

import (
	"bytes"
	"sync"
)

// SyncBuffer is a bytes.Buffer that one goroutine may write while another
// reads it, such as a process's output copied by exec or a progress bar
// drawn from its own goroutine. The zero value is ready to use.
type SyncBuffer struct {
	mu  sync.Mutex   // guards buf
	buf bytes.Buffer // what was written so far
}

// Write implements io.Writer.
func (b *SyncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns what was written so far.
func (b *SyncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
