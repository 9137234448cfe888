package integration

import (
	"testing"
)

// transferScenario is a transfer setup with the diagnosis it must get;
// every one also checks that --write left nothing on the server.
type transferScenario struct {
	name  string                              // snake_case case name
	topo  topology                            // how the router translates
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
		check: func(t *testing.T, ev transferJSON) {
			if code, reply, _ := ev.failed(); code != "transfer.write_refused" || reply != 553 {
				t.Errorf("failed transfer %s after %d, want transfer.write_refused after 553", code, reply)
			}
		},
	},
}

// TestTransferScenarios runs the transfer stage against real servers.
func TestTransferScenarios(t *testing.T) {
	requireSuite(t)
	t.Parallel()
	for _, sc := range transferScenarios {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			l := newLab(t, sc.topo)
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
