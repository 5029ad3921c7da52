package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/accountd/accountd/mail/mailtest"
)

// result is one measured flow.
type result struct {
	flow       flow
	rps        float64
	p50, p99   time.Duration
	errors     int64
	statuses   map[string]int64
	requests   int64
	cpuPerReq  time.Duration // server process CPU (user+system) per request
	pgPerReq   time.Duration // PostgreSQL's processes' CPU per request
	sinkPerReq time.Duration // this process's CPU per request: the SMTP server receiving the mail
	backlog    int           // mails still queued when the run ended
	drain      time.Duration // how long delivering them took
	machine    float64       // share of the whole machine busy during the run (0..1)
	peakRSSKB  int64         // server peak RSS during the measured run
	ratio      float64       // rps / its floor's rate
	err        error
}

// measure runs one flow against s: warm-up, then the measured run, reading the server's CPU and
// peak RSS from /proc around it.
func measure(ctx context.Context, o *options, s *server, f flow) (result, error) {
	return measureProfiled(ctx, o, s, f, nil)
}

// measureProfiled is measure, taking the server's profiles of the measured run when p is set.
func measureProfiled(ctx context.Context, o *options, s *server, f flow, p *profiler) (result, error) {
	res := result{flow: f}
	conns := f.conns
	if conns == 0 {
		conns = o.conns
	}
	script := filepath.Join(o.lua, "flow.lua")
	if f.plain {
		script = filepath.Join(o.lua, "plain.lua")
	}
	var headers []string
	for name, v := range f.headers {
		headers = append(headers, name+": "+v)
	}
	env := []string{"BENCH_METHOD=" + f.method, "BENCH_PATH=" + f.path, "BENCH_CTYPE=" + f.ctype,
		"BENCH_BODY=" + f.body, "BENCH_HEADERS=" + strings.Join(headers, "\n"), "BENCH_ROWS=" + f.rows}
	if f.once {
		env = append(env, "BENCH_ONCE=1")
	}
	url := s.base + "/" // flow.lua writes the request line itself
	if f.plain {
		url = s.base + f.path
	}
	w := wrkRun{url: url, script: script, conns: conns, threads: o.threads}
	if !f.once { // single-use rows are not spent on a warm-up
		w.duration = o.warmup
		w.env = append(env, fmt.Sprintf("BENCH_STAMP=w%d", time.Now().UnixNano()))
		if _, err := w.run(ctx); err != nil {
			return res, err
		}
	}
	// The peak RSS window starts after the warm-up: memory an earlier flow (or the seeding's
	// logins) left for the scavenger to return is not this flow's.
	if err := resetPeakRSS(s.pid()); err != nil {
		return res, err
	}
	before, err := takeCPU(s.pid())
	if err != nil {
		return res, err
	}
	w.duration = o.duration
	w.env = append(env, fmt.Sprintf("BENCH_STAMP=m%d", time.Now().UnixNano()))
	profiled := func() error { return nil }
	if p != nil {
		profiled = p.during(ctx, f, o.duration)
	}
	r, err := w.run(ctx)
	if perr := profiled(); err == nil && perr != nil {
		err = fmt.Errorf("profile: %w", perr)
	}
	if err != nil {
		return res, err
	}
	after, err := takeCPU(s.pid())
	if err != nil {
		return res, err
	}
	res.peakRSSKB, _ = statusKB(s.pid(), "VmHWM")
	res.rps, res.p50, res.p99 = r.rps(), time.Duration(r.P50US)*time.Microsecond, time.Duration(r.P99US)*time.Microsecond
	if f.once { // wrk's latency histogram mixes in the fillers: not this flow's
		res.p50, res.p99 = 0, 0
	}
	res.errors, res.statuses, res.requests = r.errors(), r.Statuses, r.Requests
	// A single-use flow's window also holds the filler requests its connections send while the
	// last rows are answered, so neither latency nor CPU per request is measured there (zero
	// prints as "-"); its rate is taken over the rows' own answers (flow.lua).
	if r.Requests > 0 && !f.once {
		n := time.Duration(r.Requests)
		res.cpuPerReq = (after.server - before.server) / n
		res.pgPerReq = (after.postgres - before.postgres) / n
		res.sinkPerReq = (after.sink - before.sink) / n
	}
	if after.total > before.total {
		res.machine = float64(after.busy-before.busy) / float64(after.total-before.total)
	}
	return res, nil
}

// servedVendors reads the tags of the served openapi.json: a vendor's flows run only when the
// build under test has it.
func servedVendors(base string) (map[string]bool, error) {
	var doc struct {
		Tags []struct{ Name string } `json:"tags"`
	}
	if err := call("GET", base+"/openapi.json", "", "", nil, 200, &doc); err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, t := range doc.Tags {
		out[t.Name] = true
	}
	return out, nil
}

// benchAccountd starts accountd on a throwaway database with a real SMTP server, seeds every
// vendor and measures its flows.
func benchAccountd(ctx context.Context, o *options, stamp string, rep *report) ([]result, error) {
	name := "loadbench_" + stamp
	dbURL, err := createDB(ctx, o, name)
	if err != nil {
		return nil, err
	}
	defer dropDB(o, name)
	smtp, err := mailtest.Listen("127.0.0.1:0", nil)
	if err != nil {
		return nil, err
	}
	defer smtp.Close()
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	env := []string{
		"ACCOUNTD_ADDR=" + addr,
		"ACCOUNTD_DATABASE_URL=" + dbURL,
		"ACCOUNTD_SECRET=" + randomSecret(),
		"ACCOUNTD_SMTP_URL=" + smtp.URL(),
		"ACCOUNTD_PUBLIC_URL=http://" + addr,
		// One mail per flow and account per request, as GoTrue's anchor set GOTRUE_SMTP_MAX_FREQUENCY=1ns:
		// the per-account cooldown and hourly cap would otherwise turn the runs into 429s.
		"ACCOUNTD_CODE_COOLDOWN=1ms",
		"ACCOUNTD_CODES_PER_HOUR=1000000000",
		// Development mode only lets recaptcha go unchecked (no siteverify call per request),
		// as GoTrue's anchor ran with captcha off; mail still goes over SMTP.
		"ACCOUNTD_DEV=true",
	}
	var prof *profiler
	if o.profile {
		debugAddr, err := freeAddr()
		if err != nil {
			return nil, err
		}
		env = append(env, "ACCOUNTD_DEBUG_ADDR="+debugAddr)
		prof = &profiler{base: "http://" + debugAddr, dir: o.work}
	}
	env = append(env, o.serverEnv...)
	if _, err := operator(ctx, o.accountd, env, "migrate"); err != nil {
		return nil, err
	}
	s, err := startProcess(ctx, o.accountd, []string{"serve"}, env, filepath.Join(o.work, "accountd.log"), addr, "/healthz")
	if err != nil {
		return nil, err
	}
	defer s.stop()
	rep.idleRSSKB, _ = statusKB(s.pid(), "VmRSS")
	e := &benchEnv{o: o, env: env, base: s.base, work: o.work, stamp: stamp, smtp: smtp}
	served, err := servedVendors(s.base)
	if err != nil {
		return nil, err
	}
	floors := map[string]floor{}
	for _, f := range rep.floors {
		floors[f.key] = f
	}
	var out []result
	for _, v := range vendorSeeds {
		if !served[v.vendor] {
			log.Printf("%s: not in this build's openapi.yaml, skipped", v.vendor)
			rep.missing = append(rep.missing, v.vendor)
			continue
		}
		start := time.Now()
		flows, err := v.seed(ctx, e)
		if err != nil {
			return out, fmt.Errorf("seed %s: %w", v.vendor, err)
		}
		log.Printf("%s: seeded in %s", v.vendor, time.Since(start).Round(time.Millisecond))
		for _, f := range flows {
			if o.flows != nil && !o.flows.MatchString(f.vendor+" "+f.name) {
				continue
			}
			log.Printf("%s %s", f.vendor, f.name)
			if f.prepare != nil {
				if err := f.prepare(ctx); err != nil { // recorded as this flow's failure; the others go on
					log.Printf("  %v", err)
					out = append(out, result{flow: f, err: err})
					continue
				}
			}
			r, err := measureProfiled(ctx, o, s, f, prof)
			if err != nil {
				r.err = err
				log.Printf("  %v", err)
			}
			if fl, ok := floors[f.floor]; ok && fl.rate > 0 {
				r.ratio = r.rps / fl.rate
			}
			if r.backlog, r.drain, err = drainOutbox(ctx, dbURL); err != nil {
				return append(out, r), fmt.Errorf("%s %s: outbox: %w", f.vendor, f.name, err)
			}
			smtp.Reset()
			out = append(out, r)
			if o.soak > 0 && o.soakFlow != nil && o.soakFlow.MatchString(f.vendor+" "+f.name) && rep.soak == nil {
				log.Printf("%s %s: soak for %s", f.vendor, f.name, o.soak)
				sk, err := soak(ctx, o, s, f)
				if err != nil {
					return out, err
				}
				rep.soak = sk
			}
			if ctx.Err() != nil {
				return out, ctx.Err()
			}
		}
	}
	return out, nil
}

// soakResult is the server's resident memory sampled through one long run of a flow.
type soakResult struct {
	flow    flow
	samples []int64 // VmRSS in kB, every soakEvery
	result
}

const soakEvery = 10 * time.Second

// soak runs f for o.soak, sampling the server's resident memory: it must not grow.
func soak(ctx context.Context, o *options, s *server, f flow) (*soakResult, error) {
	so := *o
	so.duration, so.warmup = o.soak, time.Second
	sk := &soakResult{flow: f}
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(soakEvery)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if kb, err := statusKB(s.pid(), "VmRSS"); err == nil {
					sk.samples = append(sk.samples, kb)
				}
			}
		}
	}()
	r, err := measure(ctx, &so, s, f)
	close(done)
	sk.result = r
	return sk, err
}

// drainOutbox waits, after a flow's measured run, until the server has delivered every mail the
// run queued (no pending outbox rows), so the next flow does not pay for this one's mail. It
// returns the backlog found at the end of the run and how long delivering it took: a backlog
// that grows run after run means mail delivery is slower than the requests that queue it.
func drainOutbox(ctx context.Context, dbURL string) (backlog int, took time.Duration, err error) {
	const q = "SELECT count(*) FROM outbox_messages WHERE status = 'pending'"
	start := time.Now()
	deadline := start.Add(5 * time.Minute)
	for first := true; ; first = false {
		v, err := psqlValue(ctx, dbURL, q)
		if err != nil {
			return backlog, time.Since(start), err
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			return backlog, time.Since(start), fmt.Errorf("outbox count %q: %w", v, err)
		}
		if first {
			backlog = n
		}
		if n == 0 {
			return backlog, time.Since(start), nil
		}
		if time.Now().After(deadline) {
			return backlog, time.Since(start), fmt.Errorf("%d mails still pending after %s", n, deadline.Sub(start))
		}
		select {
		case <-ctx.Done():
			return backlog, time.Since(start), ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// cpuSnapshot is the CPU used so far by the server, PostgreSQL and this process (the SMTP
// sink), and the whole machine's busy and total jiffies; a run's figures are two snapshots'
// difference.
type cpuSnapshot struct {
	server, postgres, sink time.Duration
	busy, total            int64
}

func takeCPU(serverPID int) (cpuSnapshot, error) {
	server, err := cpuTime(serverPID)
	if err != nil {
		return cpuSnapshot{}, err
	}
	sink, _ := cpuTime(os.Getpid())
	busy, total := machineCPU()
	return cpuSnapshot{server: server, postgres: postgresCPU(), sink: sink, busy: busy, total: total}, nil
}
