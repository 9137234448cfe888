package probes

import (
	"context"
	"slices"
	"sync"
)

// transcript collects every exchange on every control connection of a
// session, in the order they happened.
type transcript struct {
	mu sync.Mutex
	ex []Exchange
}

func (t *transcript) add(ex Exchange) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.ex = append(t.ex, ex)
}

// grouped returns the exchanges grouped by connection, connections in the
// order they first spoke, each connection's exchanges in their own order.
func (t *transcript) grouped() []Exchange {
	t.mu.Lock()
	defer t.mu.Unlock()
	var order []string
	by := map[string][]Exchange{}
	for _, ex := range t.ex {
		if _, seen := by[ex.Conn]; !seen {
			order = append(order, ex.Conn)
		}
		by[ex.Conn] = append(by[ex.Conn], ex)
	}
	out := make([]Exchange, 0, len(t.ex))
	for _, c := range order {
		out = append(out, by[c]...)
	}
	return out
}

// recorder collects the exchanges of one stage or attempt. Recorders nest
// through the context: an exchange goes to every recorder on the way up.
type recorder struct {
	mu     sync.Mutex
	list   []Exchange
	parent *recorder
}

type recorderKey struct{}

// recording returns a context whose exchanges are also collected by a new
// recorder, and that recorder.
func recording(ctx context.Context) (context.Context, *recorder) {
	parent, _ := ctx.Value(recorderKey{}).(*recorder)
	r := &recorder{parent: parent}
	return context.WithValue(ctx, recorderKey{}, r), r
}

// recordingApart returns a context whose exchanges are collected by a new
// recorder of their own, not by the recorders of ctx: concurrent attempts
// collect apart, and their stage files them in a fixed order afterwards.
func recordingApart(ctx context.Context) (context.Context, *recorder) {
	r := &recorder{}
	return context.WithValue(ctx, recorderKey{}, r), r
}

// record files ex with every recorder of ctx.
func record(ctx context.Context, ex ...Exchange) {
	for r, _ := ctx.Value(recorderKey{}).(*recorder); r != nil; r = r.parent {
		r.mu.Lock()
		r.list = append(r.list, ex...)
		r.mu.Unlock()
	}
}

// exchanges returns what the recorder collected.
func (r *recorder) exchanges() []Exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.list)
}
