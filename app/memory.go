package app

import (
	"os"
	"runtime"
	"runtime/debug"

	"github.com/accountd/accountd/account/password"
)

// baseMemory is what the server needs besides password hashing (the parsed spec, pools, the
// buffers of a few hundred requests in flight), with room to spare.
const baseMemory = 48 << 20

// DefaultMemoryLimit is the Go runtime's soft memory limit when GOMEMLIMIT is not set:
// baseMemory plus one argon2id buffer per hashing slot (one slot per core, see
// password.NewHasher), 86 MiB on two cores.
//
// Each password hash allocates MemoryKiB (19 MiB) that is garbage the moment it ends, and with
// the default GC pacing (GOGC=100) the heap grows to twice its peak before collecting, so a
// login burst would keep several hashes' worth of dead buffers resident. Under this limit the
// collector runs sooner instead (cheap: the buffers hold no pointers) and the scavenger gives
// memory back, which keeps a replica inside a small container. The limit is soft: live memory
// above it is never refused, only collected harder; it scales with the cores so that the
// hashing slots' live buffers always fit under it. GOMEMLIMIT (e.g. 512MiB, or "off") overrides it.
func DefaultMemoryLimit() int64 {
	return baseMemory + int64(runtime.GOMAXPROCS(0))*int64(password.DefaultParams.MemoryKiB)<<10
}

// LimitMemory applies DefaultMemoryLimit unless GOMEMLIMIT is set. `accountd serve` calls it
// at start; tests leave the runtime alone.
func LimitMemory() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(DefaultMemoryLimit())
	}
}

// ReleaseStartupMemory returns what building the server used once (parsing openapi.yaml,
// the dummy password hash) to the operating system, so the resident set starts small.
func ReleaseStartupMemory() { debug.FreeOSMemory() }
