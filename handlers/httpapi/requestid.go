package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
)

// HeaderRequestID carries a request's id in both directions.
const HeaderRequestID = "X-Request-ID"

type requestIDKey struct{}

// WithRequestID returns ctx carrying the request id.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// RequestIDFrom returns the request id in ctx ("" outside a request).
func RequestIDFrom(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// RequestID returns the id for a request whose X-Request-ID header is given: the client's
// own when it is sane (1 to 128 of A-Z a-z 0-9 - _ . : / + = @, so it can go into a log line
// and a header as it is), otherwise a new one of 128 random bits.
func RequestID(given string) string {
	if saneRequestID(given) {
		return given
	}
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func saneRequestID(s string) bool {
	if len(s) == 0 || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		ok := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
		switch c {
		case '-', '_', '.', ':', '/', '+', '=', '@':
			ok = true
		}
		if !ok {
			return false
		}
	}
	return true
}
