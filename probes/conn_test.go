package probes

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"
)

// wrapped marks a transport that went through a wrapper.
type wrapped struct{ net.Conn }

func TestConnUpgradeInPlace(t *testing.T) {
	client, server := net.Pipe()
	defer client.Close()
	defer server.Close()
	go func() {
		buf := make([]byte, 64)
		n, _ := server.Read(buf) // AUTH TLS
		if string(buf[:n]) == "AUTH TLS\r\n" {
			server.Write([]byte("234 Proceed.\r\n"))
		}
		n, _ = server.Read(buf) // PBSZ 0, after the upgrade
		if string(buf[:n]) == "PBSZ 0\r\n" {
			server.Write([]byte("200 PBSZ=0\r\n"))
		}
	}()
	c := NewConn(client, time.Now, nil)
	ctx := context.Background()
	if reply, _, err := c.Cmd(ctx, time.Second, "AUTH TLS"); err != nil || reply.Code != 234 {
		t.Fatalf("AUTH TLS: %v %v", reply, err)
	}
	if err := c.Upgrade(func(nc net.Conn) (net.Conn, error) { return wrapped{nc}, nil }); err != nil {
		t.Fatal(err)
	}
	if _, ok := c.nc.(wrapped); !ok {
		t.Fatalf("transport %T was not replaced", c.nc)
	}
	if reply, _, err := c.Cmd(ctx, time.Second, "PBSZ 0"); err != nil || reply.Code != 200 {
		t.Fatalf("PBSZ over the upgraded transport: %v %v", reply, err)
	}
}

func TestConnUpgradeRefusesBytesSentAhead(t *testing.T) {
	client, server := net.Pipe()
	defer client.Close()
	defer server.Close()
	// The server answers and, in the same write, sends bytes that would be
	// read as if protected after the upgrade (RFC 4217 section 4).
	go server.Write([]byte("234 Proceed.\r\n220 injected\r\n"))
	c := NewConn(client, time.Now, nil)
	if reply, _, err := c.Read(context.Background(), time.Second, "AUTH TLS"); err != nil || reply.Code != 234 {
		t.Fatalf("read: %v %v", reply, err)
	}
	err := c.Upgrade(func(nc net.Conn) (net.Conn, error) { return nc, nil })
	if err == nil || c.Broken() == nil {
		t.Fatalf("upgrade with bytes buffered: err %v, broken %v", err, c.Broken())
	}
}

func TestDataLayerWrapsEveryDataConnection(t *testing.T) {
	client, server := net.Pipe()
	defer server.Close()
	c := NewConn(client, time.Now, nil)
	plain, _ := net.Pipe()
	if dc, err := c.openData(context.Background(), plain); err != nil || dc != plain {
		t.Fatalf("without a DataLayer the connection passes as it is: %v %v", dc, err)
	}
	c.DataLayer = func(_ context.Context, dc net.Conn) (net.Conn, error) { return wrapped{dc}, nil }
	if dc, err := c.openData(context.Background(), plain); err != nil {
		t.Fatal(err)
	} else if _, ok := dc.(wrapped); !ok {
		t.Fatalf("data connection %T was not wrapped", dc)
	}
	failing, other := net.Pipe()
	defer other.Close()
	c.DataLayer = func(context.Context, net.Conn) (net.Conn, error) { return nil, errors.New("handshake failed") }
	if _, err := c.openData(context.Background(), failing); err == nil {
		t.Fatal("a failing DataLayer must fail the data connection")
	}
	if _, err := failing.Write([]byte("x")); err == nil {
		t.Fatal("a data connection the DataLayer refused must be closed")
	}
}
