package payway

import (
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/accountd/accountd/account"
	"github.com/accountd/accountd/handlers/httpapi"
	"github.com/getkin/kin-openapi/openapi3"
)

// vendorFailure is some other vendor's own failure type, which Payway does not know.
type vendorFailure struct{}

func (vendorFailure) Error() string  { return "another vendor's failure" }
func (vendorFailure) VendorFailure() {}

// Each failure the server can hand Payway's renderer, and the exact response for it.
func TestRender(t *testing.T) {
	maxLen := uint64(1024)
	core := func(op string, kind account.Kind, code, field string) httpapi.Failure {
		return httpapi.Failure{Kind: httpapi.FailCore, Operation: op, Core: &account.Error{Kind: kind, Code: code, Field: field}, Field: field}
	}
	const op = "paywayRequestEmailChange"
	const tok = tokenOperation
	noStore := map[string]string{"Cache-Control": "no-store"}
	tests := []struct {
		name    string
		failure httpapi.Failure
		status  int
		golden  string
		headers map[string]string
	}{
		{"content type", httpapi.Failure{Kind: httpapi.FailMediaType, Operation: op, MediaType: "text/plain"},
			400, `{"code":"invalid_content_type_error","message":"The request's Content-Type header isn't set to application/json"}`, nil},
		{"parse", httpapi.Failure{Kind: httpapi.FailParse, Operation: op, Detail: "unexpected EOF"},
			400, `{"code":"json_parser_error","message":"The request body could not be parsed as valid json"}`, nil},
		{"not an object", httpapi.Failure{Kind: httpapi.FailValidation, Operation: op, Issues: []httpapi.Issue{{Rule: "object"}}},
			400, `{"code":"json_parser_error","message":"The request body must be a json object"}`, nil},
		{"unknown field wins over values", httpapi.Failure{Kind: httpapi.FailValidation, Operation: op, Issues: []httpapi.Issue{
			{Field: "new_email", Rule: "format", Schema: &openapi3.Schema{Format: "email"}},
			{Field: "zzz", Rule: "unsupported"},
		}}, 400, `{"code":"unknown_parameter","field":"zzz","message":"Parameter is not recognized"}`, nil},
		{"first invalid field alphabetically", httpapi.Failure{Kind: httpapi.FailValidation, Operation: op, Issues: []httpapi.Issue{
			{Field: "new_email", Rule: "required"},
			{Field: "confirmation_url", Rule: "maxLength", Schema: &openapi3.Schema{MaxLength: &maxLen}},
		}}, 400, `{"code":"invalid_parameter","field":"confirmation_url","message":"Parameter must be at most 1024 characters"}`, nil},
		{"pattern", httpapi.Failure{Kind: httpapi.FailValidation, Issues: []httpapi.Issue{{Field: "id", Rule: "pattern", Schema: &openapi3.Schema{Pattern: "^[a-f0-9]{24}$"}}}},
			400, `{"code":"invalid_parameter","field":"id","message":"Parameter must match format (/^[a-f0-9]{24}$/)"}`, nil},
		{"email format", httpapi.Failure{Kind: httpapi.FailValidation, Issues: []httpapi.Issue{{Field: "email", Rule: "format", Schema: &openapi3.Schema{Format: "email"}}}},
			400, `{"code":"invalid_parameter","field":"email","message":"Parameter must be a valid e-mail address"}`, nil},
		{"type", httpapi.Failure{Kind: httpapi.FailValidation, Issues: []httpapi.Issue{{Field: "login_successful", Rule: "type", Schema: &openapi3.Schema{Type: &openapi3.Types{"boolean"}}}}},
			400, `{"code":"invalid_parameter","field":"login_successful","message":"Parameter must be a boolean"}`, nil},
		{"url checked by the handler", httpapi.Failure{Kind: httpapi.FailVendor, Operation: op, Err: &invalidParam{field: "confirmation_url", rule: "format"}},
			400, `{"code":"invalid_parameter","field":"confirmation_url","message":"Parameter must be a valid URL"}`, nil},
		{"too large", httpapi.Failure{Kind: httpapi.FailTooLarge, Operation: op}, 413, `{"code":"payload_too_large","message":"The request body is too large"}`, nil},
		{"no route", httpapi.Failure{Kind: httpapi.FailNotFound}, 404, `{"code":"not_found","message":"The resource could not be found"}`, nil},
		{"method", httpapi.Failure{Kind: httpapi.FailMethod}, 405, `{"code":"method_not_allowed","message":"The method is not allowed for this resource"}`, nil},
		{"internal", httpapi.Failure{Kind: httpapi.FailInternal, Operation: op, Err: errors.New("db down")},
			500, `{"code":"internal_server_error","message":"Something unexpected happened server side"}`, nil},
		{"another vendor's failure", httpapi.Failure{Kind: httpapi.FailVendor, Operation: op, Err: vendorFailure{}},
			500, `{"code":"internal_server_error","message":"Something unexpected happened server side"}`, nil},
		{"missing scope", httpapi.Failure{Kind: httpapi.FailVendor, Operation: op, Err: &forbidden{scope: "/external/me/w"}},
			403, `{"code":"insufficient_scope","message":"The access token does not grant /external/me/w"}`, nil},
		{"application token on /me", httpapi.Failure{Kind: httpapi.FailVendor, Operation: "paywayGetMe", Err: &forbidden{wrongKind: "user"}},
			403, `{"code":"insufficient_scope","message":"This operation needs a user token"}`, nil},
		{"user token on accounts", httpapi.Failure{Kind: httpapi.FailVendor, Err: &forbidden{wrongKind: "application"}},
			403, `{"code":"insufficient_scope","message":"This operation needs an application token"}`, nil},

		{"no token", core(op, account.KindUnauthenticated, account.CodeNoCredentials, ""),
			401, `{"code":"unauthorized","message":"The access token is missing, invalid or expired"}`, map[string]string{"WWW-Authenticate": "Bearer"}},
		{"bad token", core(op, account.KindUnauthenticated, account.CodeInvalidToken, ""),
			401, `{"code":"unauthorized","message":"The access token is missing, invalid or expired"}`, map[string]string{"WWW-Authenticate": "Bearer"}},
		{"deleted account", core(op, account.KindForbidden, account.CodeAccountDeleted, ""),
			401, `{"code":"unauthorized","message":"The access token is missing, invalid or expired"}`, map[string]string{"WWW-Authenticate": "Bearer"}},
		{"not found", core("paywayCreatePasswordReset", account.KindNotFound, account.CodeNotFound, "contact_email"),
			404, `{"code":"not_found","field":"contact_email","message":"contact_email could not be found"}`, nil},
		{"not found, no field", core("paywayGetMe", account.KindNotFound, account.CodeNotFound, ""),
			404, `{"code":"not_found","message":"The account could not be found"}`, nil},
		{"other organisation", core(op, account.KindConflict, account.CodeInvalidOrgAccount, ""),
			409, `{"code":"account_not_belonging_to_organisation","message":"The account is not connected to your organisation"}`, nil},
		{"same address", core(op, account.KindConflict, account.CodeEmailUnchanged, "new_email"),
			409, `{"code":"new_and_current_email_same","message":"The new e-mail is the same as the current"}`, nil},
		{"address taken", core(op, account.KindConflict, account.CodeEmailTaken, "new_email"),
			409, `{"code":"already_exists","field":"new_email","message":"new_email already exists"}`, nil},
		{"bad code", core("paywayVerifyEmailChange", account.KindInvalid, account.CodeInvalidCode, "confirmation_code"),
			409, `{"code":"invalid_confirmation_code","field":"confirmation_code","message":"confirmation_code does not match"}`, nil},
		{"invalid value from the core", core(op, account.KindInvalid, account.CodeInvalidEmail, "new_email"),
			400, `{"code":"invalid_parameter","field":"new_email","message":"Parameter must be a valid e-mail address"}`, nil},
		{"throttled (a partial second rounds up)", httpapi.Failure{Kind: httpapi.FailCore, Operation: op, Core: &account.Error{Kind: account.KindRateLimited, Code: account.CodeThrottled, RetryAfter: 41200 * time.Millisecond}},
			429, `{"code":"too_many_requests","message":"Too many requests; try again in 42 seconds"}`, map[string]string{"Retry-After": "42"}},
		{"core internal", core(op, account.KindInternal, "internal", ""),
			500, `{"code":"internal_server_error","message":"Something unexpected happened server side"}`, nil},

		// The token endpoint speaks OAuth 2.
		{"token: wrong password", core(tok, account.KindInvalid, account.CodeInvalidCredentials, ""),
			400, `{"error":"invalid_grant","error_description":"Username/password do not match"}`, noStore},
		{"token: frozen", httpapi.Failure{Kind: httpapi.FailCore, Operation: tok, Core: &account.Error{Kind: account.KindRateLimited, Code: account.CodeAccountFrozen}},
			400, `{"error":"invalid_grant","error_description":"The account is frozen after too many failed logins; try again later"}`, noStore},
		{"token: reused refresh token", core(tok, account.KindInvalid, account.CodeRefreshTokenReused, ""),
			400, `{"error":"invalid_grant","error_description":"The refresh token was already used; every token of its login is revoked"}`, noStore},
		{"token: bad refresh token", core(tok, account.KindInvalid, account.CodeInvalidRefreshToken, ""),
			400, `{"error":"invalid_grant","error_description":"The refresh token is invalid or expired"}`, noStore},
		{"token: scope", core(tok, account.KindInvalid, account.CodeInvalidScope, "scope"),
			400, `{"error":"invalid_scope","error_description":"The requested scope is invalid or exceeds what the client holds"}`, noStore},
		{"token: client", core(tok, account.KindUnauthenticated, account.CodeInvalidClient, ""),
			401, `{"error":"invalid_client","error_description":"Client authentication failed"}`, noStore},
		{"token: unsupported grant", httpapi.Failure{Kind: httpapi.FailVendor, Operation: tok, Err: &oauthError{code: "unsupported_grant_type", description: "grant_type must be password, none or refresh_token"}},
			400, `{"error":"unsupported_grant_type","error_description":"grant_type must be password, none or refresh_token"}`, noStore},
		{"token: not a form", httpapi.Failure{Kind: httpapi.FailMediaType, Operation: tok, MediaType: "application/json"},
			400, `{"error":"invalid_request","error_description":"The body must be application/x-www-form-urlencoded"}`, noStore},
		{"token: missing parameter", httpapi.Failure{Kind: httpapi.FailValidation, Operation: tok, Issues: []httpapi.Issue{{Field: "grant_type", Rule: "required"}}},
			400, `{"error":"invalid_request","error_description":"Invalid parameter grant_type"}`, noStore},
		{"token: too large", httpapi.Failure{Kind: httpapi.FailTooLarge, Operation: tok},
			413, `{"error":"invalid_request","error_description":"The request body is too large"}`, noStore},
		{"token: internal", httpapi.Failure{Kind: httpapi.FailInternal, Operation: tok, Err: errors.New("db down")},
			500, `{"error":"server_error","error_description":"Something unexpected happened server side"}`, noStore},
	}
	p := &Payway{}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := p.Render(tc.failure)
			got, err := json.Marshal(r.Body)
			if err != nil {
				t.Fatal(err)
			}
			if r.Status != tc.status || string(got) != tc.golden {
				t.Fatalf("got %d %s\nwant %d %s", r.Status, got, tc.status, tc.golden)
			}
			if len(r.Headers) != len(tc.headers) {
				t.Fatalf("headers %v, want %v", r.Headers, tc.headers)
			}
			for k, v := range tc.headers {
				if r.Headers[k] != v {
					t.Fatalf("header %s: %q, want %q", k, r.Headers[k], v)
				}
			}
			if (r.Status >= http.StatusInternalServerError) != (r.Cause != nil) {
				t.Fatalf("a 5xx (and only a 5xx) keeps its cause for the log: %d, cause %v", r.Status, r.Cause)
			}
		})
	}
}

// The field table renames the core's fields to the request fields of each operation.
func TestFields(t *testing.T) {
	p := &Payway{}
	for _, tc := range []struct{ op, core, want string }{
		{"paywayRequestEmailChange", account.FieldEmail, "new_email"},
		{"paywayVerifyEmailChange", account.FieldCode, "confirmation_code"},
		{"paywayVerifyEmailChangePost", account.FieldCode, "confirmation_code"},
		{"paywayCreatePasswordReset", account.FieldEmail, "contact_email"},
		{"paywayCompletePasswordReset", account.FieldCode, "confirmation_code"},
		{"paywayGetAuthenticationAttempts", account.FieldEmail, "email"},
	} {
		if got := p.Fields().Rename(tc.op, tc.core); got != tc.want {
			t.Errorf("%s: %s -> %q, want %q", tc.op, tc.core, got, tc.want)
		}
	}
}
