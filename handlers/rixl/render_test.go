package rixl

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/accountd/accountd/account"
	"github.com/accountd/accountd/account/password"
	"github.com/accountd/accountd/gen/models"
	"github.com/accountd/accountd/handlers/httpapi"
	"github.com/getkin/kin-openapi/openapi3"
)

// vendorFailure is some other vendor's own failure type, which Rixl does not know.
type vendorFailure struct{}

func (vendorFailure) Error() string  { return "another vendor's failure" }
func (vendorFailure) VendorFailure() {}

// Every kind of failure of a Rixl operation, rendered: status, headers and the exact body.
func TestRender(t *testing.T) {
	now := time.Date(2026, 11, 28, 7, 0, 0, 0, time.UTC)
	weakReasons := []string{password.TooShort, password.TooSimilar + ":email"}
	maxLen := uint64(254)
	emailSchema := &openapi3.Schema{Type: &openapi3.Types{"string"}, Format: "email", MaxLength: &maxLen}
	// core is a core error as the server hands it over: Field already renamed by the table.
	core := func(e *account.Error, field string) httpapi.Failure {
		return httpapi.Failure{Kind: httpapi.FailCore, Core: e, Field: field}
	}
	for _, tc := range []struct {
		name    string
		f       httpapi.Failure
		status  int
		headers map[string]string
		body    string
	}{
		{"missing and malformed fields", httpapi.Failure{Kind: httpapi.FailValidation, Issues: []httpapi.Issue{
			{Field: "new_email", Rule: "format", Schema: emailSchema}, {Field: "code", Rule: "required"}}},
			400, nil, `{"code":400,"details":"code: is required; new_email: must be a valid email address","error":"Malformed request or invalid email"}`},
		{"not an object", httpapi.Failure{Kind: httpapi.FailValidation, Issues: []httpapi.Issue{{Rule: "object"}}},
			400, nil, `{"code":400,"details":"body: must be a JSON object","error":"Malformed request"}`},
		{"too long", httpapi.Failure{Kind: httpapi.FailValidation, Issues: []httpapi.Issue{{Field: "new_email", Rule: "maxLength", Schema: emailSchema}}},
			400, nil, `{"code":400,"details":"new_email: must have at most 254 characters","error":"Malformed request"}`},
		{"broken JSON", httpapi.Failure{Kind: httpapi.FailParse, Detail: "unexpected end of JSON input"},
			400, nil, `{"code":400,"details":"The body is not valid JSON: unexpected end of JSON input.","error":"Malformed request"}`},
		{"media type", httpapi.Failure{Kind: httpapi.FailMediaType, MediaType: "text/plain"},
			415, nil, `{"code":415,"details":"Send application/json, not \"text/plain\".","error":"Unsupported media type"}`},
		{"too large", httpapi.Failure{Kind: httpapi.FailTooLarge},
			413, nil, `{"code":413,"details":"The request body is larger than the server accepts.","error":"Request body too large"}`},
		{"unknown route", httpapi.Failure{Kind: httpapi.FailNotFound},
			404, nil, `{"code":404,"details":"No such endpoint.","error":"Not found"}`},
		{"wrong method", httpapi.Failure{Kind: httpapi.FailMethod},
			405, nil, `{"code":405,"details":"This endpoint does not take this method.","error":"Method not allowed"}`},
		{"no token", core(&account.Error{Kind: account.KindUnauthenticated, Code: account.CodeNoCredentials}, ""),
			401, map[string]string{"WWW-Authenticate": "Bearer"}, `{"code":401,"details":"Send Authorization: Bearer \u003caccess_token\u003e.","error":"Missing or invalid access token"}`},
		{"bad token", core(&account.Error{Kind: account.KindUnauthenticated, Code: account.CodeInvalidToken}, ""),
			401, map[string]string{"WWW-Authenticate": "Bearer"}, `{"code":401,"details":"The access token is unknown, expired or revoked.","error":"Missing or invalid access token"}`},
		{"wrong password", core(&account.Error{Kind: account.KindInvalid, Code: account.CodeInvalidCredentials}, ""),
			401, map[string]string{"WWW-Authenticate": "Bearer"}, `{"code":401,"details":"The email address or the password is wrong.","error":"Invalid email or password"}`},
		{"reused refresh token", core(&account.Error{Kind: account.KindInvalid, Code: account.CodeRefreshTokenReused}, ""),
			401, map[string]string{"WWW-Authenticate": "Bearer"}, `{"code":401,"details":"The refresh token was already used; its session is now revoked.","error":"Invalid refresh token"}`},
		{"suspended", core(&account.Error{Kind: account.KindForbidden, Code: account.CodeAccountSuspended}, ""),
			403, nil, `{"code":403,"details":"This account has been suspended.","error":"Account suspended"}`},
		{"address taken", core(&account.Error{Kind: account.KindConflict, Code: account.CodeEmailTaken, Field: account.FieldEmail}, "new_email"),
			409, nil, `{"code":409,"details":"Another account uses this address.","error":"Email already in use by another account"}`},
		{"last admin", core(&account.Error{Kind: account.KindConflict, Code: account.CodeLastAdmin, Field: account.FieldOrganization}, "org_id"),
			409, nil, `{"code":409,"details":"Another business admin must be appointed first.","error":"Last business admin cannot leave the organization"}`},
		{"unknown verification", core(&account.Error{Kind: account.KindNotFound, Code: account.CodeNotFound, Field: account.FieldVerificationID}, "verification_id"),
			404, nil, `{"code":404,"details":"No verification has this id.","error":"Not found"}`},
		{"not a member", core(&account.Error{Kind: account.KindNotFound, Code: account.CodeNotFound, Field: account.FieldOrganization}, "org_id"),
			404, nil, `{"code":404,"details":"You are not a member of this organization.","error":"Not found"}`},
		{"wrong code", core(&account.Error{Kind: account.KindInvalid, Code: account.CodeInvalidCode, Field: account.FieldCode}, "code"),
			400, nil, `{"code":400,"details":"code: The code is wrong, expired, already used or out of attempts.","error":"Invalid or expired code"}`},
		{"bad reset token", core(&account.Error{Kind: account.KindInvalid, Code: account.CodeInvalidCode, Field: account.FieldCode}, "token"),
			400, nil, `{"code":400,"details":"token: The code is wrong, expired, already used or out of attempts.","error":"Invalid or expired code"}`},
		{"weak password", core(&account.Error{Kind: account.KindInvalid, Code: account.CodeWeakPassword, Field: account.FieldPassword,
			Reasons: weakReasons}, "new_password"),
			400, nil, `{"code":400,"details":"new_password: This password is too short. It must contain at least 8 characters. The password is too similar to the email.","error":"Password does not meet the requirements"}`},
		{"throttled", core(&account.Error{Kind: account.KindRateLimited, Code: account.CodeThrottled, RetryAfter: 59600 * time.Millisecond}, ""),
			429, map[string]string{"Retry-After": "60"}, `{"code":429,"details":"retry after 2026-11-28T07:01:00Z","error":"Too many requests"}`},
		{"another vendor's failure", httpapi.Failure{Kind: httpapi.FailVendor, Err: vendorFailure{}},
			500, nil, `{"code":500,"details":"Try again later.","error":"Internal server error"}`},
		{"not acceptable", httpapi.Failure{Kind: httpapi.FailNotAcceptable},
			406, nil, `{"code":406,"details":"The response is only available as application/json.","error":"Not acceptable"}`},
		{"unknown verification, no field", core(&account.Error{Kind: account.KindNotFound, Code: account.CodeNotFound}, ""),
			404, nil, `{"code":404,"details":"The resource does not exist.","error":"Not found"}`},
		{"throttled email change", httpapi.Failure{Kind: httpapi.FailCore, Operation: "rixlEmailServiceInitiateEmailChange",
			Core: &account.Error{Kind: account.KindRateLimited, Code: account.CodeThrottled, RetryAfter: time.Second}},
			429, map[string]string{"Retry-After": "1"}, `{"code":429,"details":"retry after 2026-11-28T07:00:01Z","error":"Too many verification requests"}`},
		{"another account's user_id", core(&account.Error{Kind: account.KindForbidden, Code: account.CodeNotPermitted, Field: account.FieldUserID}, "user_id"),
			403, nil, `{"code":403,"details":"user_id names another account; this operation acts on the caller's own account only.","error":"Forbidden"}`},
		{"logout with a foreign token", core(&account.Error{Kind: account.KindUnauthenticated, Code: account.CodeInvalidToken, Field: account.FieldToken}, "token"),
			401, map[string]string{"WWW-Authenticate": "Bearer"}, `{"code":401,"details":"The token is unknown, already ended, or not of one of your sessions.","error":"Missing or invalid access token"}`},
		{"internal", httpapi.Failure{Kind: httpapi.FailInternal, Err: errors.New("boom")},
			500, nil, `{"code":500,"details":"Try again later.","error":"Internal server error"}`},
		{"unmapped core reason", core(&account.Error{Kind: account.KindInvalid, Code: "something_new"}, ""),
			500, nil, `{"code":500,"details":"Try again later.","error":"Internal server error"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := render(tc.f, now)
			body, err := json.Marshal(r.Body)
			if err != nil {
				t.Fatal(err)
			}
			if r.Status != tc.status || string(body) != tc.body {
				t.Fatalf("got %d %s\nwant %d %s", r.Status, body, tc.status, tc.body)
			}
			if len(r.Headers) != len(tc.headers) {
				t.Fatalf("headers %v, want %v", r.Headers, tc.headers)
			}
			for k, v := range tc.headers {
				if r.Headers[k] != v {
					t.Fatalf("header %s: %q, want %q", k, r.Headers[k], v)
				}
			}
		})
	}
}

// A 429's "retry after" time is the can_resend_at the earlier answer gave, whatever the
// fractions of a second of the clock: both are the instant rounded up to a whole second.
func TestThrottledAgreesWithCanResendAt(t *testing.T) {
	start := time.Date(2026, 11, 28, 7, 0, 0, 0, time.UTC)
	for _, sent := range []time.Duration{0, 200 * time.Millisecond, 900 * time.Millisecond} {
		for _, later := range []time.Duration{time.Second, 3300 * time.Millisecond, 59500 * time.Millisecond} {
			canResend := start.Add(sent + time.Minute)
			now := start.Add(sent + later)
			want := ticket(account.EmailChangeTicket{CanResendAt: canResend}).CanResendAt.Format(time.RFC3339)
			r := throttled(entry{status: 429}, canResend.Sub(now), now)
			got := r.Body.(models.RixlError).Details
			if got != "retry after "+want {
				t.Errorf("sent at +%v, asked at +%v: details %q, can_resend_at %s", sent, later, got, want)
			}
		}
	}
}
