package account

import "context"

// Audience is who a request's mail and events are for: the vendor whose API the request came
// through (its tag in openapi.yaml, lower case: "webshare") and the caller's language
// preference (an Accept-Language value, or a vendor's own locale field). The HTTP layer puts it
// in the request's context; the core writes it, as data, into the outbox rows the request
// queues, so mail is rendered in that vendor's voice and that language, and events name the
// vendor. Requests without one (operator commands) get accountd's own voice in English.
type Audience struct {
	Vendor string
	Locale string
}

type audienceKey struct{}

// WithAudience returns ctx carrying a.
func WithAudience(ctx context.Context, a Audience) context.Context {
	return context.WithValue(ctx, audienceKey{}, a)
}

// WithVendor returns ctx with the audience's vendor replaced and its languages kept: the
// hosted pages speak for the vendor whose link they serve ("": accountd's own voice).
func WithVendor(ctx context.Context, vendor string) context.Context {
	a := audienceOf(ctx)
	a.Vendor = vendor
	return WithAudience(ctx, a)
}

// audienceOf returns the Audience in ctx (the zero one when there is none).
func audienceOf(ctx context.Context) Audience {
	if ctx == nil {
		return Audience{}
	}
	a, _ := ctx.Value(audienceKey{}).(Audience)
	return a
}
