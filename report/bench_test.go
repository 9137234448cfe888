package report

import (
	"io"
	"testing"
)

func BenchmarkBuild(b *testing.B) {
	o := nothingWorks()
	b.ReportAllocs()
	for b.Loop() {
		Build(o)
	}
}

func BenchmarkWriteTable(b *testing.B) {
	r := Build(nothingWorks())
	b.ReportAllocs()
	for b.Loop() {
		WriteTable(io.Discard, r, Options{Verbose: true})
	}
}

func BenchmarkWriteJSON(b *testing.B) {
	r := Build(nothingWorks())
	b.ReportAllocs()
	for b.Loop() {
		WriteJSON(io.Discard, r)
	}
}
