package netlab

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestKillMentioningEndsOrphans starts a process named after a file under
// a scratch directory, in a session of its own as vsftpd's session
// processes are, and checks that killMentioning ends it and spares a
// process that names another directory.
func TestKillMentioningEndsOrphans(t *testing.T) {
	dir := t.TempDir()
	other := t.TempDir()
	start := func(arg string) *exec.Cmd {
		// sh -c 'sleep 60' with the path as $0: the path is in its command line.
		cmd := exec.Command("sh", "-c", "sleep 60", arg)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		return cmd
	}
	target := start(filepath.Join(dir, "vsftpd.conf"))
	spared := start(filepath.Join(other, "vsftpd.conf"))
	exited := make(chan error, 1)
	go func() { exited <- target.Wait() }()
	killMentioning(dir)
	select {
	case <-exited:
	case <-time.After(10 * time.Second):
		t.Fatal("the process that names the directory still runs")
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", spared.Process.Pid))
	if err != nil || strings.Contains(string(stat), ") Z ") {
		t.Fatalf("the process that names another directory was killed: %s %v", stat, err)
	}
}
