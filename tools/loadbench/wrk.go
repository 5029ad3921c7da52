package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"
)

// wrkResult is what bench/lua/*.lua print in their done() hook.
type wrkResult struct {
	Requests   int64            `json:"requests"`
	DurationUS int64            `json:"duration_us"`
	P50US      int64            `json:"p50_us"`
	P99US      int64            `json:"p99_us"`
	MeanUS     float64          `json:"mean_us"`
	Connect    int64            `json:"connect"`
	Read       int64            `json:"read"`
	Write      int64            `json:"write"`
	Status     int64            `json:"status"`
	Timeout    int64            `json:"timeout"`
	Non2xx     int64            `json:"non2xx"`
	Statuses   map[string]int64 `json:"statuses"`
}

func (r wrkResult) rps() float64 {
	if r.DurationUS == 0 {
		return 0
	}
	return float64(r.Requests) / (float64(r.DurationUS) / 1e6)
}

// errors counts what a client would call a failure: non-2xx answers and socket errors.
func (r wrkResult) errors() int64 {
	return r.Non2xx + r.Connect + r.Read + r.Write + r.Timeout
}

// wrkRun is one bounded wrk invocation.
type wrkRun struct {
	url      string
	script   string   // bench/lua/flow.lua or plain.lua
	env      []string // BENCH_* settings for flow.lua
	conns    int
	threads  int
	duration time.Duration
}

// run starts wrk and parses its BENCHJSON line. wrk stops itself after duration; the context
// bounds it in case it hangs.
func (w wrkRun) run(ctx context.Context) (wrkResult, error) {
	ctx, cancel := context.WithTimeout(ctx, w.duration+30*time.Second)
	defer cancel()
	secs := int(w.duration.Round(time.Second) / time.Second)
	if secs < 1 {
		secs = 1
	}
	cmd := exec.CommandContext(ctx, "wrk", "-t", fmt.Sprint(w.threads), "-c", fmt.Sprint(w.conns),
		"-d", fmt.Sprintf("%ds", secs), "--latency", "--timeout", "10s", "-s", w.script, w.url)
	cmd.Env = append(os.Environ(), append(w.env, fmt.Sprintf("BENCH_THREADS=%d", w.threads))...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return wrkResult{}, fmt.Errorf("wrk %s: %v: %s", w.url, err, strings.TrimSpace(errb.String()+out.String()))
	}
	for _, line := range strings.Split(out.String(), "\n") {
		if js, ok := strings.CutPrefix(line, "BENCHJSON "); ok {
			var r wrkResult
			if err := json.Unmarshal([]byte(js), &r); err != nil {
				return wrkResult{}, fmt.Errorf("wrk output %q: %w", js, err)
			}
			return r, nil
		}
	}
	return wrkResult{}, fmt.Errorf("wrk printed no BENCHJSON line: %s", out.String())
}
