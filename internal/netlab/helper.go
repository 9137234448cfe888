package netlab

import (
	"bufio"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// The environment of the test binary re-executed as a helper by Silent and
// Hold.
const (
	helperEnv  = "NETLAB_HELPER" // which helper to run
	helperAddr = "NETLAB_ADDR"   // address it listens on or dials
)

// RunHelper makes this process a helper and exits when Silent or Hold
// started it; otherwise it returns at once. A TestMain of a package that
// uses them calls it first.
func RunHelper() {
	if kind := os.Getenv(helperEnv); kind != "" {
		os.Exit(runHelper(kind, os.Getenv(helperAddr)))
	}
}

// SelfCommand runs this test binary inside namespace ns with env added,
// running no test or benchmark, killed when ctx ends: the TestMain of the
// package decides from env what to do instead.
func SelfCommand(ctx context.Context, t testing.TB, ns string, env ...string) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, "ip", "netns", "exec", ns, exe, "-test.run=^$", "-test.bench=^$")
	cmd.Env = append(os.Environ(), env...)
	cmd.WaitDelay = time.Second
	return cmd
}

// Silent accepts connections on addr:port in namespace ns and never sends
// a byte: the test binary itself, re-executed there.
func (l *Lab) Silent(ns, addr string, port int) *Proc {
	l.T.Helper()
	p := l.startHelper(ns, "silent listener", "silent", fmt.Sprintf("%s:%d", addr, port))
	p.WaitListening(ns, port)
	return p
}

// Hold opens one TCP connection from namespace ns to addr and keeps it
// open until the test ends or the server closes it.
func (l *Lab) Hold(ns, addr string) *Proc {
	l.T.Helper()
	p := l.startHelper(ns, "connection holder", "hold", addr)
	p.waitOutput("connected", 10*time.Second)
	return p
}

// waitOutput waits until the helper p has printed word, and fails the test
// when it exits first or within passes.
func (p *Proc) waitOutput(word string, within time.Duration) {
	t := p.lab.T
	t.Helper()
	deadline := time.After(within)
	for !strings.Contains(p.Output(), word) {
		select {
		case <-p.Done:
			t.Fatalf("%s ended: %v\n%s", p.Name, p.Err, p.Output())
		case <-deadline:
			t.Fatalf("%s did not say %q within %s\n%s", p.Name, word, within, p.Output())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// startHelper starts the test binary in ns as helper kind on addr.
func (l *Lab) startHelper(ns, name, kind, addr string) *Proc {
	l.T.Helper()
	self, err := os.Executable()
	if err != nil {
		l.T.Fatal(err)
	}
	return l.Start(ns, name, nil, "env", helperEnv+"="+kind, helperAddr+"="+addr, self)
}

// runHelper is the helper's main. "silent": accept connections and never
// send a byte; "hold": open one connection and keep it open; "greet" and
// "greet-tls": wait for a server's first line (see WaitGreeting); "delay":
// hold a namespace's packets (see Delay), where addr is "QUEUE/DELAY".
func runHelper(kind, addr string) int {
	switch kind {
	case "silent":
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		var held []net.Conn
		for {
			c, err := ln.Accept()
			if err != nil {
				return 1
			}
			held = append(held, c) // keep it open and silent until killed
		}
	case "greet", "greet-tls":
		return greet(addr, kind == "greet-tls")
	case "delay":
		return runDelay(addr)
	case "hold":
		c, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		fmt.Println("connected")
		io.Copy(io.Discard, c) // hold the session until the server or a kill ends it
		return 0
	default:
		fmt.Fprintln(os.Stderr, "unknown helper", kind)
		return 2
	}
}

// greetWait bounds the wait for a server's first line: a forking server
// that loads its TLS keys on a box busy with other test suites can take
// seconds, which is the box's speed, not what a scenario tests.
const greetWait = 30 * time.Second

// greet connects to addr (with implicit TLS when tlsFirst), reads the
// server's first line, sends QUIT and waits for the server to close.
func greet(addr string, tlsFirst bool) int {
	c, err := net.DialTimeout("tcp", addr, greetWait)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(greetWait))
	if tlsFirst {
		tc := tls.Client(c, &tls.Config{InsecureSkipVerify: true}) // #nosec: only waiting for the server to answer
		if err := tc.Handshake(); err != nil {
			fmt.Fprintln(os.Stderr, "TLS handshake:", err)
			return 1
		}
		c = tc
	}
	r := bufio.NewReader(c)
	line, err := r.ReadString('\n')
	if err != nil {
		fmt.Fprintln(os.Stderr, "no first line:", err)
		return 1
	}
	fmt.Print(line)
	fmt.Fprint(c, "QUIT\r\n")
	io.Copy(io.Discard, r) // until the server closes: its session is over
	return 0
}

// WaitGreeting waits until the server on addr in namespace ns has sent its
// first line to a connection (over TLS from the first byte when
// implicitTLS), so that a scenario starts against a server that is ready,
// not one still starting, and fails the test after 30 s.
func (p *Proc) WaitGreeting(ns, addr string, implicitTLS bool) {
	t := p.lab.T
	t.Helper()
	kind := "greet"
	if implicitTLS {
		kind = "greet-tls"
	}
	ctx, cancel := context.WithTimeout(context.Background(), greetWait+10*time.Second)
	defer cancel()
	out, err := SelfCommand(ctx, t, ns, helperEnv+"="+kind, helperAddr+"="+addr).CombinedOutput()
	if err != nil {
		t.Fatalf("%s on %s sent no first line within %s: %v\n%s\n%s", p.Name, addr, greetWait, err, out, p.Output())
	}
}
