package target

import "testing"

func TestSize(t *testing.T) {
	tests := []struct {
		in   string
		want int64 // 0: an error
	}{
		{"4MiB", 4 << 20}, {"512KB", 512000}, {"65536", 65536}, {"1 GiB", 1 << 30}, {"100B", 100},
		{"0", 0}, {"-1", 0}, {"2GiB", 0}, {"4 megs", 0}, {"", 0}, {"9999999999999999999", 0},
	}
	for _, tc := range tests {
		got, err := Size(tc.in)
		if got != tc.want || (err != nil) != (tc.want == 0) {
			t.Errorf("Size(%q) = %d, %v; want %d", tc.in, got, err, tc.want)
		}
	}
}
