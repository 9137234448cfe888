package probes_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ftpdoctor/ftpdoctor/fixtures"
	"github.com/ftpdoctor/ftpdoctor/probes"
)

// bigFile is the downloadable file of the transfer tests: 200 KiB, the
// largest file of the listing.
var bigFile = []byte(strings.Repeat("ftpdoctor transfer test data\n", 200<<10/29))

// transferCheck runs a check with --transfer (and --write when write)
// against a fixture holding /pub/small.txt and /pub/big.bin.
func transferCheck(t *testing.T, script fixtures.Script, tc probes.TransferConfig) (probes.Result, *fixtures.Server) {
	t.Helper()
	script.Users = map[string]string{"alice": testPassword}
	if tc.Size == 0 {
		tc.Size = 256 << 10 // small enough for the fixture under -race on a busy machine
	}
	script.Files = map[string][]byte{"/pub/small.txt": []byte("small\n"), "/pub/big.bin": bigFile}
	srv := fixtures.StartT(t, script)
	cfg := probes.Config{Target: probes.Target{Host: srv.Host(), Port: srv.Port(), User: "alice", Path: "/pub"},
		Password: testPassword, Timeout: time.Second, Transfer: &tc}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	o := probes.Check(ctx, cfg, probes.DefaultEnv())
	for _, r := range o.Results {
		if r.Stage == probes.StageTransfer {
			return r, srv
		}
	}
	t.Fatalf("no transfer stage: %s", codes(o))
	return probes.Result{}, nil
}

func TestTransfer(t *testing.T) {
	tests := []struct {
		name   string
		script fixtures.Script
		cfg    probes.TransferConfig
		want   probes.Code
		reply  int // the reply code of the failed transfer; 0: none failed
	}{
		{"download_largest_file", fixtures.Script{}, probes.TransferConfig{}, probes.TransferOK, 0},
		{"download_and_write_round_trip", fixtures.Script{}, probes.TransferConfig{Write: true}, probes.TransferOK, 0},
		{"download_named_file_missing", fixtures.Script{}, probes.TransferConfig{File: "/pub/none.bin"}, probes.TransferDownloadFailed, 550},
		{"vsftpd_write_enable_no", fixtures.Script{Store: fixtures.StoreDenied}, probes.TransferConfig{Write: true}, probes.TransferWriteDenied, 550},
		{"vsftpd_read_only_directory", fixtures.Script{Store: fixtures.StoreCannotCreate}, probes.TransferConfig{Write: true}, probes.TransferWriteRefused, 553},
		{"iis_access_denied", fixtures.Script{Software: fixtures.IIS, Store: fixtures.StoreDenied}, probes.TransferConfig{Write: true}, probes.TransferWriteDenied, 550},
		{"filezilla_permission_denied", fixtures.Script{Software: fixtures.FileZilla, Store: fixtures.StoreDenied}, probes.TransferConfig{Write: true}, probes.TransferWriteDenied, 550},
		{"pureftpd_quota", fixtures.Script{Software: fixtures.PureFTPd, Store: fixtures.StoreQuota}, probes.TransferConfig{Write: true}, probes.TransferQuotaExceeded, 552},
		{"disk_full", fixtures.Script{Store: fixtures.StoreDiskFull}, probes.TransferConfig{Write: true}, probes.TransferDiskFull, 452},
		{"stored_nothing", fixtures.Script{Store: fixtures.StoreDiscard}, probes.TransferConfig{Write: true}, probes.TransferNotStored, 550},
		{"data_rewritten", fixtures.Script{Store: fixtures.StoreRewrite}, probes.TransferConfig{Write: true}, probes.TransferMismatch, 226},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, srv := transferCheck(t, tc.script, tc.cfg)
			if r.Code != tc.want {
				t.Fatalf("code = %s (%s), want %s", r.Code, r.Summary, tc.want)
			}
			ev := r.Evidence.Transfer
			if ev == nil || ev.Mode != "passive" || ev.Command != "EPSV" {
				t.Fatalf("evidence = %+v, want the passive mode's EPSV", ev)
			}
			if files := srv.Files(); len(files) != 2 {
				t.Errorf("files left on the server: %v, want only the two it held", files)
			}
			if len(ev.LeftBehind) > 0 {
				t.Errorf("left_behind = %v, want none", ev.LeftBehind)
			}
			if tc.reply == 0 {
				down := ev.Transfers[0]
				if down.Path != "/pub/big.bin" || down.Bytes != int64(len(bigFile)) || down.ExpectedBytes != down.Bytes || down.ThroughputBytesPerS <= 0 {
					t.Errorf("download = %+v, want all %d bytes of /pub/big.bin", down, len(bigFile))
				}
				if (!tc.cfg.Write && ev.LargestOKBytes != int64(len(bigFile))) || ev.SizeSupported == nil || !*ev.SizeSupported {
					t.Errorf("largest_ok_bytes %d, size_supported %v", ev.LargestOKBytes, ev.SizeSupported)
				}
				return
			}
			var failed *probes.FileTransfer
			for i := range ev.Transfers {
				if ev.Transfers[i].Status == probes.StatusFail {
					failed = &ev.Transfers[i]
					break
				}
			}
			if failed == nil || failed.Code != tc.want || failed.Reply.Code != tc.reply {
				t.Errorf("failed transfer = %+v, want code %s after reply %d", failed, tc.want, tc.reply)
			}
		})
	}
}

func TestTransferWriteRoundTripEvidence(t *testing.T) {
	r, srv := transferCheck(t, fixtures.Script{}, probes.TransferConfig{Write: true, Size: 100 << 10})
	ev := r.Evidence.Transfer
	var up *probes.FileTransfer
	for i := range ev.Transfers {
		if ev.Transfers[i].Direction == probes.DirectionUpload && ev.Transfers[i].Type == "I" {
			up = &ev.Transfers[i]
		}
	}
	if up == nil || up.Bytes != 100<<10 || up.SHA256Match == nil || !*up.SHA256Match || !strings.HasPrefix(up.Path, "/pub/ftpdoctor-") {
		t.Fatalf("upload = %+v, want 100 KiB under /pub read back equal", up)
	}
	if ev.LineEndings != "kept" {
		t.Errorf("line_endings = %q, want kept (the fixture stores TYPE A as sent)", ev.LineEndings)
	}
	if down := ev.Transfers[0]; !down.Stopped || down.Bytes != 100<<10 {
		t.Errorf("download = %+v, want stopped at 100 KiB", down)
	}
	var deletes int
	for _, c := range srv.Commands() {
		if strings.HasPrefix(c, "DELE /pub/ftpdoctor-") {
			deletes++
		}
	}
	if deletes != 2 {
		t.Errorf("%d DELE commands, want 2 (the binary and the text file)", deletes)
	}
}

// TestTransferInActiveMode: with --mode active the files move over EPRT,
// the server connecting back, and the round trip still leaves nothing.
func TestTransferInActiveMode(t *testing.T) {
	srv := fixtures.StartT(t, fixtures.Script{Users: map[string]string{"alice": testPassword},
		Files: map[string][]byte{"/pub/big.bin": bigFile}})
	cfg := probes.Config{Target: probes.Target{Host: srv.Host(), Port: srv.Port(), User: "alice", Path: "/pub"},
		Password: testPassword, Timeout: time.Second, Mode: probes.ModeActive, Transfer: &probes.TransferConfig{Size: 64 << 10, Write: true}}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	o := probes.Check(ctx, cfg, probes.DefaultEnv())
	r := result(o, probes.StageTransfer)
	if r.Code != probes.TransferOK || r.Evidence.Transfer.Mode != "active" || r.Evidence.Transfer.Command != "EPRT" {
		t.Fatalf("transfer = %s %s (%+v), want transfer.ok over EPRT", r.Code, r.Summary, r.Evidence.Transfer)
	}
	if files := srv.Files(); len(files) != 1 {
		t.Errorf("files on the server: %v, want only /pub/big.bin", files)
	}
}

func TestTransferNotAskedIsNotRun(t *testing.T) {
	o, _ := check(t, fixtures.Script{}, "alice")
	for _, r := range o.Results {
		if r.Stage == probes.StageTransfer {
			t.Fatalf("a check without --transfer has a transfer stage: %s", codes(o))
		}
	}
}

// TestTransferOverFTPS: under FTPS with protected data connections that
// must resume the control connection's session (vsftpd's
// require_ssl_reuse), the download and the round trip move through TLS.
func TestTransferOverFTPS(t *testing.T) {
	srv := fixtures.StartT(t, fixtures.Script{Users: map[string]string{"alice": testPassword},
		Files: map[string][]byte{"/pub/big.bin": bigFile},
		TLS:   &fixtures.TLSConfig{Certificates: good(), RequireData: true, RequireReuse: true}})
	cfg := probes.Config{Target: probes.Target{Host: srv.Host(), Port: srv.Port(), User: "alice", Path: "/pub"},
		Password: testPassword, Timeout: 2 * time.Second, TLS: probes.TLSRequire, Roots: testCA.Pool(),
		Transfer: &probes.TransferConfig{Size: 64 << 10, Write: true}}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	o := probes.Check(ctx, cfg, probes.DefaultEnv())
	r := result(o, probes.StageTransfer)
	if r.Code != probes.TransferOK {
		t.Fatalf("transfer = %s %s, want transfer.ok over protected data connections", r.Code, r.Summary)
	}
	if files := srv.Files(); len(files) != 1 {
		t.Errorf("files on the server: %v, want only /pub/big.bin", files)
	}
}

// TestTransferLateFinalReply: a server that sends a transfer's 226 only
// after the timeout (it scans or syncs the file first) still answers the
// NOOP sent then: the transfer passes, with the reply's real delay in its
// evidence and summary. A server silent for two timeouts is taken for a
// control connection lost while the data moved.
func TestTransferLateFinalReply(t *testing.T) {
	r, _ := transferCheck(t, fixtures.Script{FinalDelay: 1500 * time.Millisecond}, probes.TransferConfig{})
	if r.Code != probes.TransferOK || !strings.Contains(r.Summary, "final reply came") {
		t.Fatalf("transfer %s: %s", r.Code, r.Summary)
	}
	down := r.Evidence.Transfer.Transfers[0]
	if down.Reply.Code != 226 || down.Reply.Elapsed <= time.Second {
		t.Errorf("final reply %d after %s, want 226 after more than the 1 s timeout", down.Reply.Code, down.Reply.Elapsed)
	}
	r, _ = transferCheck(t, fixtures.Script{FinalDelay: 3 * time.Second}, probes.TransferConfig{})
	if r.Code != probes.TransferControlLost {
		t.Errorf("silent for 3 s after the data with a 1 s timeout: transfer %s, want %s: %s", r.Code, probes.TransferControlLost, r.Summary)
	}
}
