package akana

import (
	"mime"
	"strconv"
	"strings"
)

// Akana's media types: a response comes in the one the client's Accept header prefers.
const (
	mediaJSON = "application/json"
	mediaV71  = "application/vnd.soa.v71+json"
	mediaV72  = "application/vnd.soa.v72+json"
	mediaV80  = "application/vnd.soa.v80+json"
	mediaV81  = "application/vnd.soa.v81+json"
)

// offered is in order of preference when the client ranks several equally (application/json
// first, so "*/*" and a missing Accept get plain JSON).
var offered = []string{mediaJSON, mediaV71, mediaV72, mediaV80, mediaV81}

// negotiate picks the response media type for an Accept header (RFC 9110 section 12.5.1):
// the offered type with the highest q-value, the most specific matching range deciding each
// type's q. ok is false when the header allows none of them (406).
func negotiate(accept string) (mediaType string, ok bool) {
	if strings.TrimSpace(accept) == "" {
		return mediaJSON, true
	}
	type rng struct {
		typ, sub string
		q        float64
	}
	var ranges []rng
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue // one malformed range does not spoil the others
		}
		q := 1.0
		if v, has := params["q"]; has {
			if q, err = strconv.ParseFloat(v, 64); err != nil || q < 0 || q > 1 {
				continue
			}
		}
		typ, sub, _ := strings.Cut(mt, "/")
		ranges = append(ranges, rng{typ, sub, q})
	}
	best, bestQ := "", 0.0
	for _, o := range offered {
		typ, sub, _ := strings.Cut(o, "/")
		q, specificity := 0.0, -1
		for _, r := range ranges {
			s := -1
			switch {
			case r.typ == typ && r.sub == sub:
				s = 2
			case r.typ == typ && r.sub == "*":
				s = 1
			case r.typ == "*" && r.sub == "*":
				s = 0
			}
			if s > specificity {
				q, specificity = r.q, s
			}
		}
		if q > bestQ {
			best, bestQ = o, q
		}
	}
	return best, bestQ > 0
}
