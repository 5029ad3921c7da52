package password

import (
	"errors"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// testParams keep tests fast; only the benchmark and one vector use real costs.
var testParams = Params{MemoryKiB: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}

func TestDefaultParams(t *testing.T) {
	want := Params{MemoryKiB: 19456, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}
	if DefaultParams != want {
		t.Errorf("DefaultParams = %+v, want %+v", DefaultParams, want)
	}
	if err := DefaultParams.Validate(); err != nil {
		t.Error(err)
	}
}

func TestParamsValidate(t *testing.T) {
	tests := []struct {
		name string
		p    Params
		ok   bool
	}{
		{"test params", testParams, true},
		{"zero", Params{}, false},
		{"no parallelism", Params{MemoryKiB: 64, Iterations: 1, SaltLength: 16, KeyLength: 32}, false},
		{"no iterations", Params{MemoryKiB: 64, Parallelism: 1, SaltLength: 16, KeyLength: 32}, false},
		{"memory below 8*p", Params{MemoryKiB: 15, Iterations: 1, Parallelism: 2, SaltLength: 16, KeyLength: 32}, false},
		{"memory too large", Params{MemoryKiB: 1 << 23, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}, false},
		{"short salt", Params{MemoryKiB: 64, Iterations: 1, Parallelism: 1, SaltLength: 4, KeyLength: 32}, false},
		{"short key", Params{MemoryKiB: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 3}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.p.Validate(); (err == nil) != tt.ok {
				t.Errorf("Validate() = %v, want ok=%v", err, tt.ok)
			}
		})
	}
}

func TestNewHasherPanicsOnInvalidParams(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("NewHasher(Params{}) did not panic")
		}
	}()
	NewHasher(Params{})
}

var phcRE = regexp.MustCompile(`^\$argon2id\$v=19\$m=64,t=1,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)

func TestHashFormat(t *testing.T) {
	h := NewHasher(testParams)
	a, err := h.Hash("hunter2")
	if err != nil {
		t.Fatal(err)
	}
	if !phcRE.MatchString(a) {
		t.Errorf("Hash = %q, not a PHC argon2id string with the expected params", a)
	}
	b, err := h.Hash("hunter2")
	if err != nil {
		t.Fatal(err)
	}
	if a == b {
		t.Error("two hashes of the same password are equal: salt not random")
	}
}

func TestHashVerifyRoundTrip(t *testing.T) {
	h := NewHasher(testParams)
	tests := []struct {
		name, plain, wrong string
	}{
		{"ascii", "correct horse battery staple", "correct horse battery stapler"},
		{"case matters", "Password123", "password123"},
		{"empty", "", " "},
		{"unicode", "пароль-密码-🔑", "пароль-密码-🔐"},
		{"max length", strings.Repeat("x", MaxPasswordBytes), strings.Repeat("x", MaxPasswordBytes-1)},
		{"trailing NUL", "abc\x00", "abc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			enc, err := h.Hash(tt.plain)
			if err != nil {
				t.Fatal(err)
			}
			if ok, err := h.Verify(tt.plain, enc); !ok || err != nil {
				t.Errorf("Verify(right) = %v, %v; want true, nil", ok, err)
			}
			if ok, err := h.Verify(tt.wrong, enc); ok || err != nil {
				t.Errorf("Verify(wrong) = %v, %v; want false, nil", ok, err)
			}
		})
	}
}

func TestHashTooLong(t *testing.T) {
	h := NewHasher(testParams)
	long := strings.Repeat("x", MaxPasswordBytes+1)
	if _, err := h.Hash(long); !errors.Is(err, ErrPasswordTooLong) {
		t.Errorf("Hash(4097 bytes) error = %v, want ErrPasswordTooLong", err)
	}
	enc, err := h.Hash("x")
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := h.Verify(long, enc); ok || err != nil {
		t.Errorf("Verify(4097 bytes) = %v, %v; want false, nil", ok, err)
	}
}

// Known answers from the reference implementation (Debian's argon2 CLI,
// libargon2 0~20171227), e.g.
// echo -n 'correct horse battery staple' | argon2 saltsaltsalt1234 -id -t 2 -k 64 -p 1 -l 32 -e
func TestVerifyReferenceVectors(t *testing.T) {
	h := NewHasher(testParams) // Verify uses the stored hash's params, not h's
	tests := []struct{ plain, encoded string }{
		{"correct horse battery staple", "$argon2id$v=19$m=64,t=2,p=1$c2FsdHNhbHRzYWx0MTIzNA$EYBD5lyIrdCTk21HG+jX1SOmmZJfCLt0+eI41cieoAM"},
		{"x", "$argon2id$v=19$m=32,t=3,p=2$YWJjZGVmZ2g$9FLwMm/m7hd9I/6OnpB42g"},
		{"Pässwörd", "$argon2id$v=19$m=19456,t=1,p=1$c2l4dGVlbi1ieXRlLXNsdA$bZ26B4jg9AA3b9ErP2CoRMFwzvGUItCHLCWMLqWxh04"},
	}
	for _, tt := range tests {
		if ok, err := h.Verify(tt.plain, tt.encoded); !ok || err != nil {
			t.Errorf("Verify(%q, %q) = %v, %v; want true, nil", tt.plain, tt.encoded, ok, err)
		}
		if ok, err := h.Verify(tt.plain+"!", tt.encoded); ok || err != nil {
			t.Errorf("Verify(wrong, %q) = %v, %v; want false, nil", tt.encoded, ok, err)
		}
	}
}

func TestVerifyMalformed(t *testing.T) {
	h := NewHasher(testParams)
	good, err := h.Hash("pw")
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Split(good, "$") // "", argon2id, v=19, m=..,t=..,p=.., salt, key
	join := func(parts ...string) string { return strings.Join(parts, "$") }
	const salt = "c2FsdHNhbHRzYWx0MTIzNA" // 16 bytes
	tests := []struct{ name, encoded string }{
		{"empty", ""},
		{"plain text", "pw"},
		{"bcrypt", "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"},
		{"django prefix", "argon2" + good},
		{"argon2i", join("", "argon2i", f[2], f[3], f[4], f[5])},
		{"version 16", join("", "argon2id", "v=16", f[3], f[4], f[5])},
		{"no version", join("", "argon2id", f[3], f[4], f[5])},
		{"missing key", join("", "argon2id", f[2], f[3], f[4])},
		{"extra field", good + "$abc"},
		{"params out of order", join("", "argon2id", f[2], "t=1,m=64,p=1", f[4], f[5])},
		{"missing p", join("", "argon2id", f[2], "m=64,t=1", f[4], f[5])},
		{"signed number", join("", "argon2id", f[2], "m=+64,t=1,p=1", f[4], f[5])},
		{"p=0", join("", "argon2id", f[2], "m=64,t=1,p=0", f[4], f[5])},
		{"p=256", join("", "argon2id", f[2], "m=4096,t=1,p=256", f[4], f[5])},
		{"t=0", join("", "argon2id", f[2], "m=64,t=0,p=1", f[4], f[5])},
		{"m below 8p", join("", "argon2id", f[2], "m=8,t=1,p=2", f[4], f[5])},
		{"m absurd", join("", "argon2id", f[2], "m=4294967295,t=1,p=1", f[4], f[5])},
		{"m overflows uint32", join("", "argon2id", f[2], "m=4294967296,t=1,p=1", f[4], f[5])},
		{"salt not base64", join("", "argon2id", f[2], f[3], "!!!!", f[5])},
		{"salt padded", join("", "argon2id", f[2], f[3], f[4]+"==", f[5])},
		{"empty salt", join("", "argon2id", f[2], f[3], "", f[5])},
		{"key not base64", join("", "argon2id", f[2], f[3], salt, "*"+f[5][1:])},
		{"key too short", join("", "argon2id", f[2], f[3], salt, "AAA")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, err := h.Verify("pw", tt.encoded)
			if ok || !errors.Is(err, ErrMalformedHash) {
				t.Errorf("Verify(%q) = %v, %v; want false, ErrMalformedHash", tt.encoded, ok, err)
			}
			if !h.NeedsRehash(tt.encoded) {
				t.Errorf("NeedsRehash(%q) = false for a malformed hash", tt.encoded)
			}
		})
	}
}

func TestNeedsRehash(t *testing.T) {
	h := NewHasher(testParams)
	tests := []struct {
		name string
		p    Params
		want bool
	}{
		{"same params", testParams, false},
		{"memory", Params{MemoryKiB: 128, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}, true},
		{"iterations", Params{MemoryKiB: 64, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}, true},
		{"parallelism", Params{MemoryKiB: 64, Iterations: 1, Parallelism: 2, SaltLength: 16, KeyLength: 32}, true},
		{"salt length", Params{MemoryKiB: 64, Iterations: 1, Parallelism: 1, SaltLength: 8, KeyLength: 32}, true},
		{"key length", Params{MemoryKiB: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 16}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			enc, err := NewHasher(tt.p).Hash("pw")
			if err != nil {
				t.Fatal(err)
			}
			if got := h.NeedsRehash(enc); got != tt.want {
				t.Errorf("NeedsRehash(%q) = %v, want %v", enc, got, tt.want)
			}
			// Old hashes still verify with the new Hasher.
			if ok, err := h.Verify("pw", enc); !ok || err != nil {
				t.Errorf("Verify = %v, %v; want true, nil", ok, err)
			}
		})
	}
}

func TestVerifyAgainstDummy(t *testing.T) {
	h := NewHasher(testParams)
	// The dummy is a well-formed hash made with h's own params, so the dummy
	// path runs exactly the work Verify runs for a real account.
	if _, err := decode(h.dummy); err != nil {
		t.Fatalf("dummy hash %q is malformed: %v", h.dummy, err)
	}
	if h.NeedsRehash(h.dummy) {
		t.Errorf("dummy hash %q was not made with h's params", h.dummy)
	}
	if ok, _ := h.Verify("anything", h.dummy); ok {
		t.Error("dummy hash matched an arbitrary password")
	}
	h.VerifyAgainstDummy("whatever")
	h.VerifyAgainstDummy("")
	h.VerifyAgainstDummy(strings.Repeat("x", MaxPasswordBytes+1))

	h2 := NewHasher(Params{MemoryKiB: 32, Iterations: 2, Parallelism: 1, SaltLength: 8, KeyLength: 16})
	if h2.dummy == h.dummy || h.NeedsRehash(h2.dummy) == false {
		t.Error("each Hasher must make its dummy with its own params")
	}
}

func TestHasherConcurrent(t *testing.T) {
	h := NewHasher(testParams)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			plain := strings.Repeat("p", i+1)
			for range 10 {
				enc, err := h.Hash(plain)
				if err != nil {
					t.Error(err)
					return
				}
				if ok, err := h.Verify(plain, enc); !ok || err != nil {
					t.Errorf("Verify = %v, %v", ok, err)
					return
				}
				h.VerifyAgainstDummy(plain)
				if h.NeedsRehash(enc) {
					t.Error("NeedsRehash(fresh hash) = true")
				}
			}
		})
	}
	wg.Wait()
}

func BenchmarkHash(b *testing.B) {
	h := NewHasher(DefaultParams)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := h.Hash("correct horse battery staple"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerify(b *testing.B) {
	h := NewHasher(DefaultParams)
	enc, err := h.Hash("correct horse battery staple")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if ok, _ := h.Verify("correct horse battery staple", enc); !ok {
			b.Fatal("mismatch")
		}
	}
}
