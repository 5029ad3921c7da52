package app_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// Bad input at every Rixl operation gets Rixl's body, with details naming the field.
func TestRixlBadInput(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		tok := e.rixlSignup("bad@example.com").AccessToken
		auth := []string{"Authorization", "Bearer " + tok}
		for _, tc := range []struct {
			name, method, path, ctype, body string
			auth                            bool
			status                          int
			details                         string // must appear in details (or error)
		}{
			{"register: no body", "POST", "/auth/v1/register", "application/json", "", false, 400, "email: is required"},
			{"register: bad email", "POST", "/auth/v1/register", "application/json", `{"email":"nope","password":"x"}`, false, 400, "email: must be a valid email address"},
			{"register: weak password", "POST", "/auth/v1/register", "application/json", `{"email":"weak@example.com","password":"12345678"}`, false, 400, "password"},
			{"login: missing password", "POST", "/auth/v1/login", "application/json", `{"email":"bad@example.com"}`, false, 400, "password: is required"},
			{"login: number for email", "POST", "/auth/v1/login", "application/json", `{"email":5,"password":"x"}`, false, 400, "email: must be of type string"},
			{"login: array body", "POST", "/auth/v1/login", "application/json", `[]`, false, 400, "must be a JSON object"},
			{"login: broken JSON", "POST", "/auth/v1/login", "application/json", `{"email":`, false, 400, "not valid JSON"},
			{"login: form body", "POST", "/auth/v1/login", "application/x-www-form-urlencoded", `email=a`, false, 415, "application/json"},
			{"token: empty", "POST", "/auth/v1/token", "application/json", `{"refresh_token":""}`, false, 400, "refresh_token: must not be empty"},
			{"change: no new_email", "PUT", "/auth/v1/users/current/emails/change", "application/json", `{"email":"a@example.com"}`, true, 400, "new_email: is required"},
			{"change: too long", "PUT", "/auth/v1/users/current/emails/change", "application/json", `{"new_email":"` + strings.Repeat("a", 250) + `@example.com"}`, true, 400, "new_email"},
			{"add: null", "POST", "/auth/v1/users/current/emails", "application/json", `{"email":null}`, true, 400, "email"},
			{"verify: no code", "POST", "/auth/v1/email/verify", "application/json", `{"verification_id":"x"}`, false, 400, "code: is required"},
			{"verify: code too long", "POST", "/auth/v1/email/verify", "application/json", `{"verification_id":"x","code":"12345678901234567"}`, false, 400, "code: must have at most 16 characters"},
			{"resend: bad email", "POST", "/auth/v1/email/verify/resend", "application/json", `{"email":"@"}`, false, 400, "email: must be a valid email address"},
			{"reset: no email", "POST", "/auth/v1/password/reset", "application/json", `{}`, false, 400, "email: is required"},
			{"confirm: no password", "POST", "/auth/v1/password/reset/confirm", "application/json", `{"token":"t"}`, false, 400, "new_password: is required"},
			{"too large", "POST", "/auth/v1/login", "application/json", `{"email":"` + strings.Repeat("a", 70000) + `"}`, false, 413, "larger"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				var h []string
				if tc.auth {
					h = auth
				}
				resp, raw := e.raw(tc.method, tc.path, tc.ctype, tc.body, h...)
				rixlErrorWith(t, resp.StatusCode, []byte(raw), tc.status, tc.details)
			})
		}
	})
}

// Rixl (a Go service decoding with encoding/json) ignores unknown request fields: a request
// with an extra key is answered as if the key were absent.
func TestRixlIgnoresUnknownFields(t *testing.T) {
	e := newEnv(t, t.TempDir()+"/a.db")
	e.rixlSignup("extra@example.com")
	resp, raw := e.raw("POST", "/auth/v1/login", "application/json",
		`{"email":"extra@example.com","password":"`+goodPassword+`","remember_me":true,"EMAIL":"other@example.com"}`)
	if resp.StatusCode != http.StatusOK || !strings.Contains(raw, `"email":"extra@example.com"`) {
		t.Fatalf("login with unknown keys: %d %s", resp.StatusCode, raw)
	}
	resp, raw = e.raw("POST", "/auth/v1/login", "application/json", `{"email":"extra@example.com","unknown":1}`)
	rixlErrorWith(t, resp.StatusCode, []byte(raw), http.StatusBadRequest, "password: is required")
}

// Unknown paths under /auth/v1/ and wrong methods get Rixl's body. They match no operation,
// so the contract check cannot see them: the body is checked against Rixl's error schema here.
func TestRixlUnknownRoutes(t *testing.T) {
	e := newEnv(t, t.TempDir()+"/a.db")
	e.rixlSignup("routes@example.com") // keeps the contract check in use
	for _, tc := range []struct {
		method, path string
		status       int
	}{
		{"GET", "/auth/v1/nope", 404},
		{"POST", "/auth/v1/users/current/emails/nope", 404},
		{"GET", "/auth/v1/login", 405},
		{"POST", "/auth/v1/users/current/emails/change", 405},
		{"DELETE", "/auth/v1/email/verify", 405},
	} {
		req, _ := http.NewRequest(tc.method, e.baseURL+tc.path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var raw json.RawMessage
		_ = json.NewDecoder(resp.Body).Decode(&raw)
		resp.Body.Close()
		rixlError(t, resp.StatusCode, raw, tc.status)
	}
}
