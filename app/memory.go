package app

import (
	"os"
	"runtime/debug"
	"strconv"
	"strings"
)

// DefaultGCPercent is the garbage collector's target (GOGC) when GOGC is not set: the heap may
// grow 50% over what is live before a collection, where Go's default is 100%.
//
// Each password hash allocates 19 MiB (argon2id, x/crypto) that is garbage the moment it ends.
// At GOGC=100 a login burst kept a live heap's worth of dead buffers resident (167 MB peak under
// login load); at 50 the peak is ~130 MB for the same throughput; at 25 the collector and the
// re-zeroing of returned memory cost a fifth of the login rate. A fixed soft memory limit near
// the live heap (the previous default, 86 MiB on two cores) was worse: the runtime collected
// back to back, scanning every goroutine's stack each time, and the unknown-address reset at
// 2,048 connections fell from ~4,200 to ~1,500 rps. (Load benchmark, bench/results.md.)
const DefaultGCPercent = 50

// containerShare is the part of a container's memory limit given to the Go runtime as its
// soft limit; the rest is for what the runtime does not count (binary, C stacks, page cache).
const containerShare = 0.9

// LimitMemory sets the collector's pacing for a server: GOGC=DefaultGCPercent unless GOGC is
// set, and, unless GOMEMLIMIT is set, a soft memory limit of 90% of the container's memory
// limit when the process runs under one (cgroup v2 memory.max, or v1 memory.limit_in_bytes), so
// the collector works harder before the kernel would kill the process. Without a container
// limit none is set: a soft limit close to the live heap makes the collector run back to back.
// `accountd serve` calls it at start; tests leave the runtime alone.
func LimitMemory() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(DefaultGCPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		if limit, ok := containerMemoryLimit(); ok {
			debug.SetMemoryLimit(int64(float64(limit) * containerShare))
		}
	}
}

// containerMemoryLimit reads the memory limit of the process's cgroup, if it has a finite one.
func containerMemoryLimit() (int64, bool) {
	for _, path := range []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"} {
		b, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		return parseMemoryLimit(string(b))
	}
	return 0, false
}

// parseMemoryLimit reads a cgroup memory limit: a byte count, "max" (v2) or, in v1, a number so
// large that it means no limit.
func parseMemoryLimit(s string) (int64, bool) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n <= 0 || n >= 1<<50 {
		return 0, false
	}
	return n, true
}

// ReleaseStartupMemory returns what building the server used once (parsing openapi.yaml,
// the dummy password hash) to the operating system, so the resident set starts small.
func ReleaseStartupMemory() { debug.FreeOSMemory() }
