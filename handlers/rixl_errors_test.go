package handlers

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/accountd/accountd/account"
	"github.com/getkin/kin-openapi/openapi3"
)

// Every kind of failure of a Rixl operation, rendered: status, headers and the exact body.
func TestRixlRendererGolden(t *testing.T) {
	now := time.Date(2026, 11, 28, 7, 0, 0, 0, time.UTC)
	maxLen := uint64(254)
	emailSchema := &openapi3.Schema{Type: &openapi3.Types{"string"}, Format: "email", MaxLength: &maxLen}
	core := func(e *account.Error, renames ...string) failure {
		f := failure{kind: failCore, core: e, renames: map[string]string{}}
		for i := 0; i+1 < len(renames); i += 2 {
			f.renames[renames[i]] = renames[i+1]
		}
		return f
	}
	for _, tc := range []struct {
		name    string
		f       failure
		status  int
		headers map[string]string
		body    string
	}{
		{"missing and malformed fields", failure{kind: failValidation, issues: []issue{
			{field: "new_email", rule: "format", schema: emailSchema}, {field: "code", rule: "required"}}},
			400, nil, `{"code":400,"details":"code: is required; new_email: must be a valid email address","error":"Malformed request or invalid email"}`},
		{"not an object", failure{kind: failValidation, issues: []issue{{rule: "object"}}},
			400, nil, `{"code":400,"details":"body: must be a JSON object","error":"Malformed request"}`},
		{"too long", failure{kind: failValidation, issues: []issue{{field: "new_email", rule: "maxLength", schema: emailSchema}}},
			400, nil, `{"code":400,"details":"new_email: must have at most 254 characters","error":"Malformed request"}`},
		{"broken JSON", failure{kind: failParse, detail: "unexpected end of JSON input"},
			400, nil, `{"code":400,"details":"The body is not valid JSON: unexpected end of JSON input.","error":"Malformed request"}`},
		{"media type", failure{kind: failMediaType, mediaType: "text/plain"},
			415, nil, `{"code":415,"details":"Send application/json, not \"text/plain\".","error":"Unsupported media type"}`},
		{"too large", failure{kind: failTooLarge},
			413, nil, `{"code":413,"details":"The request body is larger than the server accepts.","error":"Request body too large"}`},
		{"unknown route", failure{kind: failNotFound},
			404, nil, `{"code":404,"details":"No such endpoint.","error":"Not found"}`},
		{"wrong method", failure{kind: failMethod},
			405, nil, `{"code":405,"details":"This endpoint does not take this method.","error":"Method not allowed"}`},
		{"no token", core(&account.Error{Kind: account.KindUnauthenticated, Code: account.CodeNoCredentials}),
			401, map[string]string{"WWW-Authenticate": "Bearer"}, `{"code":401,"details":"Send Authorization: Bearer \u003caccess_token\u003e.","error":"Missing or invalid access token"}`},
		{"bad token", core(&account.Error{Kind: account.KindUnauthenticated, Code: account.CodeInvalidToken}),
			401, map[string]string{"WWW-Authenticate": "Bearer"}, `{"code":401,"details":"The access token is unknown, expired or revoked.","error":"Missing or invalid access token"}`},
		{"wrong password", core(&account.Error{Kind: account.KindInvalid, Code: account.CodeInvalidCredentials}),
			401, map[string]string{"WWW-Authenticate": "Bearer"}, `{"code":401,"details":"The email address or the password is wrong.","error":"Invalid email or password"}`},
		{"reused refresh token", core(&account.Error{Kind: account.KindInvalid, Code: account.CodeRefreshTokenReused}),
			401, map[string]string{"WWW-Authenticate": "Bearer"}, `{"code":401,"details":"The refresh token was already used; its session is now revoked.","error":"Invalid refresh token"}`},
		{"suspended", core(&account.Error{Kind: account.KindForbidden, Code: account.CodeAccountSuspended}),
			403, nil, `{"code":403,"details":"This account has been suspended.","error":"Account suspended"}`},
		{"address taken", core(&account.Error{Kind: account.KindConflict, Code: account.CodeEmailTaken, Field: account.FieldEmail}, account.FieldEmail, "new_email"),
			409, nil, `{"code":409,"details":"Another account uses this address.","error":"Email already in use by another account"}`},
		{"last admin", core(&account.Error{Kind: account.KindConflict, Code: account.CodeLastAdmin, Field: account.FieldOrganization}),
			409, nil, `{"code":409,"details":"Another business admin must be appointed first.","error":"Last business admin cannot leave the organization"}`},
		{"unknown verification", core(&account.Error{Kind: account.KindNotFound, Code: account.CodeNotFound, Field: account.FieldVerificationID}),
			404, nil, `{"code":404,"details":"No verification has this id.","error":"Not found"}`},
		{"not a member", core(&account.Error{Kind: account.KindNotFound, Code: account.CodeNotFound, Field: account.FieldOrganization}),
			404, nil, `{"code":404,"details":"You are not a member of this organization.","error":"Not found"}`},
		{"wrong code", core(&account.Error{Kind: account.KindInvalid, Code: account.CodeInvalidCode, Field: account.FieldCode}),
			400, nil, `{"code":400,"details":"code: The code is wrong, expired, already used or out of attempts.","error":"Invalid or expired code"}`},
		{"bad reset token", core(&account.Error{Kind: account.KindInvalid, Code: account.CodeInvalidCode, Field: account.FieldCode}, account.FieldCode, "token"),
			400, nil, `{"code":400,"details":"token: The code is wrong, expired, already used or out of attempts.","error":"Invalid or expired code"}`},
		{"weak password", core(&account.Error{Kind: account.KindInvalid, Code: account.CodeWeakPassword, Field: account.FieldPassword,
			Messages: []string{"This password is too common."}}, account.FieldPassword, "new_password"),
			400, nil, `{"code":400,"details":"new_password: This password is too common.","error":"Password does not meet the requirements"}`},
		{"throttled", core(&account.Error{Kind: account.KindRateLimited, Code: account.CodeThrottled, RetryAfter: 59600 * time.Millisecond}),
			429, map[string]string{"Retry-After": "60"}, `{"code":429,"details":"retry after 2026-11-28T07:01:00Z","error":"Too many requests"}`},
		{"internal", failure{kind: failInternal, cause: errors.New("boom")},
			500, nil, `{"code":500,"details":"Try again later.","error":"Internal server error"}`},
		{"unmapped core reason", core(&account.Error{Kind: account.KindInvalid, Code: "something_new"}),
			500, nil, `{"code":500,"details":"Try again later.","error":"Internal server error"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var r *reply
			if tc.f.kind == failCore {
				r = rixlCore(tc.f.core, tc.f.renames, now)
			} else {
				r = rixlReply(tc.f)
			}
			body, err := json.Marshal(r.body)
			if err != nil {
				t.Fatal(err)
			}
			if r.status != tc.status || string(body) != tc.body {
				t.Fatalf("got %d %s\nwant %d %s", r.status, body, tc.status, tc.body)
			}
			if len(r.headers) != len(tc.headers) {
				t.Fatalf("headers %v, want %v", r.headers, tc.headers)
			}
			for k, v := range tc.headers {
				if r.headers[k] != v {
					t.Fatalf("header %s: %q, want %q", k, r.headers[k], v)
				}
			}
		})
	}
}
