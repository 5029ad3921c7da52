// Package password hashes account passwords with argon2id and checks new
// passwords the way Django's default AUTH_PASSWORD_VALIDATORS do, with
// Django's own English messages (see Validate).
package password

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/accountd/accountd/account/password/argon2id"
)

// MaxPasswordBytes is the longest input Hash accepts (a guard against
// denial of service through huge inputs). Verify treats longer inputs as a
// wrong password without hashing them.
const MaxPasswordBytes = 4096

// Limits on the cost parameters accepted in Params and in stored hashes.
// They only reject absurd values (which would exhaust memory or make
// x/crypto/argon2 panic); real parameters are far below them.
const (
	maxMemoryKiB   = 4 << 20 // 4 GiB
	maxIterations  = 1 << 10
	maxSaltLength  = 1024
	maxKeyLength   = 1024
	minKeyLength   = 4 // RFC 9106: tag length is at least 4 bytes
	minSaltLength  = 1 // stored hashes; Params itself requires minParamsSalt
	minParamsSalt  = 8 // RFC 9106 minimum for newly created hashes
	dummyPlaintext = "accountd: dummy password used to equalise login timing"
)

// ErrPasswordTooLong is returned by Hash for inputs over MaxPasswordBytes.
var ErrPasswordTooLong = fmt.Errorf("password: input longer than %d bytes", MaxPasswordBytes)

// ErrMalformedHash is returned (wrapped) by Verify when the stored hash is
// not a well-formed "$argon2id$v=19$m=..,t=..,p=..$salt$key" string.
var ErrMalformedHash = errors.New("password: malformed argon2id hash")

// Params are argon2id costs. DefaultParams follows OWASP's password storage
// cheat sheet (m=19456 KiB, t=2, p=1) with a 16-byte salt and a 32-byte key.
type Params struct {
	MemoryKiB   uint32 // m, in KiB
	Iterations  uint32 // t
	Parallelism uint8  // p
	SaltLength  uint32 // bytes of random salt
	KeyLength   uint32 // bytes of derived key
}

// DefaultParams are the production costs.
var DefaultParams = Params{
	MemoryKiB:   19456,
	Iterations:  2,
	Parallelism: 1,
	SaltLength:  16,
	KeyLength:   32,
}

// Validate reports whether p can be used to create hashes.
func (p Params) Validate() error {
	switch {
	case p.Parallelism < 1:
		return errors.New("password: Parallelism must be at least 1")
	case p.Iterations < 1 || p.Iterations > maxIterations:
		return fmt.Errorf("password: Iterations must be in [1, %d]", maxIterations)
	case p.MemoryKiB < 8*uint32(p.Parallelism) || p.MemoryKiB > maxMemoryKiB:
		return fmt.Errorf("password: MemoryKiB must be in [8*Parallelism, %d]", maxMemoryKiB)
	case p.SaltLength < minParamsSalt || p.SaltLength > maxSaltLength:
		return fmt.Errorf("password: SaltLength must be in [%d, %d]", minParamsSalt, maxSaltLength)
	case p.KeyLength < minKeyLength || p.KeyLength > maxKeyLength:
		return fmt.Errorf("password: KeyLength must be in [%d, %d]", minKeyLength, maxKeyLength)
	}
	return nil
}

// Hasher hashes and verifies passwords with fixed argon2id parameters.
// It is safe for concurrent use. Create one per process: NewHasher computes
// the dummy hash used by VerifyAgainstDummy, which costs one full hash.
//
// Each computation runs in one of a fixed number of slots (one per core), and
// each slot keeps its MemoryKiB of working memory (19 MiB with DefaultParams)
// from one computation to the next while logins keep coming: hashing makes no
// garbage. A slot unused for keepMemoryFor gives its memory back.
type Hasher struct {
	params Params
	dummy  string // a hash of dummyPlaintext made with params
	// slots bounds how many argon2id computations run at once: taking one is taking its
	// working memory (MemoryKiB, 19 MiB by default, kept between computations), so a burst
	// of logins queues rather than exhausts memory; more than one per core gains no
	// throughput anyway.
	slots chan *slot
	// release gives idle slots' memory back: it is armed (keepMemoryFor) each time a slot is
	// returned, so a burst of logins reuses the memory and a quiet server does not hold it.
	release *time.Timer
	now     func() time.Time // time.Now; tests move it
	// waiting, when set (tests), is called when a computation starts waiting for a slot.
	waiting func()
	// queued counts the computations waiting for a slot (metrics: Waiting).
	queued atomic.Int64
}

// idKey runs argon2id in one of the hasher's slots. It waits for a slot only while ctx is
// live: a request whose client has gone does not queue for (or burn) a hash; once started, a
// hash runs to the end (argon2 cannot be interrupted), which bounds the waste to the slots.
func (h *Hasher) idKey(ctx context.Context, plain, salt []byte, t, m uint32, p uint8, keyLen uint32) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var s *slot
	select {
	case s = <-h.slots:
	default: // every slot is busy: wait, but only while the caller is there
		if h.waiting != nil {
			h.waiting()
		}
		h.queued.Add(1)
		select {
		case s = <-h.slots:
			h.queued.Add(-1)
		case <-ctx.Done():
			h.queued.Add(-1)
			return nil, ctx.Err()
		}
	}
	defer h.put(s)
	mem := &s.mem
	if m > h.params.MemoryKiB {
		// A stored hash made with more memory than ours (older, costlier parameters): its
		// memory is not kept, so a slot stays at MemoryKiB.
		mem = &argon2id.Memory{}
	}
	return mem.IDKey(plain, salt, t, m, p, keyLen), nil
}

// keepMemoryFor is how long a slot keeps its working memory after its last computation. A
// login burst reuses it (a hash takes ~20 ms); a server that has stopped hashing gives the
// 19 MiB per slot back within a few seconds, so the memory of other work (a burst of
// resets at thousands of connections) does not sit on top of it. Growing it again costs a
// fresh allocation, what every hash cost before slots kept memory.
const keepMemoryFor = 2 * time.Second

// slot is one hashing slot: its working memory and when it was last used.
type slot struct {
	mem  argon2id.Memory
	used time.Time
}

// put returns s to the free slots and arms the release of idle memory.
func (h *Hasher) put(s *slot) {
	s.used = h.now()
	h.slots <- s
	h.release.Reset(keepMemoryFor)
}

// releaseIdle drops the memory of every free slot unused for keepMemoryFor. A slot in use is
// skipped: returning it arms the release again.
func (h *Hasher) releaseIdle() {
	for range cap(h.slots) {
		select {
		case s := <-h.slots:
			if h.now().Sub(s.used) >= keepMemoryFor {
				s.mem.Release()
			}
			h.slots <- s
		default:
			return
		}
	}
}

// NewHasher returns a Hasher using p. It panics if p.Validate fails, since
// that is a programming or configuration error; call p.Validate first for
// parameters that come from configuration.
func NewHasher(p Params) *Hasher {
	if err := p.Validate(); err != nil {
		panic(err)
	}
	// One slot per core: argon2id keeps a core busy, so more slots add no throughput, only
	// another MemoryKiB of buffers each (the load benchmark's peak RSS under login load).
	h := &Hasher{params: p, slots: make(chan *slot, runtime.GOMAXPROCS(0)), now: time.Now}
	h.release = time.AfterFunc(keepMemoryFor, h.releaseIdle)
	for range cap(h.slots) {
		h.slots <- &slot{} // memory grown at its first computation
	}
	dummy, err := h.Hash(dummyPlaintext)
	if err != nil { // cannot happen: the input is short
		panic(err)
	}
	h.dummy = dummy
	for range cap(h.slots) { // the dummy hash's memory is startup's: a server that logs nobody in holds none
		s := <-h.slots
		s.mem.Release()
		defer func() { h.slots <- s }()
	}
	return h
}

// Params returns the parameters h hashes with.
func (h *Hasher) Params() Params { return h.params }

// Hash returns the PHC string "$argon2id$v=19$m=M,t=T,p=P$salt$key" for plain,
// with salt and key in unpadded standard base64. Inputs longer than
// MaxPasswordBytes are refused with ErrPasswordTooLong.
func (h *Hasher) Hash(plain string) (string, error) {
	return h.HashContext(context.Background(), plain)
}

// HashContext is Hash, giving up with ctx's error when ctx ends before a hashing slot is free.
func (h *Hasher) HashContext(ctx context.Context, plain string) (string, error) {
	if len(plain) > MaxPasswordBytes {
		return "", ErrPasswordTooLong
	}
	p := h.params
	salt := make([]byte, p.SaltLength)
	// crypto/rand.Read never returns an error (Go ≥ 1.24 aborts the
	// program instead), but keep the check for clarity.
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password: reading salt: %w", err)
	}
	key, err := h.idKey(ctx, []byte(plain), salt, p.Iterations, p.MemoryKiB, p.Parallelism, p.KeyLength)
	if err != nil {
		return "", err
	}
	return encode(p.MemoryKiB, p.Iterations, p.Parallelism, salt, key), nil
}

// Verify reports whether plain matches encoded, comparing keys in constant
// time. err is non-nil (wrapping ErrMalformedHash) only when encoded is not a
// well-formed argon2id hash; a wrong password is (false, nil). The stored
// hash's own parameters are used, so hashes made with older parameters still
// verify (see NeedsRehash). Inputs longer than MaxPasswordBytes cannot have
// been hashed by Hash and give (false, nil) without hashing.
func (h *Hasher) Verify(plain, encoded string) (ok bool, err error) {
	return h.VerifyContext(context.Background(), plain, encoded)
}

// VerifyContext is Verify, giving up with ctx's error when ctx ends before a hashing slot is free.
func (h *Hasher) VerifyContext(ctx context.Context, plain, encoded string) (ok bool, err error) {
	d, err := decode(encoded)
	if err != nil {
		return false, err
	}
	if len(plain) > MaxPasswordBytes {
		return false, nil
	}
	key, err := h.idKey(ctx, []byte(plain), d.salt, d.iterations, d.memoryKiB, d.parallelism, uint32(len(d.key)))
	if err != nil {
		return false, err
	}
	return subtle.ConstantTimeCompare(key, d.key) == 1, nil
}

// VerifyAgainstDummy does the same work as Verify against a fixed dummy hash
// made with h's parameters, and discards the result. Call it when the
// account does not exist, so that a login takes the same time whether or
// not the account exists.
func (h *Hasher) VerifyAgainstDummy(plain string) {
	_, _ = h.Verify(plain, h.dummy)
}

// VerifyAgainstDummyContext is VerifyAgainstDummy; its only error is ctx's.
func (h *Hasher) VerifyAgainstDummyContext(ctx context.Context, plain string) error {
	_, err := h.VerifyContext(ctx, plain, h.dummy)
	return err
}

// NeedsRehash reports whether encoded was made with parameters other than
// h's (memory, iterations, parallelism, salt length or key length), or is
// malformed. Call it after a successful Verify and store a fresh Hash.
func (h *Hasher) NeedsRehash(encoded string) bool {
	d, err := decode(encoded)
	if err != nil {
		return true
	}
	p := h.params
	return d.memoryKiB != p.MemoryKiB ||
		d.iterations != p.Iterations ||
		d.parallelism != p.Parallelism ||
		uint32(len(d.salt)) != p.SaltLength ||
		uint32(len(d.key)) != p.KeyLength
}

var b64 = base64.RawStdEncoding.Strict()

func encode(m, t uint32, p uint8, salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2id.Version, m, t, p, b64.EncodeToString(salt), b64.EncodeToString(key))
}

type decoded struct {
	memoryKiB   uint32
	iterations  uint32
	parallelism uint8
	salt, key   []byte
}

func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrMalformedHash}, args...)...)
}

// decode parses a PHC argon2id string strictly: variant argon2id, version 19,
// parameters in the order m, t, p, unpadded standard base64 salt and key.
func decode(encoded string) (decoded, error) {
	var d decoded
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" {
		return d, malformed("want 5 '$'-separated fields")
	}
	if parts[1] != "argon2id" {
		return d, malformed("variant %q is not argon2id", parts[1])
	}
	if parts[2] != "v="+strconv.Itoa(argon2id.Version) {
		return d, malformed("version field %q is not v=%d", parts[2], argon2id.Version)
	}
	kv := strings.Split(parts[3], ",")
	if len(kv) != 3 {
		return d, malformed("want parameters m,t,p")
	}
	var vals [3]uint64
	for i, name := range [3]string{"m", "t", "p"} {
		v, found := strings.CutPrefix(kv[i], name+"=")
		if !found {
			return d, malformed("parameter %d is not %s=", i+1, name)
		}
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil {
			return d, malformed("parameter %s: %v", name, err)
		}
		vals[i] = n
	}
	m, t, p := vals[0], vals[1], vals[2]
	if p < 1 || p > 255 {
		return d, malformed("p=%d out of range [1, 255]", p)
	}
	if t < 1 || t > maxIterations {
		return d, malformed("t=%d out of range [1, %d]", t, maxIterations)
	}
	if m < 8*p || m > maxMemoryKiB {
		return d, malformed("m=%d out of range [8*p, %d]", m, maxMemoryKiB)
	}
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return d, malformed("salt: %v", err)
	}
	if len(salt) < minSaltLength || len(salt) > maxSaltLength {
		return d, malformed("salt length %d out of range [%d, %d]", len(salt), minSaltLength, maxSaltLength)
	}
	key, err := b64.DecodeString(parts[5])
	if err != nil {
		return d, malformed("key: %v", err)
	}
	if len(key) < minKeyLength || len(key) > maxKeyLength {
		return d, malformed("key length %d out of range [%d, %d]", len(key), minKeyLength, maxKeyLength)
	}
	d.memoryKiB, d.iterations, d.parallelism = uint32(m), uint32(t), uint8(p)
	d.salt, d.key = salt, key
	return d, nil
}
