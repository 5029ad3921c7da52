package app_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/accountd/accountd/app"
)

const (
	appOrigin   = "https://app.example.test"
	otherOrigin = "https://evil.example.test"
)

// withCORS lists the browser origins allowed to call the API (ACCOUNTD_CORS_ORIGINS).
func withCORS(origins string) envOption { return func(c *app.Config) { c.CORSOrigins = origins } }

// corsHeaders returns the Access-Control-* headers of an answer (canonical names, joined).
func corsHeaders(h http.Header) map[string]string {
	out := map[string]string{}
	for name, values := range h {
		if strings.HasPrefix(name, "Access-Control-") {
			out[name] = strings.Join(values, ", ")
		}
	}
	return out
}

// preflight sends what a browser sends before a cross-origin request that is not "simple". It
// bypasses the contract check: the preflight is the browser's protocol, not an operation.
func preflight(t *testing.T, base, origin, method, path, headers string) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodOptions, base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Origin", origin)
	req.Header.Set("Access-Control-Request-Method", method)
	if headers != "" {
		req.Header.Set("Access-Control-Request-Headers", headers)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// TestCORSPreflightPerVendor: a listed origin's preflight of each vendor's operations is
// answered 204 with the path's methods, credentials, and the request headers the vendor needs
// (Akana's CSRF header under the configured tenant, Rixl's and Payway's Authorization).
func TestCORSPreflightPerVendor(t *testing.T) {
	e := newEnv(t, t.TempDir()+"/a.db", withCORS(" https://App.Example.test:443 ,http://localhost:5173"),
		func(c *app.Config) { c.AkanaTenant = "globex" })
	e.register("cors@example.com", goodPassword) // one checked exchange, for the env's own check
	cases := []struct {
		vendor, method, path, headers, methods string
		needHeaders                            []string
	}{
		{"Webshare", "POST", "/api/v2/register/", "content-type", "POST", []string{"Content-Type"}},
		{"Webshare", "GET", "/api/v2/activation/", "authorization", "GET, HEAD", []string{"Authorization"}},
		{"Payway", "POST", "/api/authorization/access_token", "content-type", "POST", []string{"Content-Type"}},
		{"Payway", "GET", "/external/api/v1/me", "authorization", "GET, HEAD", []string{"Authorization"}},
		{"Akana", "POST", "/api/login", "content-type", "POST", []string{"Content-Type"}},
		{"Akana", "POST", "/api/users/x.globex/sendEmailChangeCode", "content-type,x-csrf-token_globex", "POST",
			[]string{"Content-Type", "X-Csrf-Token_globex"}},
		{"Akana", "GET", "/api/login/status", "accept", "GET, HEAD", []string{"Accept"}},
		{"Rixl", "POST", "/auth/v1/logout", "authorization", "POST", []string{"Authorization"}},
		{"Rixl", "DELETE", "/auth/v1/memberships/org1/leave", "authorization", "DELETE, POST", []string{"Authorization"}}, // both methods: Rixl's doc page and its OpenAPI
	}
	for _, tc := range cases {
		t.Run(tc.vendor+" "+tc.method+" "+tc.path, func(t *testing.T) {
			for _, origin := range []string{appOrigin, "http://localhost:5173"} {
				resp := preflight(t, e.baseURL, origin, tc.method, tc.path, tc.headers)
				h := resp.Header
				if resp.StatusCode != http.StatusNoContent {
					t.Fatalf("%s: want 204, got %d %v", origin, resp.StatusCode, h)
				}
				if got := h.Get("Access-Control-Allow-Origin"); got != origin {
					t.Errorf("%s: Allow-Origin %q", origin, got)
				}
				if got := h.Get("Access-Control-Allow-Credentials"); got != "true" {
					t.Errorf("Allow-Credentials %q, want true (Akana's cookie session)", got)
				}
				if got := h.Get("Access-Control-Allow-Methods"); got != tc.methods {
					t.Errorf("Allow-Methods %q, want %q (the path's operations)", got, tc.methods)
				}
				allowed := strings.Split(h.Get("Access-Control-Allow-Headers"), ", ")
				for _, want := range tc.needHeaders {
					if !containsFold(allowed, want) {
						t.Errorf("Allow-Headers %v lacks %s", allowed, want)
					}
				}
				if h.Get("Access-Control-Max-Age") == "" {
					t.Error("no Access-Control-Max-Age: every request would be preflighted again")
				}
				if !strings.Contains(strings.Join(h.Values("Vary"), ","), "Origin") {
					t.Errorf("Vary %v lacks Origin", h.Values("Vary"))
				}
			}
		})
	}
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

// TestCORSRefusals: an origin not on the list, a method or path the API does not have, and a
// server with CORS off (the default) get no CORS header at all, and OPTIONS its ordinary 405
// or 404 in the vendor's body.
func TestCORSRefusals(t *testing.T) {
	on := newEnv(t, t.TempDir()+"/a.db", withCORS(appOrigin))
	off := newEnv(t, t.TempDir()+"/b.db")
	on.register("on@example.com", goodPassword)
	off.register("off@example.com", goodPassword)
	cases := []struct {
		name                 string
		base, origin, method string
		path                 string
		status               int
	}{
		{"origin not on the list", on.baseURL, otherOrigin, "POST", "/api/v2/register/", http.StatusMethodNotAllowed},
		{"origin differing only in scheme", on.baseURL, "http://app.example.test", "POST", "/api/v2/register/", http.StatusMethodNotAllowed},
		{"origin null", on.baseURL, "null", "POST", "/api/login", http.StatusMethodNotAllowed},
		{"method the path does not have", on.baseURL, appOrigin, "DELETE", "/api/v2/register/", http.StatusMethodNotAllowed},
		{"path the API does not have", on.baseURL, appOrigin, "GET", "/api/v2/nope/", http.StatusNotFound},
		{"CORS off", off.baseURL, appOrigin, "POST", "/api/v2/register/", http.StatusMethodNotAllowed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp := preflight(t, tc.base, tc.origin, tc.method, tc.path, "content-type")
			if resp.StatusCode != tc.status {
				t.Errorf("preflight: want %d, got %d", tc.status, resp.StatusCode)
			}
			if got := corsHeaders(resp.Header); len(got) != 0 {
				t.Errorf("preflight: want no CORS headers, got %v", got)
			}
		})
	}
	// The actual request of a browser on an origin not on the list, through the contract check.
	for name, env := range map[string]*env{"origin not on the list": on, "CORS off": off} {
		origin := otherOrigin
		if env == off {
			origin = appOrigin
		}
		req, _ := http.NewRequest(http.MethodPost, env.baseURL+"/api/login", strings.NewReader(`{"email":"x@example.com","password":"nope"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Origin", origin)
		resp, err := env.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := corsHeaders(resp.Header); len(got) != 0 {
			t.Errorf("%s: answer has CORS headers %v", name, got)
		}
	}
}

// TestCORSActualRequests: answers to a listed origin, successes and errors alike, let the
// script read them: the origin (never "*"), credentials, and the declared headers it reads
// (Retry-After on 429). Akana's cookie flow works cross-origin: login sets the cookies, and a
// POST with the CSRF header is accepted.
func TestCORSActualRequests(t *testing.T) {
	e := newEnv(t, t.TempDir()+"/a.db", withCORS(appOrigin))
	e.register("jmead@example.com", goodPassword)
	send := func(method, path, contentType, body string, header ...string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(method, e.baseURL+path, strings.NewReader(body))
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		req.Header.Set("Origin", appOrigin)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, err := e.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	checkCORS := func(step string, resp *http.Response, status int) {
		t.Helper()
		if resp.StatusCode != status {
			t.Fatalf("%s: want %d, got %d", step, status, resp.StatusCode)
		}
		h := resp.Header
		if h.Get("Access-Control-Allow-Origin") != appOrigin || h.Get("Access-Control-Allow-Credentials") != "true" {
			t.Errorf("%s: CORS headers %v", step, corsHeaders(h))
		}
		exposed := strings.Split(h.Get("Access-Control-Expose-Headers"), ", ")
		if !containsFold(exposed, "Retry-After") {
			t.Errorf("%s: Expose-Headers %v lacks Retry-After", step, exposed)
		}
		if containsFold(exposed, "Set-Cookie") {
			t.Errorf("%s: Expose-Headers %v names Set-Cookie, which no script can read", step, exposed)
		}
	}

	login := send("POST", "/api/login", "application/json", `{"email":"jmead@example.com","password":"`+goodPassword+`"}`)
	checkCORS("Akana login", login, http.StatusOK)
	var session, csrf string
	for _, c := range login.Cookies() {
		switch {
		case strings.HasPrefix(c.Name, "AtmoAuthToken_"):
			session = c.Name + "=" + c.Value
		case strings.HasPrefix(c.Name, "Csrf-Token_"):
			csrf = c.Value
		}
	}
	if session == "" || csrf == "" {
		t.Fatalf("login set no session and CSRF cookies: %v", login.Header.Values("Set-Cookie"))
	}
	renew := send("POST", "/api/login/renewToken", "application/x-www-form-urlencoded", "",
		"Cookie", session+"; Csrf-Token_acmepaymentscorp="+csrf, "X-Csrf-Token_acmepaymentscorp", csrf)
	checkCORS("Akana renewToken with the CSRF header", renew, http.StatusOK)
	checkCORS("Webshare bad login (400)", send("POST", "/api/v2/login/", "application/json", `{"email":"nope"}`), http.StatusBadRequest)
	checkCORS("Rixl without a token (401)", send("POST", "/auth/v1/logout", "", ""), http.StatusUnauthorized)
}

// TestCORSConfigRefused: a wildcard (credentials are allowed) or anything that is not an
// origin stops the server at start with the variable's name.
func TestCORSConfigRefused(t *testing.T) {
	for _, origins := range []string{"*", "https://*.example.com", "https://app.example.com/path", "app.example.com",
		"null", "ftp://app.example.com", "https://user@app.example.com", "https://app.example.com:99999"} {
		t.Run(origins, func(t *testing.T) {
			cfg := app.Config{DatabaseURL: t.TempDir() + "/a.db", Secret: testSecret, Dev: "true", MailInterval: -1,
				PasswordParams: &cheapHashing, CORSOrigins: origins}
			a, err := app.New(context.Background(), cfg)
			if err == nil {
				a.Close()
				t.Fatalf("app.New accepted ACCOUNTD_CORS_ORIGINS=%q", origins)
			}
			if !strings.Contains(err.Error(), "ACCOUNTD_CORS_ORIGINS") {
				t.Errorf("error does not name the variable: %v", err)
			}
		})
	}
}
