package netlab

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/ftpdoctor/ftpdoctor/internal/testutil"
)

// Proc is a process started inside a namespace, in its own process group.
type Proc struct {
	Name   string               // what it is, for messages
	Cmd    *exec.Cmd            // the process
	Done   chan struct{}        // closed when it exited
	Err    error                // its exit status, valid after Done
	Logs   []string             // log files worth showing when the test fails
	out    *testutil.SyncBuffer // its stdout and stderr
	stdinF *os.File             // where vsftpd writes start-up errors
	lab    *Lab                 // the lab it runs in
}

// Output returns what the process wrote to stdout and stderr so far.
func (p *Proc) Output() string { return p.out.String() }

// Start runs args inside namespace ns with stdin when not nil, and
// registers a cleanup that kills the whole process group with SIGKILL and
// waits for it (vsftpd's session children can outlive the listener and
// ignore SIGTERM), then shows its output and logs if the test failed.
func (l *Lab) Start(ns, name string, stdin *os.File, args ...string) *Proc {
	l.T.Helper()
	p := &Proc{Name: name, out: &testutil.SyncBuffer{}, Done: make(chan struct{}), stdinF: stdin, lab: l}
	p.Cmd = exec.Command("ip", append([]string{"netns", "exec", ns}, args...)...)
	p.Cmd.Stdout, p.Cmd.Stderr = p.out, p.out
	if stdin != nil {
		p.Cmd.Stdin = stdin
	}
	p.Cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := p.Cmd.Start(); err != nil {
		l.T.Fatalf("start %s: %v", name, err)
	}
	go func() {
		p.Err = p.Cmd.Wait()
		close(p.Done)
	}()
	l.T.Cleanup(func() {
		if !p.kill() {
			l.T.Errorf("%s (pid %d) did not exit 10 s after SIGKILL", name, p.Cmd.Process.Pid)
		}
		if l.T.Failed() {
			l.T.Logf("%s output:\n%s", name, p.out.String())
			for _, f := range p.Logs {
				b, _ := os.ReadFile(f)
				l.T.Logf("%s %s:\n%s", name, filepath.Base(f), b)
			}
		}
	})
	return p
}

// kill sends SIGKILL to the process group and reports whether the process
// exited within 10 s.
func (p *Proc) kill() bool {
	syscall.Kill(-p.Cmd.Process.Pid, syscall.SIGKILL)
	select {
	case <-p.Done:
		return true
	case <-time.After(10 * time.Second):
		return false
	}
}

// Stop kills the process group and waits until it has exited, so that
// nothing listens on its port any more.
func (p *Proc) Stop() {
	p.lab.T.Helper()
	if !p.kill() {
		p.lab.T.Fatalf("%s did not exit 10 s after SIGKILL", p.Name)
	}
}

// WaitListening waits until something in ns listens on TCP port, or fails
// the test when the process exits first or 30 s pass (a server starting
// while other suites load the machine, not a hung one).
func (p *Proc) WaitListening(ns string, port int) {
	t := p.lab.T
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		out, _ := exec.CommandContext(ctx, "ip", "netns", "exec", ns, "ss", "-Hltn", fmt.Sprintf("sport = :%d", port)).Output()
		cancel()
		if strings.TrimSpace(string(out)) != "" {
			return
		}
		select {
		case <-p.Done:
			var startup []byte
			if p.stdinF != nil {
				startup, _ = os.ReadFile(p.stdinF.Name())
			}
			t.Fatalf("%s exited before listening: %v\n%s%s", p.Name, p.Err, p.out.String(), startup)
		case <-time.After(50 * time.Millisecond):
		}
	}
	t.Fatalf("%s not listening on port %d after 30 s", p.Name, port)
}

// killMentioning kills every process whose command line names something
// under dir: a server the lab started from its scratch directory. Killing
// the servers' process groups and the processes of the lab's namespaces
// misses vsftpd's session processes, which start sessions of their own
// (setsid) in network namespaces of their own (isolate_network=YES), and
// would otherwise outlive the lab.
func killMentioning(dir string) {
	procs, _ := os.ReadDir("/proc")
	for _, p := range procs {
		pid, err := strconv.Atoi(p.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join("/proc", p.Name(), "cmdline"))
		if err == nil && bytes.Contains(cmdline, []byte(dir+"/")) {
			syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}
