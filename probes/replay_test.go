package probes

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// replayPeer plays the server's side of one whole FTP conversation on
// 127.0.0.1:0 and keeps every byte the client wrote on the control
// connection, as net/smtp's tests feed a fake connection the server's half
// of a conversation and compare what the client wrote with the expected
// transcript. A conversation is written one step a line:
//
//	S: text    the server sends text and CRLF
//	C: text    the client is expected to send text and CRLF: the peer reads
//	           one line, whatever it is, and goes on
//	close      the server closes the control connection
//	connect    the server connects to the address of the client's last
//	           PORT or EPRT line (as received, not as expected)
//	data: text the server sends text and CRLF on the data connection (the
//	           one it connected, else the next one its data port accepts)
//	           and closes it
//	tls        the server takes the TLS handshake on the control
//	           connection, with the certificate cert (RFC 4217 section 4);
//	           C: lines are then read through TLS
//
// When the steps run out, the server stays silent and keeps reading until
// the client closes. In S: and C: lines {NAME} stands for the port number
// of a named port and {NAME,} for it as PASV and PORT write it, p1,p2
// (RFC 959 section 4.1.2): data is the peer's passive data port, dead a port nothing listens
// on, port1 and port2 the ports of the listeners the session's Listen
// hands out for its first and second PORT or EPRT.
type replayPeer struct {
	t      *testing.T
	ctl    net.Listener    // the control port
	data   net.Listener    // the passive data port
	active []net.Listener  // handed out in order by listen
	ports  map[string]int  // the named ports of the placeholders
	cert   tls.Certificate // what the tls step presents

	mu     sync.Mutex
	got    bytes.Buffer    // every byte the client wrote on the control connection, read through TLS once it is up
	wire   bytes.Buffer    // the same bytes as they came on the wire, below TLS
	extras []string        // the first bytes of every further control connection
	conns  []net.Conn      // every connection the peer holds, closed at cleanup
	served chan struct{}   // closed when the control connection's conversation is over
	wg     sync.WaitGroup  // the peer's goroutines
	closed []chan struct{} // one a further control connection, closed when the peer has read it to its end
}

func newReplayPeer(t *testing.T) *replayPeer {
	t.Helper()
	p := &replayPeer{t: t, ports: map[string]int{}, served: make(chan struct{})}
	p.ctl = p.listener("control")
	p.data = p.listener("data")
	p.active = []net.Listener{p.listener("port1"), p.listener("port2")}
	p.listener("dead").Close()
	t.Cleanup(p.close)
	return p
}

// listener opens a port on 127.0.0.1 and names it.
func (p *replayPeer) listener(name string) net.Listener {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		p.t.Fatal(err)
	}
	p.ports[name] = ln.Addr().(*net.TCPAddr).Port
	return ln
}

// expand replaces the placeholders of the named ports.
func (p *replayPeer) expand(text string) string {
	var pairs []string
	for name, port := range p.ports {
		pairs = append(pairs, "{"+name+"}", strconv.Itoa(port),
			"{"+name+",}", fmt.Sprintf("%d,%d", port>>8, port&0xff))
	}
	return strings.NewReplacer(pairs...).Replace(text)
}

// play serves the conversation on the first control connection and holds
// every further one silent, keeping its first bytes.
func (p *replayPeer) play(conversation string) {
	steps := strings.Split(strings.Trim(p.expand(conversation), "\n"), "\n")
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for first := true; ; first = false {
			c, err := p.ctl.Accept()
			if err != nil {
				if first {
					close(p.served)
				}
				return
			}
			p.hold(c)
			p.wg.Add(1)
			if first {
				go func() { defer p.wg.Done(); defer close(p.served); p.serve(c, steps) }()
			} else {
				done := make(chan struct{})
				p.mu.Lock()
				p.closed = append(p.closed, done)
				p.mu.Unlock()
				go func() { defer p.wg.Done(); defer close(done); p.silent(c) }()
			}
		}
	}()
}

// hold keeps a connection to close at cleanup.
func (p *replayPeer) hold(c net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.conns = append(p.conns, c)
}

// serve plays the steps on the control connection c.
func (p *replayPeer) serve(c net.Conn, steps []string) {
	c = wireConn{c, p}
	r := bufio.NewReader(c)
	var dc net.Conn
	var back string // the address of the client's last PORT or EPRT
	for _, step := range steps {
		switch {
		case step == "":
		case strings.HasPrefix(step, "S: "):
			c.Write([]byte(step[3:] + "\r\n"))
		case strings.HasPrefix(step, "C: "):
			line, err := r.ReadString('\n')
			p.keep([]byte(line))
			if err != nil {
				return
			}
			if a := clientAddress(strings.TrimRight(line, "\r\n")); a != "" {
				back = a
			}
		case step == "close":
			c.Close()
			return
		case step == "tls":
			c.SetDeadline(time.Now().Add(5 * time.Second))
			tc := tls.Server(c, &tls.Config{Certificates: []tls.Certificate{p.cert}})
			if tc.Handshake() != nil {
				return
			}
			c.SetDeadline(time.Time{})
			c, r = tc, bufio.NewReader(tc)
		case step == "connect":
			dc, _ = net.DialTimeout("tcp", back, 5*time.Second)
		case strings.HasPrefix(step, "data: "):
			if dc == nil {
				dc = p.acceptData()
			}
			if dc != nil {
				dc.Write([]byte(step[6:] + "\r\n"))
				dc.Close()
				dc = nil
			}
		default:
			p.t.Errorf("replay: unknown step %q", step)
		}
	}
	io.Copy(writerFunc(p.keep), r)
}

// acceptData takes the next connection to the passive data port.
func (p *replayPeer) acceptData() net.Conn {
	p.data.(*net.TCPListener).SetDeadline(time.Now().Add(5 * time.Second))
	dc, err := p.data.Accept()
	if err != nil {
		return nil
	}
	p.hold(dc)
	return dc
}

// silent keeps the first bytes of a further control connection and says
// nothing until it closes.
func (p *replayPeer) silent(c net.Conn) {
	first := make([]byte, 2)
	n, _ := io.ReadFull(c, first)
	p.mu.Lock()
	p.extras = append(p.extras, string(first[:n]))
	p.mu.Unlock()
	io.Copy(io.Discard, c)
}

func (p *replayPeer) keep(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.got.Write(b)
}

// wireConn keeps every byte read from the control connection as it came
// on the wire.
type wireConn struct {
	net.Conn
	p *replayPeer
}

func (w wireConn) Read(b []byte) (int, error) {
	n, err := w.Conn.Read(b)
	w.p.mu.Lock()
	w.p.wire.Write(b[:n])
	w.p.mu.Unlock()
	return n, err
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(b []byte) (int, error) { return f(b) }

// clientAddress reads the address of a PORT or EPRT line (RFC 959, RFC
// 2428); empty when there is none.
func clientAddress(line string) string {
	cmd, arg, _ := strings.Cut(line, " ")
	switch cmd {
	case "PORT":
		if ip, port, err := ParsePASV(arg); err == nil {
			return net.JoinHostPort(ip.String(), strconv.Itoa(port))
		}
	case "EPRT":
		if f := strings.Split(arg, "|"); len(f) == 5 {
			return net.JoinHostPort(f[2], f[3])
		}
	}
	return ""
}

// listen hands the session the peer's listeners for PORT and EPRT, in
// order, so that the ports the client sends are known beforehand.
func (p *replayPeer) listen(network, address string) (net.Listener, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if address != "127.0.0.1:0" || len(p.active) == 0 {
		return nil, fmt.Errorf("replay: unexpected listen on %s", address)
	}
	ln := p.active[0]
	p.active = p.active[1:]
	return ln, nil
}

// close ends every connection and goroutine of the peer.
func (p *replayPeer) close() {
	p.ctl.Close()
	p.data.Close()
	p.mu.Lock()
	for _, c := range p.conns {
		c.Close()
	}
	for _, ln := range p.active {
		ln.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
}
