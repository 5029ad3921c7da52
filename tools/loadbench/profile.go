package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// profiler takes the server's own CPU and allocation profiles during a measured run, from the
// debug listener (ACCOUNTD_DEBUG_ADDR) that -profile turns on. Profiling costs the server a
// few percent, so profiled runs are for finding what limits a flow, not for the results table.
type profiler struct {
	base string // http://127.0.0.1:PORT of the debug listener
	dir  string
}

// during fetches a CPU profile and an allocation delta over d (the measured run's length,
// less a second so both end inside it) into dir/<flow>.{cpu,allocs}.pprof, and the heap and
// goroutines halfway through into dir/<flow>.{heap,goroutine}.pprof (and the runtime's MemStats, .memstats.txt), in the background; wait
// returns their errors.
func (p *profiler) during(ctx context.Context, f flow, d time.Duration) (wait func() error) {
	secs := max(int((d-time.Second)/time.Second), 1)
	name := fileName(f.vendor + " " + f.name)
	errs := make(chan error, 3)
	for _, kind := range []string{"profile", "allocs"} {
		go func() {
			out := filepath.Join(p.dir, name+"."+map[string]string{"profile": "cpu", "allocs": "allocs"}[kind]+".pprof")
			errs <- p.fetch(ctx, fmt.Sprintf("%s/debug/pprof/%s?seconds=%d", p.base, kind, secs), out)
		}()
	}
	// Halfway through, what is held: the live heap (as of the last collection) and every
	// goroutine's stack, which is where memory goes at thousands of connections.
	go func() {
		select {
		case <-time.After(d / 2):
		case <-ctx.Done():
			errs <- ctx.Err()
			return
		}
		errs <- errors.Join(
			p.fetch(ctx, p.base+"/debug/pprof/heap", filepath.Join(p.dir, name+".heap.pprof")),
			p.fetch(ctx, p.base+"/debug/pprof/goroutine", filepath.Join(p.dir, name+".goroutine.pprof")),
			p.fetch(ctx, p.base+"/debug/pprof/heap?debug=1", filepath.Join(p.dir, name+".memstats.txt")))
	}()
	return func() error { return errors.Join(<-errs, <-errs, <-errs) }
}

func (p *profiler) fetch(ctx context.Context, url, out string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("%s: %s: %s", url, resp.Status, b)
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

var unsafeName = regexp.MustCompile(`[^a-z0-9]+`)

// fileName turns a flow's "vendor name" into a file name: "payway-request-email-change".
func fileName(s string) string {
	return strings.Trim(unsafeName.ReplaceAllString(strings.ToLower(s), "-"), "-")
}
