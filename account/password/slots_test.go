package password

import (
	"context"
	"errors"
	"testing"
	"time"
)

// A caller whose context ends while every hashing slot is busy gives up instead of queueing:
// a burst of abandoned logins must not keep the server hashing for clients that are gone.
func TestHashingWaitsForASlotOnlyWhileTheCallerIsThere(t *testing.T) {
	h := NewHasher(Params{MemoryKiB: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32})
	var busy []*slot
	for range cap(h.slots) { // every slot busy
		busy = append(busy, <-h.slots)
	}
	waiting := make(chan struct{}, 3)
	h.waiting = func() { waiting <- struct{}{} }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 3)
	go func() { _, err := h.HashContext(ctx, "pw"); done <- err }()
	go func() { _, err := h.VerifyContext(ctx, "pw", h.dummy); done <- err }()
	go func() { done <- h.VerifyAgainstDummyContext(ctx, "pw") }()
	for range 3 { // all three are waiting for a slot
		<-waiting
	}
	cancel() // without the context, they would wait forever and the test would time out
	for range 3 {
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
	}
	for _, m := range busy {
		h.slots <- m
	}
	if _, err := h.HashContext(context.Background(), "pw"); err != nil {
		t.Fatalf("with a free slot: %v", err)
	}
}

// A slot keeps its working memory while hashes keep coming and gives it back once it has been
// idle for keepMemoryFor; a computation after that grows it again and still gives the same hash.
func TestIdleSlotsGiveBackTheirMemory(t *testing.T) {
	const kib = 64
	h := NewHasher(Params{MemoryKiB: kib, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32})
	h.release.Stop()    // the test calls releaseIdle itself, at the times it sets
	start := time.Now() // after the dummy hash NewHasher made
	clock := start
	h.now = func() time.Time { return clock }
	encoded, err := h.Hash("pw") // the slot it ran in is used at clock
	if err != nil {
		t.Fatal(err)
	}
	held := func() (n int) {
		for range cap(h.slots) {
			s := <-h.slots
			n += s.mem.Bytes()
			defer func() { h.slots <- s }()
		}
		return n
	}
	for _, tc := range []struct {
		after time.Duration
		want  int // bytes held by all slots together
	}{
		{keepMemoryFor - time.Millisecond, kib << 10}, // the dummy hash's slot and ours may be one
		{keepMemoryFor, 0},
	} {
		clock = start.Add(tc.after)
		h.releaseIdle()
		if got := held(); got < tc.want || (tc.want == 0 && got != 0) {
			t.Fatalf("%v after the last hash: slots hold %d bytes, want %d", tc.after, got, tc.want)
		}
	}
	if ok, err := h.Verify("pw", encoded); err != nil || !ok {
		t.Fatalf("after the memory was given back: Verify = %v, %v; want true", ok, err)
	}
	if held() != kib<<10 {
		t.Fatalf("the slot that verified holds %d bytes, want %d", held(), kib<<10)
	}
}
