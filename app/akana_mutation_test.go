package app_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

// Mutated bodies at every Akana operation that takes one, in each of its media types: every
// answer must be declared in openapi.yaml (the contract transport checks) and none may be a
// server error. The seed is fixed, so a failure reproduces.
func TestAkanaMutatedBodiesNeverFailTheServer(t *testing.T) {
	e := newAkanaEnv(t, t.TempDir()+"/a.db")
	jane := e.akanaAccount("mutant@example.com", "", "")
	valid := map[string]map[string]any{
		"POST /api/login":                                      {"email": "mutant@example.com", "password": "wrong-password-1"},
		"POST /api/users/validateEmailChangeCode":              {"changeCode": "x", "newEmailAddress": "m1@example.com"},
		"POST /api/login/authenticateWithPasswordResetCode":    {"emailAddress": "m2@example.com", "passwordResetCode": "x", "newPassword": "another-good-one"},
		"PUT /api/users/" + jane.fdn + "/password":             {"oldPassword": "wrong-password-1", "newPassword": "another-good-one"},
		"POST /api/users/" + jane.fdn + "/sendEmailChangeCode": {"newEmailAddress": "m3@example.com"},
	}
	weird := []any{nil, true, false, 0, -1, 1e308, "", " ", "\u0000", "\u202e", strings.Repeat("é", 300), "a@b", "x@example.com",
		[]any{}, []any{"a"}, map[string]any{}, map[string]any{"$ne": 1}, json.Number("123456789012345678901234567890")}
	types := []string{"application/json", "application/vnd.soa.v71+json", "application/vnd.soa.v72+json",
		"application/vnd.soa.v80+json", "application/vnd.soa.v81+json"}
	rng := rand.New(rand.NewPCG(9, 71))
	for _, op := range slices.Sorted(maps.Keys(valid)) {
		method, path, _ := strings.Cut(op, " ")
		body := valid[op]
		fields := slices.Sorted(maps.Keys(body))
		for i := range 25 {
			m := maps.Clone(body)
			switch rng.IntN(4) {
			case 0:
				m[fields[rng.IntN(len(fields))]] = weird[rng.IntN(len(weird))]
			case 1:
				delete(m, fields[rng.IntN(len(fields))])
			case 2:
				m[fmt.Sprintf("f%d", i)] = weird[rng.IntN(len(weird))]
			case 3:
				for _, k := range fields {
					m[k] = weird[rng.IntN(len(weird))]
				}
			}
			contentType, raw := types[rng.IntN(len(types))], ""
			if strings.HasSuffix(path, "/sendEmailChangeCode") {
				form := url.Values{}
				for k, v := range m {
					form.Set(k, fmt.Sprint(v))
				}
				contentType, raw = "application/x-www-form-urlencoded", form.Encode()
			} else {
				b, _ := json.Marshal(m)
				if rng.IntN(5) == 0 {
					b = b[:rng.IntN(len(b)+1)]
				}
				raw = string(b)
			}
			resp, out := e.raw(method, path, contentType, raw, "Cookie", akanaSession+"="+jane.cookie(akanaSession),
				akanaCSRFHeader, jane.cookie(akanaCSRFCookie))
			if resp.StatusCode >= http.StatusInternalServerError {
				t.Errorf("%s %s %s -> %d %s", op, contentType, raw, resp.StatusCode, out)
			}
			akanaErrorOf(t, []byte(out), resp.StatusCode)
			if resp.StatusCode == http.StatusOK && strings.HasSuffix(path, "/sendEmailChangeCode") {
				e.clock.Advance(time.Hour) // past the send limits
				jane.login("mutant@example.com", goodPassword)
			}
		}
	}
}
