package report

import (
	"github.com/ftpdoctor/ftpdoctor/output"
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
		WriteTable(io.Discard, r, output.Options{Verbose: true})
	}
}

func BenchmarkWriteJSON(b *testing.B) {
	r := Build(nothingWorks())
	b.ReportAllocs()
	for b.Loop() {
		WriteJSON(io.Discard, r)
	}
}
