package app_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// While the database cannot be reached, every vendor answers 503 with Retry-After in its own
// error body (declared in openapi.yaml, so the contract check passes it), /readyz says 503,
// and both recover by themselves (defect 4: a 10 s outage answered 205 requests with 500).
func TestDatabaseDownAnswers503(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		pool := injectFaults(e, nil)
		form := url.Values{"grant_type": {"password"}, "client_id": {"5f2b6c1e9a3d4e0012ab34ce"},
			"client_secret": {"x"}, "username": {"5f2b6c1e9a3d4e0012ab34cf^a@example.com"}, "password": {"x"}}.Encode()
		cases := []struct {
			vendor, method, path, contentType, body string
			field, want                             string // a field of the body and its value
		}{
			{"Webshare", "POST", "/api/v2/login/", "application/json", `{"email":"a@example.com","password":"correct-horse-battery","recaptcha":"x"}`, "code", "service_unavailable"},
			{"Payway", "POST", "/api/authorization/access_token", "application/x-www-form-urlencoded", form, "error", "temporarily_unavailable"},
			{"Rixl", "POST", "/auth/v1/login", "application/json", `{"email":"a@example.com","password":"correct-horse-battery"}`, "error", "Service unavailable"},
			{"Akana", "POST", "/api/login", "application/json", `{"email":"a@example.com","password":"correct-horse-battery"}`, "code", "503"},
			// A credential is resolved in the security scheme, before the handler.
			{"Payway (token)", "GET", "/external/api/v1/me", "", "", "code", "service_unavailable"},
		}
		if resp, _ := e.raw("GET", "/readyz", "", ""); resp.StatusCode != http.StatusOK {
			t.Fatalf("readyz before the outage: %d", resp.StatusCode)
		}
		pool.outage.Store(true)
		for _, c := range cases {
			resp, body := e.raw(c.method, c.path, c.contentType, c.body, "Authorization", "Bearer not-a-real-token-but-well-formed-0123")
			var got map[string]any
			_ = json.Unmarshal([]byte(body), &got)
			if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" || jsonString(got[c.field]) != c.want {
				t.Errorf("%s during the outage: %d, Retry-After %q, %s; want 503 with Retry-After and %s %q",
					c.vendor, resp.StatusCode, resp.Header.Get("Retry-After"), body, c.field, c.want)
			}
		}
		// The hosted pages (a link from a mail) answer a page of their own, with Retry-After.
		if resp, body := e.raw("GET", "/activation/Zk3v0QbL2m7tYx1nA9sWqE4rT6uI8oP0aSdFgHjKlZx/confirm/", "", ""); resp.StatusCode != http.StatusServiceUnavailable ||
			resp.Header.Get("Retry-After") == "" || !strings.Contains(body, "Please try again in a moment") {
			t.Errorf("Pages during the outage: %d, Retry-After %q, %.200s; want 503 with Retry-After and a page", resp.StatusCode, resp.Header.Get("Retry-After"), body)
		} else {
			wantPageHeaders(t, resp.Header, "Pages during the outage")
		}
		waitFor(t, "/readyz to say 503", func() bool {
			resp, _ := e.raw("GET", "/readyz", "", "")
			return resp.StatusCode == http.StatusServiceUnavailable
		})
		pool.outage.Store(false)
		waitFor(t, "/readyz to say 200 again", func() bool {
			resp, _ := e.raw("GET", "/readyz", "", "")
			return resp.StatusCode == http.StatusOK
		})
		if resp, body := e.raw(cases[0].method, cases[0].path, cases[0].contentType, cases[0].body); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("Webshare login after the outage: %d %s, want 400 (unknown address)", resp.StatusCode, body)
		}
	})
}

func jsonString(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return ""
}
