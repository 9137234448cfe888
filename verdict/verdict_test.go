package verdict

import "testing"

func TestExitCode(t *testing.T) {
	cases := []struct {
		name string
		v    Verdict
		code int
	}{
		{"ok_is_0", OK, 0},
		{"warning_is_1", Warning, 1},
		{"critical_is_2", Critical, 2},
		{"unknown_is_3", Unknown, 3},
		{"empty_is_unknown", "", 3},
		{"other_word_is_unknown", "fine", 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.v.ExitCode(); got != tc.code {
				t.Errorf("ExitCode() = %d, want %d", got, tc.code)
			}
			if tc.code < 3 || tc.v == Unknown {
				if back := FromExitCode(tc.code); back != tc.v {
					t.Errorf("FromExitCode(%d) = %q, want %q", tc.code, back, tc.v)
				}
			}
		})
	}
}

func TestWorst(t *testing.T) {
	cases := []struct {
		name string
		in   []Verdict
		want Verdict
	}{
		{"none_is_ok", nil, OK},
		{"warning_beats_ok", []Verdict{OK, Warning, OK}, Warning},
		{"critical_beats_warning", []Verdict{Warning, Critical}, Critical},
		{"unknown_beats_critical", []Verdict{Critical, Unknown, Warning}, Unknown},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Worst(tc.in...); got != tc.want {
				t.Errorf("Worst(%v) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestSeverest(t *testing.T) {
	cases := []struct {
		name string
		in   []Verdict
		want Verdict
	}{
		{"none_is_ok", nil, OK},
		{"warning_beats_ok", []Verdict{OK, Warning, OK}, Warning},
		{"unknown_beats_warning", []Verdict{Warning, Unknown}, Unknown},
		{"critical_beats_unknown", []Verdict{Unknown, Critical, Warning}, Critical},
		{"other_word_is_unknown", []Verdict{Warning, "fine"}, Unknown},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Severest(tc.in...); got != tc.want {
				t.Errorf("Severest(%v) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}
