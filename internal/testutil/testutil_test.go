package testutil

import (
	"errors"
	"net"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// TestPorts dials each kind of loopback port and checks what a client sees.
func TestPorts(t *testing.T) {
	cases := []struct {
		name string
		port func(testing.TB) int
		want string
	}{
		{"open_port_accepts", OpenPort, "connected"},
		{"closed_port_refuses", ClosedPort, "refused"},
		{"black_hole_port_times_out", BlackHolePort, "timeout"},
		{"listener_accepts", func(t testing.TB) int { return Port(Listen(t)) }, "connected"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(tc.port(t)), 300*time.Millisecond)
			var ne net.Error
			got := "error: " + errorString(err)
			switch {
			case err == nil:
				got = "connected"
				c.Close()
			case errors.Is(err, syscall.ECONNREFUSED):
				got = "refused"
			case errors.As(err, &ne) && ne.Timeout():
				got = "timeout"
			}
			if got != tc.want {
				t.Errorf("dial: %s, want %s", got, tc.want)
			}
		})
	}
}

func errorString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestFreePortRunIsFree(t *testing.T) {
	low := FreePortRun(t, 3)
	for p := low; p < low+3; p++ {
		ln, err := net.Listen("tcp4", "127.0.0.1:"+strconv.Itoa(p))
		if err != nil {
			t.Fatalf("port %d of the run: %v", p, err)
		}
		ln.Close()
	}
}

func TestSyncBuffer(t *testing.T) {
	var b SyncBuffer
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 100; i++ {
			b.Write([]byte("x"))
		}
	}()
	_ = b.String()
	<-done
	if got := len(b.String()); got != 100 {
		t.Errorf("%d bytes, want 100", got)
	}
}
