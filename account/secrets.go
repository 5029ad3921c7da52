package account

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"math"
	"math/big"
)

// MinSecretLength is the shortest ACCOUNTD_SECRET accepted, in bytes.
const MinSecretLength = 32

// MinSecretBits is the least estimated entropy of an accepted secret (see CheckSecret).
const MinSecretBits = 96

// CheckSecret refuses a server secret that is too short or plainly not random: one that repeats
// a shorter string ("aaaa...", "abab...", a word five times), or whose estimated entropy, its
// length times the Shannon entropy of its byte frequencies, is under MinSecretBits (32 random
// bytes, base64 or 64 hex digits score well above 128). It catches patterns and tiny alphabets;
// it cannot prove randomness, so generate the secret (head -c 48 /dev/urandom | base64).
func CheckSecret(secret []byte) error {
	if len(secret) < MinSecretLength {
		return fmt.Errorf("the server secret must be at least %d bytes", MinSecretLength)
	}
	if p := period(secret); p < len(secret) {
		return fmt.Errorf("the server secret looks low-entropy (it repeats its first %d bytes): "+
			"generate one, e.g. head -c 48 /dev/urandom | base64", p)
	}
	if bits := entropyBits(secret); bits < MinSecretBits {
		return fmt.Errorf("the server secret looks low-entropy (about %.0f bits estimated, at least %d needed): "+
			"generate one, e.g. head -c 48 /dev/urandom | base64", bits, MinSecretBits)
	}
	return nil
}

// period is the length of the shortest prefix that b repeats (len(b) when it repeats none).
func period(b []byte) int {
	for p := 1; p <= len(b)/2; p++ {
		repeats := true
		for i := p; i < len(b) && repeats; i++ {
			repeats = b[i] == b[i-p]
		}
		if repeats {
			return p
		}
	}
	return len(b)
}

func entropyBits(b []byte) float64 {
	var freq [256]int
	for _, c := range b {
		freq[c]++
	}
	n := float64(len(b))
	var h float64
	for _, f := range freq {
		if f > 0 {
			p := float64(f) / n
			h -= p * math.Log2(p)
		}
	}
	return h * n
}

// keys are the purpose-specific keys derived from the server secret, so a leak of one use
// (say, an outbox row's key) does not give away the others.
type keys struct {
	link  []byte // HMAC of link tokens (typed_codes.go)
	typed []byte // HMAC of typed codes, a domain of its own (typed_codes.go)
	seal  []byte // AES-256-GCM of outbox mail
	limit []byte // HMAC of rate-limit keys (no raw addresses in that table)
}

func deriveKeys(secret []byte) (keys, error) {
	if err := CheckSecret(secret); err != nil {
		return keys{}, err
	}
	derive := func(label string) []byte {
		m := hmac.New(sha256.New, secret)
		m.Write([]byte("accountd/" + label + "/v1"))
		return m.Sum(nil)
	}
	// "code-hmac" is the link tokens' label from before typed codes had a domain of their own,
	// so that links mailed before an upgrade keep working.
	return keys{link: derive("code-hmac"), typed: derive("typed-code-hmac"), seal: derive("outbox-seal"),
		limit: derive("rate-limit")}, nil
}

// limitKey names a rate-limit bucket without storing the raw subject (an email address).
func (k keys) limitKey(scope, subject string) string {
	m := hmac.New(sha256.New, k.limit)
	m.Write([]byte(scope))
	m.Write([]byte{0})
	m.Write([]byte(subject))
	return scope + ":" + hex.EncodeToString(m.Sum(nil)[:16])
}

// tokenHash is the stored form of a credential. Tokens carry 160+ random bits, so a plain
// SHA-256 is enough and survives a rotation of the server secret.
func tokenHash(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

// equalHashes compares two hashes in constant time.
func equalHashes(a, b []byte) bool { return subtle.ConstantTimeCompare(a, b) == 1 }

// randomToken returns n random bytes, URL-safe base64 without padding.
func randomToken(n int) string {
	b := make([]byte, n)
	mustRead(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// randomHex returns n random bytes as hex.
func randomHex(n int) string {
	b := make([]byte, n)
	mustRead(b)
	return hex.EncodeToString(b)
}

// randomDigits returns a string of n uniformly random decimal digits. crypto/rand.Int draws by
// rejection, so there is no modulo bias.
func randomDigits(n int) string {
	limit := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil)
	v, err := rand.Int(rand.Reader, limit)
	if err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	s := v.String()
	for len(s) < n {
		s = "0" + s
	}
	return s
}

func mustRead(b []byte) {
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error()) // the Go runtime treats this as fatal too
	}
}
