//go:build !linux

package probes

import (
	"errors"
	"net"
	"syscall"
)

// tcpMSS returns 0: the MSS is read on Linux only.
func tcpMSS(net.Conn) int { return 0 }

// clampMSS fails: the MSS is clamped on Linux only.
func clampMSS(int) func(network, address string, c syscall.RawConn) error {
	return func(string, string, syscall.RawConn) error {
		return errors.New("clamping the MSS is supported on Linux only")
	}
}
