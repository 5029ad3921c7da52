package account

import (
	"crypto/hmac"
	"crypto/sha256"
	"strings"
	"unicode"

	"github.com/accountd/accountd/models"
)

// One-time codes come in two kinds, hashed in two separate domains (two keys derived from the
// server secret, keys.link and keys.typed), so that no value presented as one kind can ever
// match a code of the other:
//
//   - link tokens (256 bits, or a UUID) are looked up by value: linkHash(purpose, token) is
//     unique and indexed, and guessing one is hopeless;
//   - typed codes (Delivery.Digits, a million values) are only ever compared with the code of
//     one known row (its verification id), where attempts are counted: typedHash covers the
//     row's id too, so equal digits of two rows never collide in the unique index on code_hash,
//     and a typed code cannot be found by its value at an endpoint that looks link tokens up.

// linkHash is the stored HMAC of a link token, bound to its purpose so that a code of one flow
// can never be replayed in another.
func (k keys) linkHash(purpose, token string) []byte {
	return hmacOf(k.link, purpose, token)
}

// typedHash is the stored HMAC of a typed code of the row rowID.
func (k keys) typedHash(purpose, rowID, code string) []byte {
	return hmacOf(k.typed, purpose, rowID, code)
}

func hmacOf(key []byte, parts ...string) []byte {
	m := hmac.New(sha256.New, key)
	for i, p := range parts {
		if i > 0 {
			m.Write([]byte{0})
		}
		m.Write([]byte(p))
	}
	return m.Sum(nil)
}

// linkMatches compares a presented link token with a row's stored hash in constant time.
func (k keys) linkMatches(row models.OneTimeCode, token string) bool {
	return equalHashes(row.CodeHash, k.linkHash(row.Purpose, token))
}

// typedMatches compares a presented typed code with a row's stored hash in constant time.
func (k keys) typedMatches(row models.OneTimeCode, code string) bool {
	return equalHashes(row.CodeHash, k.typedHash(row.Purpose, row.ID, code))
}

// presentedCode is a code as the caller sent it, without surrounding spaces. A code with a
// control or format character (NUL, tab, a zero-width space) is no code any flow makes:
// invalid_code, before anything is looked up.
func presentedCode(code string) (string, error) {
	for _, r := range code {
		if unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Co, unicode.Cs) || r == unicode.ReplacementChar {
			return "", errInvalidCode(FieldCode)
		}
	}
	return strings.TrimSpace(code), nil
}
