package history

import (
	"context"
	"testing"
	"time"

	"github.com/ftpdoctor/ftpdoctor/verdict"
)

// BenchmarkSave is the cost of keeping one real report (about 13 KB of
// JSON) on disk: one transaction, fsync'd (synchronous=FULL), with the
// retention applied.
func BenchmarkSave(b *testing.B) {
	s := openT(b, b.TempDir(), DefaultKeep)
	rep := realReport()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		e := entry("ftp.example.net", time.Duration(i)*time.Millisecond, verdict.OK)
		e.Report = rep
		if err := s.Save(context.Background(), e); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGet is the cost of serving one stored report: read and parse.
func BenchmarkGet(b *testing.B) {
	s := openT(b, b.TempDir(), DefaultKeep)
	e := entry("ftp.example.net", 0, verdict.OK)
	e.Report = realReport()
	mustSave(b, s, e)
	b.SetBytes(int64(len(jsonOf(b, e.Report))))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Get(context.Background(), e.ID); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkList is the cost of the recent checks page's query over a
// full default history (2,000 reports): the newest 100 of one host.
func BenchmarkList(b *testing.B) {
	s := openT(b, b.TempDir(), DefaultKeep)
	rep := realReport()
	for i := range DefaultKeep.MaxCount {
		host := "ftp.example.net"
		if i%2 == 1 {
			host = "other.example.net"
		}
		e := entry(host, time.Duration(i)*time.Millisecond, verdict.OK)
		e.Report = rep
		e.Report.Target.Host = host
		mustSave(b, s, e)
	}
	b.ResetTimer()
	for b.Loop() {
		if l, err := s.List(context.Background(), Filter{Host: "ftp.example.net"}); err != nil || len(l) != 100 {
			b.Fatal(len(l), err)
		}
	}
}
