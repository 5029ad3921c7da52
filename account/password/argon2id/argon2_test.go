package argon2id

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"testing"

	"golang.org/x/crypto/argon2"
)

// Every key equals x/crypto's for the same input, with one Memory reused across calls that
// grow, shrink and change lanes: nothing of an earlier call leaks into a later one.
func TestSameKeysAsXCrypto(t *testing.T) {
	cases := []struct {
		time, memoryKiB uint32
		threads         uint8
		keyLen          uint32
	}{
		{1, 64, 1, 32},
		{3, 256, 1, 32},
		{2, 19 * 1024, 1, 32}, // OWASP's parameters, the default
		{1, 64, 1, 16},        // smaller than the memory before it: the same blocks, reused
		{2, 1024, 4, 64},      // four lanes
		{1, 9, 2, 32},         // rounded up to the least memory for two lanes
		{2, 19 * 1024, 1, 32}, // the default again, over the blocks of every call above
		{4, 2048, 3, 24},
	}
	var m Memory
	for round := range 2 {
		for _, c := range cases {
			password, salt := random(t, 12+int(c.time)), random(t, 16)
			want := argon2.IDKey(password, salt, c.time, c.memoryKiB, c.threads, c.keyLen)
			if got := m.IDKey(password, salt, c.time, c.memoryKiB, c.threads, c.keyLen); !bytes.Equal(got, want) {
				t.Errorf("round %d, t=%d m=%d p=%d len=%d: key %x, x/crypto %x", round, c.time, c.memoryKiB, c.threads, c.keyLen, got, want)
			}
		}
	}
}

// The block function this build uses (SIMD on amd64) equals the portable one, which other
// platforms use, with and without XOR.
func TestBlockFunctionsAgree(t *testing.T) {
	for range 50 {
		var in1, in2, out1, out2 block
		for i := range in1 {
			in1[i], in2[i], out1[i] = uint64(i)*0x9e3779b97f4a7c15^uint64(len(t.Name())), uint64(i+7)*0xc2b2ae3d27d4eb4f, uint64(i)
		}
		copy(in1[:8], words(t))
		out2 = out1
		processBlockXOR(&out1, &in1, &in2)
		processBlockGeneric(&out2, &in1, &in2, true)
		if out1 != out2 {
			t.Fatal("processBlockXOR differs from processBlockGeneric")
		}
		processBlock(&out1, &in1, &in2)
		processBlockGeneric(&out2, &in1, &in2, false)
		if out1 != out2 {
			t.Fatal("processBlock differs from processBlockGeneric")
		}
	}
}

func words(t *testing.T) []uint64 {
	b := random(t, 64)
	w := make([]uint64, 8)
	for i := range w {
		w[i] = binary.LittleEndian.Uint64(b[i*8:])
	}
	return w
}

func random(t *testing.T, n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

// x/crypto allocates (and the runtime zeroes) the whole memory for each key; a Memory, once
// grown, allocates nothing of it again.
func BenchmarkIDKey(b *testing.B) {
	password, salt := []byte("correct horse battery staple"), []byte("0123456789abcdef")
	b.Run("x/crypto", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			argon2.IDKey(password, salt, 2, 19*1024, 1, 32)
		}
	})
	b.Run("reused memory", func(b *testing.B) {
		b.ReportAllocs()
		var m Memory
		for b.Loop() {
			m.IDKey(password, salt, 2, 19*1024, 1, 32)
		}
	})
}
