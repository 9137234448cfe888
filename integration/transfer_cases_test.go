package integration

import (
	"testing"
)

// transferScenario is a transfer setup with the diagnosis it must get;
// every one also checks that --write left nothing on the server.
type transferScenario struct {
	name  string                              // snake_case case name
	topo  topology                            // how the router translates
	build func(t *testing.T) *lab             // builds a lab of another shape; nil: newLab with topo
	setup func(l *lab) (checkRun, string)     // servers and network; the run and the scenario's directory
	want  expectation                         // what the report must say
	check func(t *testing.T, ev transferJSON) // the evidence numbers
}

// transferScenarios are the transfer stage against real servers.
var transferScenarios = []transferScenario{
	{
		name: "transfer_vsftpd_writable_round_trip",
		setup: func(l *lab) (checkRun, string) {
			dir := l.transferDir(1<<20, 0o755)
			l.vsftpd("write_enable=YES", "local_umask=022")
			return transferRun(l, dir, "--write", "--transfer-size", "512KiB"), dir
		},
		want: expectation{Verdict: "ok", Exit: 0, Software: "vsftpd", Stages: merge(healthyStages, map[string]string{"transfer": "transfer.ok"})},
		check: func(t *testing.T, ev transferJSON) {
			trs := ev.Transfer.Transfers
			if len(trs) < 3 || trs[0].Direction != "download" || trs[0].Bytes != 512<<10 || !trs[0].Stopped || trs[0].Throughput <= 0 {
				t.Errorf("download = %+v, want 512 KiB of big.bin, stopped at --transfer-size", trs)
			}
			if up := trs[1]; up.Direction != "upload" || up.Bytes != 512<<10 || up.SHA256Match == nil || !*up.SHA256Match || up.Reply.Code != 226 {
				t.Errorf("upload = %+v, want 512 KiB read back equal", up)
			}
			if ev.Transfer.LineEndings != "kept" || ev.Transfer.LargestOKBytes != 512<<10 {
				t.Errorf("line_endings %q, largest_ok_bytes %d; want kept (vsftpd's default ascii_upload_enable=NO), 524288",
					ev.Transfer.LineEndings, ev.Transfer.LargestOKBytes)
			}
		},
	},
	{
		name: "transfer_vsftpd_write_enable_no",
		setup: func(l *lab) (checkRun, string) {
			dir := l.transferDir(64<<10, 0o755)
			l.vsftpd("write_enable=NO")
			return transferRun(l, dir, "--write"), dir
		},
		want: expectation{Verdict: "warning", Exit: 1, Cause: "credentials", CauseCode: "transfer.write_denied", Software: "vsftpd", Fix: "write_enable=YES",
			Stages: map[string]string{"passive": "passive.ok", "transfer": "transfer.write_denied"}},
		check: func(t *testing.T, ev transferJSON) {
			if code, reply, _ := ev.failed(); code != "transfer.write_denied" || reply != 550 {
				t.Errorf("failed transfer %s after %d, want transfer.write_denied after 550", code, reply)
			}
			if d := ev.Transfer.Transfers[0]; d.Direction != "download" || d.Bytes != 64<<10 || d.Status != "pass" {
				t.Errorf("download = %+v, want all 64 KiB of big.bin", d)
			}
		},
	},
	{
		name: "transfer_vsftpd_read_only_directory",
		setup: func(l *lab) (checkRun, string) {
			dir := l.transferDir(64<<10, 0o555)
			l.vsftpd("write_enable=YES")
			return transferRun(l, dir, "--write"), dir
		},
		want: expectation{Verdict: "warning", Exit: 1, Cause: "server_config", CauseCode: "transfer.write_refused", Software: "vsftpd", Fix: "write_enable=YES",
			Stages: map[string]string{"transfer": "transfer.write_refused"}},
		check: wantFailed("transfer.write_refused", 553),
	},
	{
		// A 1280-byte link in the middle and ICMP frag-needed dropped:
		// logins and listings pass, the download's first full-size
		// segment never arrives; with the MSS clamped to 1240 it does.
		name:  "transfer_path_mtu_black_hole",
		build: newMTULab,
		setup: func(l *lab) (checkRun, string) {
			dir := l.transferDir(256<<10, 0o755)
			l.vsftpd("write_enable=YES")
			r := transferRun(l, dir, "--write", "--transfer-size", "128KiB")
			r.Timeout = quick // the stall is told by a whole timeout without data
			return r, dir
		},
		want: expectation{Verdict: "warning", Exit: 1, Cause: "port_or_firewall", CauseCode: "transfer.stalled", Fix: "ICMP type 3 code 4",
			Stages: map[string]string{"passive": "passive.ok", "transfer": "transfer.stalled"}},
		check: func(t *testing.T, ev transferJSON) {
			x := ev.Transfer
			if x.StalledBytes == nil || *x.StalledBytes >= 128<<10 || x.MSS <= 1240 || x.MTU != 1500 || x.ClampedMSS != 1240 {
				t.Errorf("stalled_bytes %v, mss_bytes %d, mtu_bytes %d, clamped_mss_bytes %d; want a stall below 128 KiB with full-size segments in 1500-byte packets, then MSS 1240",
					x.StalledBytes, x.MSS, x.MTU, x.ClampedMSS)
			}
			if x.LargestOKBytes <= 0 || x.LargestOKBytes > 1240 {
				t.Errorf("largest_ok_bytes %d, want the listing's size, which fits one small packet", x.LargestOKBytes)
			}
			if n := len(x.Transfers); n != 2 || x.Transfers[1].Bytes != 128<<10 || x.Transfers[1].Status != "pass" {
				t.Errorf("transfers = %+v, want the stalled download and the clamped one with all 128 KiB", x.Transfers)
			}
		},
	},
	{
		// The router forgets an idle TCP connection after 6 s while
		// vsftpd sends 1 MiB at 100 kB/s: the data arrives, the 226 does
		// not. The idle time is twice what a PAM login took on a loaded
		// CI machine (3 s), so the login itself is not cut.
		name: "transfer_control_connection_idle_timeout",
		setup: func(l *lab) (checkRun, string) {
			dir := l.transferDir(1<<20, 0o755)
			idleTimeoutRouter(l, 6)
			l.vsftpd("write_enable=YES", "local_max_rate=100000")
			return transferRun(l, dir, "--write"), dir
		},
		want: expectation{Verdict: "warning", Exit: 1, Cause: "port_or_firewall", CauseCode: "transfer.control_lost", Fix: "nf_conntrack_tcp_timeout_established",
			Stages: map[string]string{"passive": "passive.ok", "transfer": "transfer.control_lost"}},
		check: func(t *testing.T, ev transferJSON) {
			x := ev.Transfer
			if len(x.Transfers) != 1 || x.Transfers[0].Bytes != 1<<20 || x.Transfers[0].Code != "transfer.control_lost" {
				t.Errorf("transfers = %+v, want one download of all 1 MiB that lost its control connection", x.Transfers)
			}
			if x.ControlIdleMS < 6000 {
				t.Errorf("control_idle_ms %.0f, want more than the router's 6 s timeout", x.ControlIdleMS)
			}
		},
	},
	{
		name: "transfer_proftpd_limit_stor_denied",
		setup: func(l *lab) (checkRun, string) {
			dir := l.transferDir(64<<10, 0o755)
			l.proftpd("", "<Limit STOR>", "DenyAll", "</Limit>")
			return transferRun(l, dir, "--write"), dir
		},
		want: expectation{Verdict: "warning", Exit: 1, Cause: "credentials", CauseCode: "transfer.write_denied", Software: "proftpd", Fix: "<Limit STOR>",
			Stages: map[string]string{"transfer": "transfer.write_denied"}},
		check: wantFailed("transfer.write_denied", 550),
	},
	{
		// Pure-FTPd with a quota of 1 MB: a 2 MiB upload is refused with
		// 552 and not kept.
		name: "transfer_pureftpd_quota",
		setup: func(l *lab) (checkRun, string) {
			dir := l.transferDir(64<<10, 0o755)
			l.keepQuotaFile()
			l.pureftpdWith("-n", "1000:1")
			return transferRun(l, dir, "--write", "--transfer-size", "2MiB"), dir
		},
		want: expectation{Verdict: "warning", Exit: 1, Cause: "server_config", CauseCode: "transfer.quota_exceeded", Software: "pure-ftpd", Fix: "-n FILES:MEGABYTES",
			Stages: map[string]string{"transfer": "transfer.quota_exceeded"}},
		check: wantFailed("transfer.quota_exceeded", 552),
	},
}

// wantFailed checks that the first failed transfer has code, after a
// reply with replyCode.
func wantFailed(code string, replyCode int) func(t *testing.T, ev transferJSON) {
	return func(t *testing.T, ev transferJSON) {
		if got, reply, _ := ev.failed(); got != code || reply != replyCode {
			t.Errorf("failed transfer %s after %d, want %s after %d", got, reply, code, replyCode)
		}
	}
}

// TestTransferScenarios runs the transfer stage against real servers.
func TestTransferScenarios(t *testing.T) {
	requireSuite(t)
	t.Parallel()
	for _, sc := range transferScenarios {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			var l *lab
			if sc.build != nil {
				l = sc.build(t)
			} else {
				l = newLab(t, sc.topo)
			}
			run, dir := sc.setup(l)
			got := l.check(run)
			assertReport(t, got, sc.want)
			ev := transferEvidence(t, got)
			if len(ev.Transfer.LeftBehind) > 0 {
				t.Errorf("left_behind = %v", ev.Transfer.LeftBehind)
			}
			nothingLeft(t, dir)
			if sc.check != nil {
				sc.check(t, ev)
			}
		})
	}
}
