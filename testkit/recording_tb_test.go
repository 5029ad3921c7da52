package testkit_test

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// recordingTB stands in for testing.TB where a test needs to observe a failure or a skip instead of
// suffering it. Like the real ones, Fatalf and Skipf end the calling goroutine, so code that may call
// them must run inside run. Methods it does not implement panic through the nil embedded TB, which
// flags a call the test did not expect.
type recordingTB struct {
	testing.TB

	mu       sync.Mutex
	errors   []string
	fatals   []string
	skips    []string
	cleanups []func()
}

func (r *recordingTB) Helper() {}

func (r *recordingTB) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func (r *recordingTB) Fatalf(format string, args ...any) {
	r.mu.Lock()
	r.fatals = append(r.fatals, fmt.Sprintf(format, args...))
	r.mu.Unlock()
	runtime.Goexit()
}

func (r *recordingTB) Skipf(format string, args ...any) {
	r.mu.Lock()
	r.skips = append(r.skips, fmt.Sprintf(format, args...))
	r.mu.Unlock()
	runtime.Goexit()
}

func (r *recordingTB) Cleanup(f func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.cleanups = append(r.cleanups, f)
}

// run calls f with r on a goroutine of its own, so that Fatalf and Skipf can end it, then runs the
// cleanups f registered, last first, as the testing package does.
func (r *recordingTB) run(f func(tb testing.TB)) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(r)
	}()
	<-done
	r.mu.Lock()
	cleanups := r.cleanups
	r.cleanups = nil
	r.mu.Unlock()
	for i := len(cleanups) - 1; i >= 0; i-- {
		cleanups[i]()
	}
}

// outcome summarises what happened, for assertions and failure messages.
func (r *recordingTB) outcome() (kind string, messages []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case len(r.fatals) > 0:
		return "fatal", append([]string(nil), r.fatals...)
	case len(r.skips) > 0:
		return "skip", append([]string(nil), r.skips...)
	case len(r.errors) > 0:
		return "error", append([]string(nil), r.errors...)
	}
	return "ok", nil
}

func (r *recordingTB) String() string {
	kind, messages := r.outcome()
	return kind + ": " + strings.Join(messages, "\n---\n")
}
