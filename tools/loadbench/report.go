package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"sort"
	"strings"
	"text/tabwriter"
	"time"
)

// floor is one of this machine's limits, measured in the same run.
type floor struct {
	key, name, unit string
	rate            float64
	p50, p99        time.Duration
	errors          int64
	cpuPerOp        time.Duration
}

type report struct {
	o                     *options
	started               time.Time
	loadBefore, loadAfter float64
	machine               []string
	floors                []floor
	rows                  []result
	idleRSSKB             int64
	missing               []string // vendors the build under test does not serve
	soak                  *soakResult
}

// machineInfo describes the machine and the versions, for results.md.
func machineInfo(ctx context.Context, o *options) []string {
	first := func(name string, args ...string) string {
		ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		out, err := exec.CommandContext(ctx, name, args...).CombinedOutput()
		if err != nil && len(out) == 0 { // wrk -v prints its version, then usage, and exits 1
			return "unknown"
		}
		line, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
		return line
	}
	cpu := "unknown"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(l, "model name"); ok {
				cpu = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	mem, _ := statusMemTotal()
	pg, _ := psqlValue(ctx, o.adminURL, "SHOW server_version")
	return []string{
		fmt.Sprintf("CPU: %d × %s (GOMAXPROCS %d); memory %s; kernel %s", runtime.NumCPU(), cpu, runtime.GOMAXPROCS(0), mem, first("uname", "-r")),
		fmt.Sprintf("Go %s; PostgreSQL %s (pgbench %s); %s", runtime.Version(), pg, strings.TrimPrefix(first("pgbench", "--version"), "pgbench (PostgreSQL) "), first("wrk", "-v")),
		fmt.Sprintf("accountd commit %s", first("git", "describe", "--always", "--dirty")),
	}
}

func statusMemTotal() (string, error) {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return "", err
	}
	line, _, _ := strings.Cut(string(b), "\n")
	var kb int64
	fmt.Sscanf(strings.TrimPrefix(line, "MemTotal:"), "%d", &kb)
	return fmt.Sprintf("%.0f GiB", float64(kb)/(1<<20)), nil
}

func ms(d time.Duration) string {
	switch {
	case d == 0:
		return "-"
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.2f ms", float64(d)/1e6)
	default:
		return fmt.Sprintf("%.0f ms", float64(d)/1e6)
	}
}

func statusList(m map[string]int64) string {
	if len(m) == 0 {
		return ""
	}
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s×%d", k, m[k]))
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

func (r *report) header() string {
	return fmt.Sprintf("%s; load average %.2f before, %.2f after; %s warm-up, %s measured per flow; wrk -t%d -c%d (-c%d for resets), pgbench -c%d -j2 -M prepared",
		r.started.Format("2006-01-02 15:04 UTC"), r.loadBefore, r.loadAfter, r.o.warmup, r.o.duration, r.o.threads, r.o.conns, r.o.resetConns, r.o.conns)
}

// print writes the plain table to w.
func (r *report) print(w io.Writer) {
	fmt.Fprintln(w, r.header())
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "flow\trps\tp50\tp99\terrors\tCPU/req\tPG CPU/req\tsink CPU/req\tbusy\tpeak RSS\tmail backlog\tfloor\tratio\t")
	for _, f := range r.floors {
		fmt.Fprintf(tw, "%s\t%.0f %s\t%s\t%s\t%d\t%s\t\t\t\t\t\t\t\t\n", f.name, f.rate, f.unit, ms(f.p50), ms(f.p99), f.errors, ms(f.cpuPerOp))
	}
	for _, x := range r.rows {
		if x.err != nil {
			fmt.Fprintf(tw, "%s %s\tFAILED: %v\t\t\t\t\t\t\t\t\t\t\t\t\n", x.flow.vendor, x.flow.name, x.err)
			continue
		}
		fmt.Fprintf(tw, "%s %s\t%.0f\t%s\t%s\t%d%s\t%s\t%s\t%s\t%.0f%%\t%d MB\t%s\t%s\t%.2f\t\n", x.flow.vendor, x.flow.name, x.rps, ms(x.p50), ms(x.p99),
			x.errors, statusList(x.statuses), ms(x.cpuPerReq), ms(x.pgPerReq), ms(x.sinkPerReq), 100*x.machine, x.peakRSSKB/1024, backlogText(x), x.flow.floor, x.ratio)
	}
	tw.Flush()
	if line := r.soakLine(); line != "" { // a run without -results keeps its soak too
		fmt.Fprintln(w, line)
	}
}

const (
	beginMarker = "<!-- loadbench:begin (written by `make bench`; edit outside the markers) -->"
	endMarker   = "<!-- loadbench:end -->"
)

// markdown renders the run as results.md's generated section.
func (r *report) markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Run: %s.\n\n", r.header())
	for _, m := range r.machine {
		fmt.Fprintf(&b, "- %s\n", m)
	}
	fmt.Fprintf(&b, "- accountd resident memory after start, before load: %d MB\n\n", r.idleRSSKB/1024)
	b.WriteString("| floor | rate | p50 | p99 | errors | CPU per op |\n|---|---|---|---|---|---|\n")
	for _, f := range r.floors {
		fmt.Fprintf(&b, "| %s | %.0f %s | %s | %s | %d | %s |\n", f.name, f.rate, f.unit, ms(f.p50), ms(f.p99), f.errors, ms(f.cpuPerOp))
	}
	if len(r.missing) > 0 {
		fmt.Fprintf(&b, "\nNot covered (not in this build's openapi.yaml): %s.\n", strings.Join(r.missing, ", "))
	}
	b.WriteString("\n| vendor | flow | rps | p50 | p99 | errors | server CPU/request | PostgreSQL CPU/request | SMTP server CPU/request | machine busy | peak RSS | mail backlog at end (delivered in) | floor | ratio to floor |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n")
	for _, x := range r.rows {
		if x.err != nil {
			fmt.Fprintf(&b, "| %s | %s | failed: %s | | | | | | | | | | | |\n", x.flow.vendor, x.flow.name, strings.ReplaceAll(x.err.Error(), "|", "/"))
			continue
		}
		conns := ""
		if x.flow.conns != 0 {
			conns = fmt.Sprintf(" (c=%d)", x.flow.conns)
		}
		fmt.Fprintf(&b, "| %s | %s%s | %.0f | %s | %s | %d%s | %s | %s | %s | %.0f%% | %d MB | %s | %s | **%.2f** |\n", x.flow.vendor, x.flow.name, conns,
			x.rps, ms(x.p50), ms(x.p99), x.errors, statusList(x.statuses), ms(x.cpuPerReq), ms(x.pgPerReq), ms(x.sinkPerReq), 100*x.machine, x.peakRSSKB/1024,
			backlogText(x), x.flow.floor, x.ratio)
	}
	if line := r.soakLine(); line != "" {
		fmt.Fprintf(&b, "\n%s\n", line)
	}
	return b.String()
}

// soakLine describes the soak's RSS samples ("" when there was no soak).
func (r *report) soakLine() string {
	sk := r.soak
	if sk == nil || len(sk.samples) == 0 {
		return ""
	}
	first, last, max := sk.samples[0], sk.samples[len(sk.samples)-1], int64(0)
	var parts []string
	for _, v := range sk.samples {
		if v > max {
			max = v
		}
		parts = append(parts, fmt.Sprint(v/1024))
	}
	return fmt.Sprintf("Soak: %s %s for %s at %.0f rps (%d errors): server RSS every %s, MB: %s (first %d, last %d, max %d).",
		sk.flow.vendor, sk.flow.name, r.o.soak, sk.rps, sk.errors, soakEvery, strings.Join(parts, " "), first/1024, last/1024, max/1024)
}

// writeMarkdown replaces the generated section of path (or appends one).
func (r *report) writeMarkdown(path string) error {
	old, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	section := beginMarker + "\n" + r.markdown() + endMarker
	s := string(old)
	i, j := strings.Index(s, beginMarker), strings.Index(s, endMarker)
	if i >= 0 && j > i {
		s = s[:i] + section + s[j+len(endMarker):]
	} else {
		s += "\n" + section + "\n"
	}
	return os.WriteFile(path, []byte(s), 0o644)
}

// backlogText is the mail backlog a run left and how long it took to deliver.
func backlogText(x result) string {
	if x.backlog == 0 {
		return "0"
	}
	return fmt.Sprintf("%d (%.1f s)", x.backlog, x.drain.Seconds())
}
