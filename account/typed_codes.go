package account

import (
	"crypto/subtle"

	"github.com/accountd/accountd/models"
)

// typedCodeHash is the stored HMAC of a typed code (Delivery.Digits). A 6-digit code has a
// million values, so its HMAC also covers its row's id:
//   - equal codes of two rows never collide in the unique index on code_hash (with one hash
//     per value, one insert in a thousand would fail once a thousand codes exist);
//   - a typed code cannot be found by its value (findCodeByValue hashes without an id), only
//     through its row (its user, or its verification id) where attempts are counted. Otherwise
//     an endpoint that looks link tokens up by value would let anyone walk the million values.
//
// Link tokens (256 bits) keep codeHash alone, so they can be looked up by value.
func (k keys) typedCodeHash(purpose, rowID, code string) []byte {
	return k.codeHash(purpose, rowID+"\x00"+code)
}

// codeMatches compares a presented code with a row's stored hash, typed or link, in constant time.
func (k keys) codeMatches(row models.OneTimeCode, code string) bool {
	link := subtle.ConstantTimeCompare(row.CodeHash, k.codeHash(row.Purpose, code))
	typed := subtle.ConstantTimeCompare(row.CodeHash, k.typedCodeHash(row.Purpose, row.ID, code))
	return link|typed == 1
}
