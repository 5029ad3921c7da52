package httpapi

import (
	"testing"
	"time"
)

// One Retry-After computation for every vendor: whole seconds rounded up (a client that waits
// as told is not refused again), never below 1.
func TestRetryAfterSeconds(t *testing.T) {
	for _, tc := range []struct {
		wait time.Duration
		want int
	}{
		{-time.Second, 1},
		{0, 1},
		{time.Nanosecond, 1},
		{time.Second, 1},
		{time.Second + time.Nanosecond, 2},
		{41200 * time.Millisecond, 42},
		{59600 * time.Millisecond, 60},
		{60 * time.Second, 60},
		{time.Hour - time.Millisecond, 3600},
	} {
		if got := RetryAfterSeconds(tc.wait); got != tc.want {
			t.Errorf("RetryAfterSeconds(%v) = %d, want %d", tc.wait, got, tc.want)
		}
	}
}
