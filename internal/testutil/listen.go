package testutil

import (
	"math/rand/v2"
	"net"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Listen returns a TCP listener on 127.0.0.1 with a port the kernel chose,
// closed when the test ends.
func Listen(t testing.TB) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	return ln
}

// Port returns the TCP port of ln.
func Port(ln net.Listener) int { return ln.Addr().(*net.TCPAddr).Port }

// OpenPort returns a loopback port whose listener accepts every connection
// and closes it at once, until the test ends.
func OpenPort(t testing.TB) int {
	t.Helper()
	ln := Listen(t)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	return Port(ln)
}

// ClosedPort returns a loopback port that had a listener a moment ago and
// has none now: a connect to it is refused.
func ClosedPort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return Port(ln)
}

// BlackHolePort returns a loopback port whose listener's accept queue is
// full until the test ends: Linux drops further SYNs, so a connect times
// out, as behind a DROP rule.
func BlackHolePort(t testing.TB) int {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Listen(fd, 0); err != nil {
		t.Fatal(err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	port := sa.(*syscall.SockaddrInet4).Port
	for i := 0; i < 2; i++ { // fill the queue (backlog 0 holds one)
		if c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(port), 300*time.Millisecond); err == nil {
			t.Cleanup(func() { c.Close() })
		}
	}
	return port
}

// FreePortRun returns the first of n consecutive loopback ports that are
// free right now. It looks below the kernel's ephemeral range, where other
// tests' connections do not take ports at random, from a random start, so
// that concurrent test runs rarely try the same ports.
func FreePortRun(t testing.TB, n int) int {
	t.Helper()
	top := 32768
	if b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range"); err == nil {
		if f := strings.Fields(string(b)); len(f) == 2 {
			if v, err := strconv.Atoi(f[0]); err == nil && v > 10000+n {
				top = v
			}
		}
	}
	for attempt := 0; attempt < 50; attempt++ {
		low := 10000 + rand.IntN(top-10000-n)
		ok := true
		for p := low; p < low+n && ok; p++ {
			ln, err := net.Listen("tcp4", net.JoinHostPort("127.0.0.1", strconv.Itoa(p)))
			if err != nil {
				ok = false
				continue
			}
			ln.Close()
		}
		if ok {
			return low
		}
	}
	t.Fatal("no free run of loopback ports")
	return 0
}
