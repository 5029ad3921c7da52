package app_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/accountd/accountd/gen/spec"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// Request-path pieces in process (no sockets), to set against a whole request's CPU in
// bench/results.md: kin-openapi's validation of a hot request alone (route lookup and body
// schema, as the server's validator runs it; security is checked by the vendors' schemes, so it
// is a no-op here), and the whole server on a request that does no database work.
func BenchmarkRequestPath(b *testing.B) {
	e := newEnv(b, filepath.Join(b.TempDir(), "a.db"))
	if _, err := e.api.GetHealthWithResponse(ctx); err != nil {
		b.Fatal(err)
	}
	doc, err := spec.Load()
	if err != nil {
		b.Fatal(err)
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		b.Fatal(err)
	}
	opts := &openapi3filter.Options{MultiError: true,
		AuthenticationFunc: func(context.Context, *openapi3filter.AuthenticationInput) error { return nil }}
	validation := func(method, path, ctype, body string) func(b *testing.B) {
		return func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequest(method, path, strings.NewReader(body))
				req.Header.Set("Content-Type", ctype)
				route, params, err := router.FindRoute(req)
				if err != nil {
					b.Fatal(err)
				}
				in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts}
				if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	server := func(method, path, ctype, body string, want int) func(b *testing.B) {
		return func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequest(method, path, strings.NewReader(body))
				if ctype != "" {
					req.Header.Set("Content-Type", ctype)
				}
				rec := httptest.NewRecorder()
				e.app.HTTP.ServeHTTP(rec, req)
				if rec.Code != want {
					b.Fatalf("status %d, want %d: %s", rec.Code, want, rec.Body)
				}
			}
		}
	}
	b.Run("validation only: Webshare login", validation("POST", "/api/v2/login/", "application/json",
		`{"email":"jane@example.com","password":"correct-horse-battery","recaptcha":"x"}`))
	b.Run("validation only: Payway request_email_change", validation("POST", "/external/api/v1/me/request_email_change",
		"application/json", `{"new_email":"jane.doe@example.com","confirmation_url":"https://www.example.com/confirm"}`))
	b.Run("validation only: Payway password grant (form)", validation("POST", "/api/authorization/access_token",
		"application/x-www-form-urlencoded", "grant_type=password&client_id=c&client_secret=s&username=o%5Ejane%40example.com&password=p"))
	b.Run("whole server: GET /healthz", server("GET", "/healthz", "", "", http.StatusOK))
	b.Run("whole server: login refused by validation (400, error rendering)", server("POST", "/api/v2/login/", "application/json",
		`{"email":"nope","recaptcha":"x"}`, http.StatusBadRequest))
}
