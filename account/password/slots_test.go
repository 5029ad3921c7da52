package password

import (
	"context"
	"errors"
	"testing"

	"github.com/accountd/accountd/account/password/argon2id"
)

// A caller whose context ends while every hashing slot is busy gives up instead of queueing:
// a burst of abandoned logins must not keep the server hashing for clients that are gone.
func TestHashingWaitsForASlotOnlyWhileTheCallerIsThere(t *testing.T) {
	h := NewHasher(Params{MemoryKiB: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32})
	var busy []*argon2id.Memory
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
