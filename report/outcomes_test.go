package report

import (
	"time"

	"github.com/ftpdoctor/ftpdoctor/probes"
)

// Hand-made outcomes with fixed times, shaped like probes.Check's output.

const ms = time.Millisecond

func ex(cmd string, code int, text string, elapsed time.Duration) probes.Exchange {
	e := probes.NewExchange(cmd)
	e.Code, e.Text, e.Elapsed, e.ElapsedMS = code, text, elapsed, millis(elapsed)
	return e
}

func pass(stage probes.StageID, code probes.Code, summary string, started, dur time.Duration, e probes.Evidence) probes.Result {
	return probes.Result{Stage: stage, Status: probes.StatusPass, Code: code, Summary: summary, Started: started, Duration: dur, Evidence: e}
}

func with(r probes.Result, status probes.Status, code probes.Code, summary string) probes.Result {
	r.Status, r.Code, r.Summary = status, code, summary
	return r
}

func skipped(stage probes.StageID, why string) probes.Result {
	return probes.Skipped(stage, why)
}

var vsftpdInfo = probes.ServerInfo{Software: probes.SoftwareVsftpd, Version: "3.0.3", Banner: "(vsFTPd 3.0.3)", Syst: "UNIX Type: L8", Features: []string{"EPRT", "EPSV", "MDTM", "PASV", "REST STREAM", "SIZE", "TVFS", "UTF8"}}

func dnsOK() probes.Result {
	return pass(probes.StageDNS, probes.DNSOK, "ftp.test.zone resolves to 10.231.0.2", 0, 1200*time.Microsecond,
		probes.Evidence{Host: "ftp.test.zone", Addresses: []string{"10.231.0.2"}})
}

func controlOK() probes.Result {
	return pass(probes.StageControl, probes.ControlOK, "connected to 10.231.0.2:21 and got 220 (vsFTPd 3.0.3)", 1200*time.Microsecond, 2300*time.Microsecond,
		probes.Evidence{Remote: "10.231.0.2:21", Local: "10.231.0.1:40112", Replies: []probes.Exchange{
			ex("", 220, "(vsFTPd 3.0.3)", 1100*time.Microsecond),
			ex("FEAT", 211, "Features:\nEPRT\nEPSV\nMDTM\nPASV\nREST STREAM\nSIZE\nTVFS\nUTF8\nEnd", 400*time.Microsecond),
		}})
}

// tlsPlain: vsftpd without ssl_enable refuses AUTH TLS; --tls auto goes on
// in plain FTP.
func tlsPlain() probes.Result {
	return pass(probes.StageTLS, probes.TLSPlain, "the server refused AUTH TLS (530 Please login with USER and PASS.): plain FTP, as FileZilla does when TLS is not offered", 3500*time.Microsecond, 300*time.Microsecond,
		probes.Evidence{Replies: []probes.Exchange{ex("AUTH TLS", 530, "Please login with USER and PASS.", 300*time.Microsecond)}})
}

func loginOK() probes.Result {
	return pass(probes.StageLogin, probes.LoginOK, "logged in as alice: 230 Login successful.", 3800*time.Microsecond, 9*ms,
		probes.Evidence{Replies: []probes.Exchange{
			ex("USER alice", 331, "Please specify the password.", 300*time.Microsecond),
			ex("PASS ****", 230, "Login successful.", 8*ms),
			ex("SYST", 215, "UNIX Type: L8", 300*time.Microsecond),
		}})
}

// listOK is an attempt's LIST exchange as probes records it: the code of
// the final reply and the texts of the first and final replies.
func listOK(elapsed time.Duration) *probes.Exchange {
	l := ex("LIST", 226, "Here comes the directory listing.\nDirectory send OK.", elapsed)
	return &l
}

// replies is what the control connection recorded for an attempt: the data
// command, LIST with its 150, and the final 226 (recorded with no command).
func replies(a probes.Attempt) []probes.Exchange {
	out := []probes.Exchange{a.Reply}
	if a.List != nil {
		if a.List.Code == 0 {
			return append(out, *a.List)
		}
		out = append(out, ex("LIST", 150, "Here comes the directory listing.", 200*time.Microsecond),
			ex("", a.List.Code, "Directory send OK.", a.List.Elapsed-200*time.Microsecond))
	}
	return out
}

func join(lists ...[]probes.Exchange) []probes.Exchange {
	var out []probes.Exchange
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

func epsvOK() probes.Attempt {
	return probes.Attempt{Command: "EPSV", Status: probes.StatusPass, Code: probes.PassiveOK,
		Reply: ex("EPSV", 229, "Entering Extended Passive Mode (|||30004|)", 300*time.Microsecond), Advertised: "10.231.0.2:30004",
		Dials: []probes.Dial{{Address: "10.231.0.2:30004", Why: "advertised", Outcome: "open", Elapsed: 200 * time.Microsecond, ElapsedMS: 0.2}},
		List:  listOK(1500 * time.Microsecond), Bytes: 186, Elapsed: 2300 * time.Microsecond, ElapsedMS: 2.3}
}

func pasvOK() probes.Attempt {
	return probes.Attempt{Command: "PASV", Status: probes.StatusPass, Code: probes.PassiveOK,
		Reply: ex("PASV", 227, "Entering Passive Mode (10,231,0,2,117,53).", 300*time.Microsecond), Advertised: "10.231.0.2:30005",
		Dials: []probes.Dial{{Address: "10.231.0.2:30005", Why: "advertised", Outcome: "open", Elapsed: 200 * time.Microsecond, ElapsedMS: 0.2}},
		List:  listOK(1500 * time.Microsecond), Bytes: 186, Elapsed: 2300 * time.Microsecond, ElapsedMS: 2.3}
}

func passiveOK() probes.Result {
	e, p := epsvOK(), pasvOK()
	return pass(probes.StagePassive, probes.PassiveOK, "passive listing arrived over EPSV (186 bytes, 2.3 ms), PASV (186 bytes, 2.3 ms)", 12500*time.Microsecond, 4800*time.Microsecond,
		probes.Evidence{Replies: join(replies(e), replies(p)), Attempts: []probes.Attempt{e, p}})
}

func eprtOK() probes.Attempt {
	return probes.Attempt{Command: "EPRT", Status: probes.StatusPass, Code: probes.ActiveOK,
		Reply: ex("EPRT |1|10.231.0.1|41001|", 200, "EPRT command successful. Consider using EPSV.", 300*time.Microsecond), Sent: "10.231.0.1:41001",
		ConnectFrom: "10.231.0.2:20", List: listOK(1700 * time.Microsecond), Bytes: 186, Elapsed: 2500 * time.Microsecond, ElapsedMS: 2.5}
}

func activeOK() probes.Result {
	a := eprtOK()
	return pass(probes.StageActive, probes.ActiveOK, "active listing arrived over EPRT (186 bytes, 2.5 ms)", 17300*time.Microsecond, 2600*time.Microsecond,
		probes.Evidence{Replies: replies(a), Attempts: []probes.Attempt{a}})
}

func firewallOK() probes.Result {
	return pass(probes.StageFirewall, probes.FirewallOpen, "2 passive port(s) reachable from here (open or refused, not dropped)", 17300*time.Microsecond, 400*time.Microsecond,
		probes.Evidence{Ports: []probes.PortCheck{
			{Address: "10.231.0.2:30004", State: "closed", Error: "connection refused", ElapsedMS: 0.2},
			{Address: "10.231.0.2:30005", State: "closed", Error: "connection refused", ElapsedMS: 0.2},
		}})
}

func target() probes.Target { return probes.Target{Host: "ftp.test.zone", Port: 21, User: "alice"} }

// healthyResults are the results of a healthy check, by stage.
var healthyResults = map[probes.StageID]func() probes.Result{
	probes.StageDNS: dnsOK, probes.StageControl: controlOK, probes.StageTLS: tlsPlain, probes.StageLogin: loginOK,
	probes.StagePassive: passiveOK, probes.StageActive: activeOK, probes.StageFirewall: firewallOK,
}

// healthy: every stage of Registry passes; a stage healthyResults does not
// know passes with its ok code.
func healthy() probes.Outcome {
	o := probes.Outcome{Target: target(), Mode: probes.ModeBoth, Server: vsftpdInfo, Duration: 20 * ms}
	for _, st := range probes.Wanted(probes.Config{}) { // a check without opt-in stages
		result, ok := healthyResults[st.ID]
		if !ok {
			result = func() probes.Result {
				return pass(st.ID, probes.Code(string(st.ID)+".ok"), string(st.ID)+" passed", 19*ms, ms, probes.Evidence{})
			}
		}
		o.Results = append(o.Results, result())
	}
	return o
}

// at returns the result of stage id in o, for a test to read or change.
func at(o *probes.Outcome, id probes.StageID) *probes.Result {
	for i := range o.Results {
		if o.Results[i].Stage == id {
			return &o.Results[i]
		}
	}
	panic("the outcome has no result for stage " + string(id))
}

// passiveNAT: the server behind NAT advertises its inner address in 227;
// EPSV works, the PASV listing only arrives through the control-peer
// fallback.
func passiveNAT() probes.Outcome {
	o := healthy()
	p := pasvOK()
	p.Status, p.Code = probes.StatusWarn, probes.PassivePrivateAddress
	p.Reply = ex("PASV", 227, "Entering Passive Mode (192,168,7,10,117,53).", 300*time.Microsecond)
	p.Advertised = "192.168.7.10:30005"
	p.Dials = []probes.Dial{
		{Address: "192.168.7.10:30005", Why: "advertised", Outcome: "filtered", Error: "timed out", Elapsed: 5 * time.Second, ElapsedMS: 5000},
		{Address: "10.231.0.2:30005", Why: "control_peer", Outcome: "open", Elapsed: 200 * time.Microsecond, ElapsedMS: 0.2},
	}
	p.Elapsed, p.ElapsedMS = 5002*ms, 5002
	e := epsvOK()
	r := passiveOK()
	r.Evidence.Attempts = []probes.Attempt{e, p}
	r.Evidence.Replies = join(replies(e), replies(p))
	r.Duration = 5004800 * time.Microsecond
	*at(&o, probes.StagePassive) = with(r, probes.StatusWarn, probes.PassivePrivateAddress, "passive listing arrived over EPSV (186 bytes, 2.3 ms), PASV (186 bytes, 5002.0 ms); PASV: passive.private_address")
	at(&o, probes.StageActive).Started += 4992 * ms
	at(&o, probes.StageFirewall).Started += 4992 * ms
	o.Duration = 5012 * ms
	return o
}

// dataDropped: a firewall drops the passive ports; active mode works.
func dataDropped() probes.Outcome {
	o := healthy()
	var atts []probes.Attempt
	for _, a := range []probes.Attempt{epsvOK(), pasvOK()} {
		a.Status, a.Code = probes.StatusFail, probes.PassiveDataTimeout
		a.Dials = []probes.Dial{{Address: a.Advertised, Why: "advertised", Outcome: "filtered", Error: "timed out", Elapsed: 5 * time.Second, ElapsedMS: 5000}}
		a.List, a.Bytes, a.Elapsed, a.ElapsedMS = nil, 0, 5001*ms, 5001
		atts = append(atts, a)
	}
	r := passiveOK()
	r.Evidence.Attempts = atts
	r.Evidence.Replies = []probes.Exchange{atts[0].Reply, atts[1].Reply}
	r.Duration = 10002 * ms
	*at(&o, probes.StagePassive) = with(r, probes.StatusFail, probes.PassiveDataTimeout, "no passive listing arrived: EPSV: passive.data_timeout; PASV: passive.data_timeout")
	at(&o, probes.StageActive).Started += 9997 * ms
	fw := firewallOK()
	fw.Started = at(&o, probes.StageActive).Started
	fw.Duration = 5 * time.Second
	for i := range fw.Evidence.Ports {
		fw.Evidence.Ports[i].State, fw.Evidence.Ports[i].Error, fw.Evidence.Ports[i].ElapsedMS = "filtered", "timed out", 5000
	}
	*at(&o, probes.StageFirewall) = with(fw, probes.StatusFail, probes.FirewallFiltered, "10.231.0.2:30004, 10.231.0.2:30005 dropped: no answer within 5s")
	o.PassiveRange = &probes.PortRange{Low: 30000, High: 30009}
	o.Duration = 15020 * ms
	return o
}

// nothingWorks: passive ports dropped and the server never connects back.
func nothingWorks() probes.Outcome {
	o := dataDropped()
	a := eprtOK()
	a.Status, a.Code = probes.StatusFail, probes.ActiveNoConnect
	l := ex("LIST", 0, "", 5*time.Second)
	l.Error = "timed out"
	a.List, a.ConnectFrom, a.Bytes, a.Elapsed, a.ElapsedMS = &l, "", 0, 5001*ms, 5001
	r := activeOK()
	r.Evidence.Attempts = []probes.Attempt{a}
	r.Evidence.Replies = replies(a)
	r.Duration = 5001 * ms
	r.Started = at(&o, probes.StageActive).Started
	*at(&o, probes.StageActive) = with(r, probes.StatusFail, probes.ActiveNoConnect, "no active listing arrived: EPRT: active.no_connect")
	return o
}

// stopAt fails the given stage with code and skips the rest, as Check does.
func stopAt(stage probes.StageID, code probes.Code, summary string, e probes.Evidence) probes.Outcome {
	o := healthy()
	o.Server = probes.ServerInfo{}
	var out []probes.Result
	for _, r := range o.Results {
		switch {
		case r.Stage == stage:
			out = append(out, probes.Result{Stage: r.Stage, Status: probes.StatusFail, Code: code, Summary: summary, Started: r.Started, Duration: 5 * time.Second, Evidence: e})
		case len(out) > 0 && out[len(out)-1].Status != probes.StatusPass:
			out = append(out, skipped(r.Stage, "an earlier stage failed"))
		default:
			out = append(out, r)
		}
	}
	o.Results = out
	o.Duration = 5010 * ms
	return o
}
