package models

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"time"
)

// NewID returns a 24-hex-digit id: 4 bytes of Unix time then 8 random bytes. Time first keeps
// inserts near the end of the primary-key index; 24 hex digits is also the id shape Payway's
// API documents for accounts.
func NewID() string {
	var b [12]byte
	binary.BigEndian.PutUint32(b[:4], uint32(time.Now().Unix()))
	if _, err := rand.Read(b[4:]); err != nil {
		panic("crypto/rand failed: " + err.Error()) // never happens on supported platforms
	}
	return hex.EncodeToString(b[:])
}
