package app

import "testing"

func TestParseMemoryLimit(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"536870912\n", 512 << 20, true},    // v2 or v1, a real limit
		{"max\n", 0, false},                 // v2: none
		{"9223372036854771712\n", 0, false}, // v1: none (page-rounded MaxInt64)
		{"0", 0, false},
		{"", 0, false},
	} {
		got, ok := parseMemoryLimit(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseMemoryLimit(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// The tuner's heap floor is heapFloor, except in a container too small for it.
func TestTunedHeapFloor(t *testing.T) {
	for _, tt := range []struct {
		limit   int64
		limited bool
		want    uint64
	}{
		{0, false, heapFloor},            // no container limit
		{1 << 30, true, heapFloor},       // 1 GiB: a quarter is above the floor
		{128 << 20, true, 32 << 20},      // 128 MiB: a quarter
		{heapFloor * 4, true, heapFloor}, // exactly four floors
	} {
		if got := tunedHeapFloor(tt.limit, tt.limited); got != tt.want {
			t.Errorf("tunedHeapFloor(%d, %v) = %d, want %d", tt.limit, tt.limited, got, tt.want)
		}
	}
}
