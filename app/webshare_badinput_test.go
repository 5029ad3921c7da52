package app_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/accountd/accountd/testkit"
)

// Every client mistake gets a clear error in Webshare's format, never a 500, and the contract
// transport checks each answer against openapi.yaml.
func TestWebshareBadInput(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		tok := e.register("bad@example.com", goodPassword)
		auth := []string{"Authorization", "Token " + tok}
		const login = "/api/v2/login/"
		tests := []struct {
			name, method, path, ctype, body string
			headers                         []string
			status                          int
			want                            string // a fragment of the body
		}{
			{"malformed JSON", "POST", login, "application/json", `{"email":`, nil, 400, `"detail":"JSON parse error - `},
			{"JSON that is not an object", "POST", login, "application/json", `[1,2]`, nil, 400, `"non_field_errors":["Invalid data. Expected a dictionary."]`},
			{"null body", "POST", login, "application/json", `null`, nil, 400, `"non_field_errors":["Invalid data. Expected a dictionary."]`},
			{"wrong content type", "POST", login, "text/plain", `email=a`, nil, 415, `Unsupported media type \"text/plain\" in request.`},
			{"form body", "POST", login, "application/x-www-form-urlencoded", `email=a`, nil, 415, `Unsupported media type`},
			{"no body", "POST", login, "application/json", ``, nil, 400, `"recaptcha":["This field is required."]`},
			// Like DRF, Webshare answers a request with an unknown key as if the key were absent.
			{"unknown field", "POST", login, "application/json", `{"email":"bad@example.com","password":"` + goodPassword + `","recaptcha":"x","admin":true}`, nil, 200, `"token":"`},
			// ...but a case variant of a declared key is such an unknown key: it never binds to
			// the declared one (encoding/json would match keys case-insensitively; the server
			// binds the validated value with exact names). Bound, EMAIL would log bad@ in.
			{"case-variant duplicate key", "POST", login, "application/json", `{"email":"nobody@example.com","EMAIL":"bad@example.com","password":"` + goodPassword + `","recaptcha":"x"}`, nil, 400, `"non_field_errors":["Unable to log in with provided credentials."]`},
			{"case-variant key alone", "POST", login, "application/json", `{"EMAIL":"bad@example.com","password":"` + goodPassword + `","recaptcha":"x"}`, nil, 400, `"email":["This field is required."]`},
			{"wrong type", "POST", "/api/v2/register/", "application/json", `{"email":"n@example.com","password":"correct-horse","recaptcha":"x","tos_accepted":"yes"}`, nil, 400, `"tos_accepted":["Must be a valid boolean."]`},
			{"null value", "POST", login, "application/json", `{"email":null,"password":"x","recaptcha":"x"}`, nil, 400, `"email":[`},
			{"invalid email", "POST", "/api/v2/resetpassword/", "application/json", `{"email":"a b@example.com","recaptcha":"x"}`, nil, 400, `"email":["Enter a valid email address."]`},
			{"email with display name", "POST", "/api/v2/resetpassword/", "application/json", `{"email":"Jane <jane@example.com>","recaptcha":"x"}`, nil, 400, `"email":["Enter a valid email address."]`},
			{"too long", "POST", login, "application/json", `{"email":"bad@example.com","password":"` + strings.Repeat("p", 257) + `","recaptcha":"x"}`, nil, 400, `"password":["Ensure this field has no more than 256 characters."]`},
			{"oversized body", "POST", login, "application/json", `{"email":"bad@example.com","password":"x","recaptcha":"` + strings.Repeat("r", 70<<10) + `"}`, nil, 413, `"detail":"Request body is too large."`},
			{"no token", "POST", "/api/v2/changepassword/", "application/json", `{"password":"a","new_password":"b"}`, nil, 401, `"detail":"Authentication credentials were not provided."`},
			{"bearer instead of token", "POST", "/api/v2/changepassword/", "application/json", `{"password":"a","new_password":"b"}`, []string{"Authorization", "Bearer " + tok}, 401, `credentials were not provided`},
			{"unknown token", "GET", "/api/v2/activation/", "", ``, []string{"Authorization", "Token 0000"}, 401, `"detail":"Invalid token."`},
			{"malformed token header", "GET", "/api/v2/activation/", "", ``, []string{"Authorization", "Token a b"}, 401, `"detail":"Invalid token."`},
			{"body on logout", "POST", "/api/v2/logout/", "application/json", `["x"]`, auth, 400, `"non_field_errors":["Invalid data. Expected a dictionary."]`},
			{"wrong code", "POST", "/api/v2/changeemail/complete/", "application/json", `{"confirmation_code":"nope"}`, auth, 400, `"confirmation_code":["Invalid confirmation code."]`},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				resp, body := e.raw(tc.method, tc.path, tc.ctype, tc.body, tc.headers...)
				if resp.StatusCode != tc.status || !strings.Contains(body, tc.want) {
					t.Fatalf("got %d %s\nwant %d containing %s", resp.StatusCode, body, tc.status, tc.want)
				}
				if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
					t.Fatalf("content type %q", ct)
				}
				if !json.Valid([]byte(body)) {
					t.Fatalf("body is not JSON: %s", body)
				}
				if resp.StatusCode == http.StatusUnauthorized && resp.Header.Get("WWW-Authenticate") != "Token" {
					t.Fatalf("401 without WWW-Authenticate: Token")
				}
			})
		}
		// Webshare's own samples send no body to these two.
		if resp, body := e.raw("POST", "/api/v2/activation/resend/", "", "", auth...); resp.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("resend without a body: %d %s", resp.StatusCode, body)
		}
		if resp, body := e.raw("POST", "/api/v2/logout/", "", "", auth...); resp.StatusCode != http.StatusNoContent {
			t.Fatalf("logout without a body: %d %s", resp.StatusCode, body)
		}
		// Unknown keys in the empty body are ignored too.
		other := []string{"Authorization", "Token " + e.login("bad@example.com", goodPassword)}
		if resp, body := e.raw("POST", "/api/v2/logout/", "application/json", `{"x":1}`, other...); resp.StatusCode != http.StatusNoContent {
			t.Fatalf("logout with an unknown key: %d %s", resp.StatusCode, body)
		}
		// Nothing above may have changed the account.
		e.login("bad@example.com", goodPassword)
	})
}

// Paths outside the spec answer in the vendor's body too: they match no operation, so the
// contract transport checks them against Webshare's error schema.
func TestWebshareUnknownRoutes(t *testing.T) {
	e := newEnv(t, t.TempDir()+"/a.db")
	for _, tc := range []struct {
		method, path string
		status       int
	}{{"GET", "/api/v2/nope/", 404}, {"POST", "/api/v2/login", 404}, {"GET", "/api/v2/login/", 405}} {
		req, _ := http.NewRequestWithContext(testkit.ExpectNoOperation(ctx, "WebshareError"), tc.method, e.baseURL+tc.path, nil)
		resp, err := e.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if resp.StatusCode != tc.status || body["detail"] == nil {
			t.Errorf("%s %s: %d %v", tc.method, tc.path, resp.StatusCode, body)
		}
	}
}
