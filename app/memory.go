package app

import (
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"

	"github.com/bytedance/gopkg/util/gctuner"
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

// heapFloor is the heap the collector may grow to before it collects, however small the live
// heap: while the live heap is under it, GOGC is raised so that the next collection comes at
// about heapFloor (gctuner, between DefaultGCPercent and 500); above it, GOGC stays at
// DefaultGCPercent. A request makes ~1,000 small allocations, and the server's live heap at rest
// is ~10 MB (the parsed spec, templates, pools): at GOGC=50 the collector ran every 5 MB of
// allocation, which cost the email-change requests a fifth of their rate once the hashing slots
// stopped holding 38 MB between logins (that memory had kept the goal high). The floor gives
// the collector room at light load and changes nothing at 1,024+ connections, where the live
// heap is above it (load benchmark, bench/results.md).
const heapFloor = 64 << 20

// containerShare is the part of a container's memory limit given to the Go runtime as its
// soft limit; the rest is for what the runtime does not count (binary, C stacks, page cache).
const containerShare = 0.9

// LimitMemory sets the collector's pacing for a server: GOGC=DefaultGCPercent unless GOGC is
// set, raised while the live heap is under heapFloor (the tuner re-reads the heap after every
// collection), and, unless GOMEMLIMIT is set, a soft memory limit of 90% of the container's memory
// limit when the process runs under one (cgroup v2 memory.max, or v1 memory.limit_in_bytes), so
// the collector works harder before the kernel would kill the process. Without a container
// limit none is set: a soft limit close to the live heap makes the collector run back to back.
// `accountd serve` calls it at start (cmd/accountd's tests, which run serve, start the tuner once).
func LimitMemory() {
	limit, limited := containerMemoryLimit()
	if os.Getenv("GOGC") == "" {
		startTuner.Do(func() {
			debug.SetGCPercent(DefaultGCPercent)
			gctuner.SetMinGCPercent(DefaultGCPercent)
			gctuner.Tuning(tunedHeapFloor(limit, limited))
		})
	}
	if os.Getenv("GOMEMLIMIT") == "" && limited {
		debug.SetMemoryLimit(int64(float64(limit) * containerShare))
	}
}

// startTuner starts the GC tuner once per process. gctuner keeps its settings in package
// variables that its finalizer goroutine reads without synchronisation after every collection,
// so they may be written only before it starts (a second `serve` in one process, as in the
// tests, raced with it).
var startTuner sync.Once

// tunedHeapFloor is heapFloor, or a quarter of a container's memory limit when that is smaller:
// the floor is for speed at light load and must stay far below what the container allows.
func tunedHeapFloor(limit int64, limited bool) uint64 {
	if limited && limit/4 < heapFloor {
		return uint64(limit / 4)
	}
	return heapFloor
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
