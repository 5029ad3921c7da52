package account

import "encoding/hex"

// randomUUID returns a random (version 4, RFC 9562) UUID in its 36-character form: 122 random
// bits from crypto/rand.
func randomUUID() string {
	b := make([]byte, 16)
	mustRead(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
