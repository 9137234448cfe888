//go:build !linux

package probes

import (
	"errors"
	"net"
	"syscall"
)

// tcpPath returns zeros: the MSS and path MTU are read on Linux only.
func tcpPath(net.Conn) (mss, mtu int) { return 0, 0 }

// clampMSS fails: the MSS is clamped on Linux only.
func clampMSS(int) func(network, address string, c syscall.RawConn) error {
	return func(string, string, syscall.RawConn) error {
		return errors.New("clamping the MSS is supported on Linux only")
	}
}
