package probes

import (
	"net"
	"syscall"

	"golang.org/x/sys/unix"
)

// tcpPath returns the MSS a TCP connection announced to its peer (the
// largest segment the peer sends it) and the path MTU the kernel holds for
// it, in bytes; zeros when they cannot be read.
func tcpPath(c net.Conn) (mss, mtu int) {
	tc, ok := c.(*net.TCPConn)
	if !ok {
		return 0, 0
	}
	rc, err := tc.SyscallConn()
	if err != nil {
		return 0, 0
	}
	rc.Control(func(fd uintptr) {
		if info, err := unix.GetsockoptTCPInfo(int(fd), unix.IPPROTO_TCP, unix.TCP_INFO); err == nil {
			mss, mtu = int(info.Advmss), int(info.Pmtu)
		}
	})
	return mss, mtu
}

// clampMSS returns a dialer Control function that sets TCP_MAXSEG before
// the connection is made, so that the SYN announces mss.
func clampMSS(mss int) func(network, address string, c syscall.RawConn) error {
	return func(_, _ string, c syscall.RawConn) error {
		var serr error
		if err := c.Control(func(fd uintptr) {
			serr = syscall.SetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_MAXSEG, mss)
		}); err != nil {
			return err
		}
		return serr
	}
}
