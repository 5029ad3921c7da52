package httpapi

import (
	"context"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"
)

// At most n requests are inside at once; the next waits before its handler runs, enters when a
// slot frees, and one whose client goes away while waiting is dropped without entering.
func TestActiveLimitLetsNInAtOnce(t *testing.T) {
	l := NewActiveLimit(2)
	entered, release := make(chan string, 4), make(chan struct{})
	h := l.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		entered <- r.URL.Path
		<-release
		w.WriteHeader(http.StatusNoContent)
	}))
	serve := func(ctx context.Context, path string) chan int {
		done := make(chan int, 1)
		go func() {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequestWithContext(ctx, "GET", path, nil))
			done <- rec.Code
		}()
		return done
	}
	first, second := serve(context.Background(), "/1"), serve(context.Background(), "/2")
	<-entered
	<-entered
	gone, leave := context.WithCancel(context.Background())
	dropped := serve(gone, "/gone")
	third := serve(context.Background(), "/3")
	for l.Waiting() != 2 {
		runtime.Gosched()
	}
	if got := l.Active(); got != 2 {
		t.Fatalf("active = %d, want 2", got)
	}
	leave()
	if code := <-dropped; code != http.StatusOK { // the recorder's default: nothing was written
		t.Errorf("a request dropped while waiting was answered %d", code)
	}
	release <- struct{}{} // one of the first two finishes; /3 takes its slot
	if path := <-entered; path != "/3" {
		t.Errorf("entered %s, want /3", path)
	}
	close(release)
	for _, done := range []chan int{first, second, third} {
		if code := <-done; code != http.StatusNoContent {
			t.Errorf("answer %d, want 204", code)
		}
	}
	if l.Active() != 0 || l.Waiting() != 0 {
		t.Errorf("after: active %d, waiting %d", l.Active(), l.Waiting())
	}
}
