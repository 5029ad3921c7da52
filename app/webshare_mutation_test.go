package app_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// Mutated bodies at every Webshare operation: each answer must be declared in openapi.yaml (the
// contract transport checks) and must not be a server error. The seed is fixed, so a failure
// reproduces; the seed and the body are in the message.
func TestWebshareMutatedBodiesNeverFailTheServer(t *testing.T) {
	e := newEnv(t, t.TempDir()+"/a.db")
	tok := e.register("mutant@example.com", goodPassword)
	valid := map[string]map[string]any{
		"/api/v2/register/":               {"email": "m1@example.com", "password": goodPassword, "recaptcha": "x", "tos_accepted": true, "marketing_email_accepted": false},
		"/api/v2/login/":                  {"email": "mutant@example.com", "password": goodPassword, "recaptcha": "x"},
		"/api/v2/changepassword/":         {"password": "wrong-password-1", "new_password": "another-good-one"},
		"/api/v2/resetpassword/":          {"email": "m2@example.com", "recaptcha": "x"},
		"/api/v2/resetpassword/complete/": {"password": goodPassword, "password_reset_token": "x", "recaptcha": "x"},
		"/api/v2/changeemail/":            {"password": "wrong-password-1", "new_email": "m3@example.com"},
		"/api/v2/changeemail/complete/":   {"confirmation_code": "x"},
		"/api/v2/activation/complete/":    {"activation_token": "x"},
		"/api/v2/deleteaccount/":          {"password": "wrong-password-1", "recaptcha": "x"},
		"/api/v2/activation/resend/":      {},
		"/api/v2/logout/":                 {},
	}
	weird := []any{nil, true, false, 0, -1, 1e308, "", " ", "\u0000", "\u202e", strings.Repeat("é", 300), "a@b", "x@example.com",
		[]any{}, []any{"a"}, map[string]any{}, map[string]any{"$ne": 1}, json.Number("123456789012345678901234567890")}
	rng := rand.New(rand.NewPCG(2, 11))
	for _, path := range slices.Sorted(maps.Keys(valid)) {
		body := valid[path]
		fields := slices.Sorted(maps.Keys(body))
		for i := range 25 {
			m := maps.Clone(body)
			switch rng.IntN(4) {
			case 0: // replace a field's value
				if len(fields) > 0 {
					m[fields[rng.IntN(len(fields))]] = weird[rng.IntN(len(weird))]
				}
			case 1: // drop a field
				if len(fields) > 0 {
					delete(m, fields[rng.IntN(len(fields))])
				}
			case 2: // add an unknown field
				m[fmt.Sprintf("f%d", i)] = weird[rng.IntN(len(weird))]
			case 3: // everything weird
				for _, k := range fields {
					m[k] = weird[rng.IntN(len(weird))]
				}
			}
			raw, _ := json.Marshal(m)
			if rng.IntN(5) == 0 { // or truncate it
				raw = raw[:rng.IntN(len(raw)+1)]
			}
			resp, out := e.raw("POST", path, "application/json", string(raw), "Authorization", "Token "+tok)
			if resp.StatusCode >= http.StatusInternalServerError {
				t.Errorf("POST %s %s -> %d %s", path, raw, resp.StatusCode, out)
			}
			if resp.StatusCode == http.StatusNoContent && path == "/api/v2/logout/" {
				tok = e.register(fmt.Sprintf("mutant%d@example.com", i), goodPassword) // logged out by a valid mutant
			}
		}
	}
}
