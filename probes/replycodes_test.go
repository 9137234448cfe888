package probes

import "testing"

// TestClassOf checks the class of each kind of reply, and of no reply.
func TestClassOf(t *testing.T) {
	for code, want := range map[int]ReplyClass{0: 0, ReplyOpening: ReplyPreliminary, ReplyTransferDone: ReplyCompletion,
		ReplyNeedPassword: ReplyIntermediate, ReplyUnavailable: ReplyTransient, ReplyNotLoggedIn: ReplyPermanent} {
		if got := ClassOf(code); got != want {
			t.Errorf("ClassOf(%d) = %d, want %d", code, got, want)
		}
	}
}
