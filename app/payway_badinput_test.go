package app_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// Every client mistake gets Payway's error body (OAuth's at the token endpoint), never a 5xx,
// and the contract transport checks each answer against openapi.yaml. The precedence rows
// send several faults at once: the token wins, then the content type, then JSON syntax, then
// unknown fields, then values.
func TestPaywayBadInput(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		p := newPayway(t, dsn)
		p.member(p.orgA, "jane@example.com")
		user := []string{"Authorization", "Bearer " + p.userToken(p.a, "jane@example.com").AccessToken}
		app := []string{"Authorization", "Bearer " + p.appToken(p.a)}
		const change = "/external/api/v1/me/request_email_change"
		const complete = "/external/api/v1/accounts/complete_password_reset"
		const tokenURL = "/api/authorization/access_token"
		form := "application/x-www-form-urlencoded"
		tests := []struct {
			name, method, path, ctype, body string
			headers                         []string
			status                          int
			want                            string // a fragment of the body
		}{
			{"malformed JSON", "POST", change, "application/json", `{"new_email":`, user, 400, `"code":"json_parser_error"`},
			{"JSON that is not an object", "POST", change, "application/json", `["x"]`, user, 400, `"code":"json_parser_error"`},
			{"null body", "POST", change, "application/json", `null`, user, 400, `"code":"json_parser_error"`},
			{"wrong content type", "POST", change, "text/plain", `{"new_email":"a@example.com"}`, user, 400, `"code":"invalid_content_type_error"`},
			{"form body", "POST", change, form, `new_email=a@example.com`, user, 400, `"code":"invalid_content_type_error"`},
			{"unknown field", "POST", change, "application/json", `{"new_email":"a@example.com","admin":true}`, user, 400, `{"code":"unknown_parameter","field":"admin"`},
			{"case-variant key", "POST", change, "application/json", `{"NEW_EMAIL":"a@example.com"}`, user, 400, `"code":"unknown_parameter","field":"NEW_EMAIL"`},
			{"missing field", "POST", change, "application/json", `{}`, user, 400, `{"code":"invalid_parameter","field":"new_email","message":"Parameter is required"}`},
			{"invalid email", "POST", change, "application/json", `{"new_email":"not an email"}`, user, 400, `{"code":"invalid_parameter","field":"new_email","message":"Parameter must be a valid e-mail address"}`},
			{"email too long", "POST", change, "application/json", `{"new_email":"` + strings.Repeat("a", 1020) + `@example.com"}`, user, 400, `"field":"new_email","message":"Parameter must be at most 1024 characters"`},
			{"wrong type", "POST", change, "application/json", `{"new_email":42}`, user, 400, `"code":"invalid_parameter","field":"new_email"`},
			{"null value", "POST", change, "application/json", `{"new_email":null}`, user, 400, `"code":"invalid_parameter","field":"new_email"`},
			{"id not 24 hex", "POST", complete, "application/json", `{"id":"50F3AC249F6AEF294D000007","confirmation_code":"89bd6d78-4ace-4a0c-a517-afbbbc97c659","new_password":"secret1"}`, app, 400, `{"code":"invalid_parameter","field":"id","message":"Parameter must match format (/^[a-f0-9]{24}$/)"}`},
			{"code not 36 characters", "POST", complete, "application/json", `{"id":"50f3ac249f6aef294d000007","confirmation_code":"abc","new_password":"secret1"}`, app, 400, `"field":"confirmation_code","message":"Parameter must be at least 36 characters"`},
			{"password too short", "POST", complete, "application/json", `{"id":"50f3ac249f6aef294d000007","confirmation_code":"89bd6d78-4ace-4a0c-a517-afbbbc97c659","new_password":"12345"}`, app, 400, `"field":"new_password","message":"Parameter must be at least 6 characters"`},
			{"query email missing", "GET", "/external/api/v1/accounts/get_authentication_attempts", "", ``, app, 400, `"code":"invalid_parameter","field":"email"`},
			{"query email invalid", "GET", "/external/api/v1/accounts/get_authentication_attempts?email=nope", "", ``, app, 400, `"code":"invalid_parameter","field":"email"`},
			{"oversized body", "POST", change, "application/json", `{"new_email":"` + strings.Repeat("a", 70<<10) + `"}`, user, 413, `"code":"payload_too_large"`},

			// Precedence: each row breaks every later rule too.
			{"no token beats everything", "POST", change, "text/plain", `{"x":`, nil, 401, `"code":"unauthorized"`},
			{"wrong kind of token beats the body", "POST", change, "text/plain", `{"x":`, app, 403, `"code":"insufficient_scope"`},
			{"content type beats JSON syntax", "POST", change, "text/plain", `{"x":`, user, 400, `"code":"invalid_content_type_error"`},
			{"JSON syntax beats unknown fields", "POST", change, "application/json", `{"zzz":1,`, user, 400, `"code":"json_parser_error"`},
			{"unknown fields beat values", "POST", change, "application/json", `{"new_email":"bad","zzz":1}`, user, 400, `"code":"unknown_parameter","field":"zzz"`},
			{"first invalid value alphabetically", "POST", change, "application/json", `{"new_email":"bad","confirmation_url":"` + strings.Repeat("u", 1025) + `"}`, user, 400, `"code":"invalid_parameter","field":"confirmation_url"`},

			// The token endpoint answers in OAuth's body.
			{"token: JSON instead of a form", "POST", tokenURL, "application/json", `{"grant_type":"none"}`, nil, 400, `{"error":"invalid_request"`},
			// OAuth 2 (RFC 6749 §3.2): unrecognised parameters of the token endpoint are ignored.
			{"token: unknown parameter ignored", "POST", tokenURL, form, `grant_type=none&client_id=a&client_secret=b&zzz=1`, nil, 401, `{"error":"invalid_client"`},
			{"token: no grant_type", "POST", tokenURL, form, `client_id=a&client_secret=b`, nil, 400, `{"error":"invalid_request"`},
			{"token: empty body", "POST", tokenURL, form, ``, nil, 400, `{"error":"invalid_request"`},
			{"token: unknown grant", "POST", tokenURL, form, `grant_type=authorization_code&client_id=a&client_secret=b`, nil, 400, `{"error":"unsupported_grant_type"`},
			{"token: unknown client", "POST", tokenURL, form, `grant_type=none&client_id=a&client_secret=b`, nil, 401, `{"error":"invalid_client"`},
			{"token: oversized", "POST", tokenURL, form, `grant_type=none&client_secret=` + strings.Repeat("s", 70<<10), nil, 413, `{"error":"invalid_request"`},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				resp, body := p.raw(tc.method, tc.path, tc.ctype, tc.body, tc.headers...)
				if resp.StatusCode != tc.status || !strings.Contains(body, tc.want) {
					t.Fatalf("got %d %s\nwant %d containing %s", resp.StatusCode, body, tc.status, tc.want)
				}
				if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
					t.Fatalf("content type %q", ct)
				}
				if !json.Valid([]byte(body)) {
					t.Fatalf("body is not JSON: %s", body)
				}
			})
		}
	})
}

// Requests under Payway's paths that match no operation get Payway's body too (not through
// the contract check: they are not operations of openapi.yaml).
func TestPaywayUnknownRoutes(t *testing.T) {
	p := newPayway(t, t.TempDir()+"/a.db")
	p.appToken(p.a) // keeps the contract check in use
	for _, tc := range []struct {
		method, path string
		status       int
		code         string
	}{
		{"GET", "/external/api/v1/nope", 404, "not_found"},
		{"GET", "/external/api/v1/accounts/create_password_reset", 405, "method_not_allowed"},
		{"DELETE", "/external/api/v1/me", 405, "method_not_allowed"},
		{"GET", "/api/authorization/access_token", 405, "method_not_allowed"},
	} {
		req, _ := http.NewRequest(tc.method, p.baseURL+tc.path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if resp.StatusCode != tc.status || body["code"] != tc.code || body["message"] == nil {
			t.Errorf("%s %s: %d %v", tc.method, tc.path, resp.StatusCode, body)
		}
	}
}

// When the server fails (here: a table it needs is gone), Payway's 500 bodies say so without
// internals, in the declared schema (checked with the contract directly: the transport fails
// any 5xx, since in every other test a 5xx is a bug).
func TestPaywayServerErrorHidesInternals(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		p := newPayway(t, dsn)
		app := p.appToken(p.a)
		if err := p.app.DB.Exec("DROP TABLE client_tokens").Error; err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			path, ctype, body, auth, want string
		}{
			{"/api/authorization/access_token", "application/x-www-form-urlencoded",
				"grant_type=none&client_id=" + p.a.id + "&client_secret=" + p.a.secret, "",
				`{"error":"server_error","error_description":"Something unexpected happened server side"}`},
			{"/external/api/v1/accounts/create_password_reset", "application/json", `{"email":"jane@example.com"}`, app,
				`{"code":"internal_server_error","message":"Something unexpected happened server side"}`},
		} {
			req, _ := http.NewRequest("POST", p.baseURL+tc.path, strings.NewReader(tc.body))
			req.Header.Set("Content-Type", tc.ctype)
			if tc.auth != "" {
				req.Header.Set("Authorization", "Bearer "+tc.auth)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 500 || strings.TrimSpace(string(body)) != tc.want {
				t.Fatalf("%s: %d %s", tc.path, resp.StatusCode, body)
			}
			if err := p.contract.Check(req, []byte(tc.body), resp, body); err != nil {
				t.Fatalf("%s: %v", tc.path, err)
			}
		}
	})
}
