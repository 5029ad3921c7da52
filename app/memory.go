package app

import (
	"os"
	"runtime/debug"
)

// DefaultMemoryLimit is the Go runtime's soft memory limit when GOMEMLIMIT is not set. Each
// password hash allocates 19 MiB that is garbage the moment it ends, and with the default GC
// pacing (GOGC=100) the heap grows to twice its peak before collecting, so a login burst
// would hold several hashes' worth of dead buffers. Under this limit the collector runs
// sooner instead (cheap: the buffers hold no pointers) and the scavenger gives memory back,
// which keeps a replica inside a small container. It is soft: live memory above it is never
// refused, only collected harder. GOMEMLIMIT (e.g. GOMEMLIMIT=512MiB, or "off") overrides it.
const DefaultMemoryLimit = 96 << 20

// LimitMemory applies DefaultMemoryLimit unless GOMEMLIMIT is set. `accountd serve` calls it
// at start; tests leave the runtime alone.
func LimitMemory() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(DefaultMemoryLimit)
	}
}

// ReleaseStartupMemory returns what building the server used once (parsing openapi.yaml,
// the dummy password hash) to the operating system, so the resident set starts small.
func ReleaseStartupMemory() { debug.FreeOSMemory() }
