package probes

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ftpdoctor/ftpdoctor/fixtures"
)

// replayPassword is the password of every replayed login: the tests look
// for it in what the client sent and in everything it reports.
const replayPassword = "Replay-Pa55w0rd"

// greeted is a vsftpd's greeting and its refusal of AUTH TLS: the tls
// stage goes on in plain text.
const greeted = `
S: 220 (vsFTPd 3.0.5)
C: AUTH TLS
S: 530 Please login with USER and PASS.
`

// passwordAsked is USER for alice, the server's 331 and PASS.
const passwordAsked = `
C: USER alice
S: 331 Please specify the password.
C: PASS ` + replayPassword + `
`

// loggedIn is a whole plain login: greeted, passwordAsked, 230, then FEAT
// and SYST sent together before either reply is read.
const loggedIn = greeted + passwordAsked + `
S: 230 Login successful.
C: FEAT
C: SYST
S: 211-Features:
S:  EPRT
S:  EPSV
S:  PASV
S: 211 End
S: 215 UNIX Type: L8
`

// client returns what the client is expected to send in a conversation:
// its C: lines, each ended with CRLF.
func (p *replayPeer) client(conversation string) string {
	var b strings.Builder
	for _, step := range strings.Split(p.expand(conversation), "\n") {
		if line, ok := strings.CutPrefix(step, "C: "); ok {
			b.WriteString(line + "\r\n")
		}
	}
	return b.String()
}

// attempt returns the data attempt of r that sent cmd.
func attempt(t *testing.T, r Result, cmd string) Attempt {
	t.Helper()
	for _, a := range r.Evidence.Attempts {
		if a.Command == cmd {
			return a
		}
	}
	t.Fatalf("stage %s made no %s attempt", r.Stage, cmd)
	return Attempt{}
}

// replayed is what one replay produced.
type replayed struct {
	results map[StageID]Result // by stage
	sent    string             // every byte the client wrote on the control connection, read through TLS once it is up
	wire    string             // the same bytes as they came on the wire, below TLS
	extras  []string           // the first bytes of every further control connection
	session *Session
}

// run plays the conversation, runs the stages a command that stops at
// stage runs (upTo) against the peer as user alice, closes the session
// (QUIT, unless the connection broke) and waits for the conversation's
// end. tune changes the configuration and environment first.
func (p *replayPeer) run(conversation string, stage StageID, tune func(*Config, *Env)) replayed {
	p.t.Helper()
	p.play(conversation)
	cfg := Config{Target: Target{Host: "127.0.0.1", Port: p.ports["control"], User: "alice"}, Password: replayPassword, Timeout: 2 * time.Second}
	env := Env{Dialer: &fixtures.Dialer{}, Listen: p.listen, Now: time.Now}
	if tune != nil {
		tune(&cfg, &env)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s := NewSession(cfg, env)
	out := replayed{results: map[StageID]Result{}, session: s}
	for _, r := range s.Run(ctx, upTo(stage)) {
		out.results[r.Stage] = r
	}
	s.Close(ctx)
	if cfg.Target.Port == p.ports["control"] {
		// The session closed every connection it opened: wait for the
		// peer to read them to their end, the first one's first.
		p.await(p.served)
		p.mu.Lock()
		closed := slices.Clone(p.closed)
		p.mu.Unlock()
		for _, done := range closed {
			p.await(done)
		}
	}
	p.mu.Lock()
	out.sent, out.wire, out.extras = p.got.String(), p.wire.String(), append([]string(nil), p.extras...)
	p.mu.Unlock()
	return out
}

// await waits for done, or fails the test after 10 s.
func (p *replayPeer) await(done chan struct{}) {
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		p.t.Error("replay: the client left a control connection open")
	}
}

// expectSent fails the test when the client's bytes differ from the C:
// lines of the conversation.
func (p *replayPeer) expectSent(got replayed, conversation string) {
	p.t.Helper()
	if want := p.client(conversation); got.sent != want {
		hide := strings.NewReplacer(replayPassword, "<password>") // test output shows no password either
		p.t.Errorf("the client sent\n%q\nwant\n%q", hide.Replace(got.sent), hide.Replace(want))
	}
}

// expectCode fails the test when the stage did not end with code.
func expectCode(t *testing.T, got replayed, stage StageID, code Code) Result {
	t.Helper()
	r, ok := got.results[stage]
	if !ok {
		t.Fatalf("no result for stage %s", stage)
	}
	if r.Code != code {
		t.Errorf("stage %s: %s %s (%s), want %s", stage, r.Status, r.Code, r.Summary, code)
	}
	return r
}

// expectNoPassword fails the test when the password shows in any result
// or in the transcript.
func expectNoPassword(t *testing.T, got replayed) {
	t.Helper()
	out, err := json.Marshal(struct {
		Results    map[StageID]Result
		Transcript []Exchange
	}{got.results, got.session.Transcript()})
	if err != nil {
		t.Fatal(err)
	}
	text := string(out) + fmt.Sprintf("%+v %#v", got.results, got.results)
	if i := strings.Index(text, replayPassword); i >= 0 {
		t.Errorf("the password shows in the results or the transcript, after %q", text[max(0, i-60):i])
	}
}

// commands lists the commands of exchanges, greeting as "".
func commands(exs []Exchange) []string {
	out := make([]string, len(exs))
	for i, ex := range exs {
		out[i] = ex.Command
	}
	return out
}
