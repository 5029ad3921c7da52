package webshare

import (
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/accountd/accountd/account"
	"github.com/accountd/accountd/account/password"
	"github.com/accountd/accountd/handlers/httpapi"
	"github.com/getkin/kin-openapi/openapi3"
)

// vendorFailure is some other vendor's own failure type, which Webshare does not know.
type vendorFailure struct{}

func (vendorFailure) Error() string  { return "another vendor's failure" }
func (vendorFailure) VendorFailure() {}

// Each failure the server can hand Webshare's renderer, and the exact response Webshare (Django
// REST Framework) gives for it.
func TestRender(t *testing.T) {
	maxLen := uint64(256)
	core := func(kind account.Kind, code, field string, reasons ...string) httpapi.Failure {
		return httpapi.Failure{Kind: httpapi.FailCore, Core: &account.Error{Kind: kind, Code: code, Field: field, Reasons: reasons}, Field: field}
	}
	tests := []struct {
		name    string
		failure httpapi.Failure
		status  int
		golden  string
		headers map[string]string
	}{
		{"field issues", httpapi.Failure{Kind: httpapi.FailValidation, Issues: []httpapi.Issue{
			{Field: "email", Rule: "format", Schema: &openapi3.Schema{Format: "email"}},
			{Field: "password", Rule: "required"},
			{Field: "password", Rule: "maxLength", Schema: &openapi3.Schema{MaxLength: &maxLen}},
			{Field: "tos_accepted", Rule: "type", Schema: &openapi3.Schema{Type: &openapi3.Types{"boolean"}}},
			{Field: "recaptcha", Rule: "minLength", Schema: &openapi3.Schema{MinLength: 1}},
			{Field: "email", Rule: "nullable"},
		}}, 400, `{"email":["Enter a valid email address.","This field may not be null."],"password":["This field is required.","Ensure this field has no more than 256 characters."],"recaptcha":["This field may not be blank."],"tos_accepted":["Must be a valid boolean."]}`, nil},
		{"body not an object", httpapi.Failure{Kind: httpapi.FailValidation, Issues: []httpapi.Issue{{Rule: "object"}}},
			400, `{"non_field_errors":["Invalid data. Expected a dictionary."]}`, nil},
		{"unknown field where the schema is closed", httpapi.Failure{Kind: httpapi.FailValidation, Issues: []httpapi.Issue{{Field: "admin", Rule: "unsupported"}}},
			400, `{"admin":["This field is not allowed."]}`, nil},
		{"parse error", httpapi.Failure{Kind: httpapi.FailParse, Detail: "unexpected end of JSON input"},
			400, `{"detail":"JSON parse error - unexpected end of JSON input"}`, nil},
		{"media type", httpapi.Failure{Kind: httpapi.FailMediaType, MediaType: "text/plain"},
			415, `{"detail":"Unsupported media type \"text/plain\" in request."}`, nil},
		{"too large", httpapi.Failure{Kind: httpapi.FailTooLarge}, 413, `{"detail":"Request body is too large."}`, nil},
		{"not found", httpapi.Failure{Kind: httpapi.FailNotFound}, 404, `{"detail":"Not found."}`, nil},
		{"method", httpapi.Failure{Kind: httpapi.FailMethod}, 405, `{"detail":"Method not allowed."}`, nil},
		{"internal", httpapi.Failure{Kind: httpapi.FailInternal, Err: errors.New("db down")}, 500, `{"detail":"A server error occurred."}`, nil},
		{"another vendor's failure", httpapi.Failure{Kind: httpapi.FailVendor, Err: vendorFailure{}}, 500, `{"detail":"A server error occurred."}`, nil},

		{"invalid credentials", core(account.KindInvalid, account.CodeInvalidCredentials, ""),
			400, `{"non_field_errors":["Unable to log in with provided credentials."]}`, nil},
		{"wrong password", core(account.KindInvalid, account.CodeWrongPassword, account.FieldPassword),
			400, `{"password":["Invalid password."]}`, nil},
		{"weak password", core(account.KindInvalid, account.CodeWeakPassword, "new_password",
			password.Problem{Code: password.TooSimilar, Attribute: "email"}.String(), password.TooShort, password.TooCommon, password.EntirelyNumeric),
			400, `{"new_password":["The password is too similar to the email.","This password is too short. It must contain at least 8 characters.","This password is too common.","This password is entirely numeric."]}`, nil},
		{"email taken", core(account.KindConflict, account.CodeEmailTaken, "new_email"),
			400, `{"new_email":["This email address is already in use."]}`, nil},
		{"email taken, not a field of the request", core(account.KindConflict, account.CodeEmailTaken, ""),
			400, `{"non_field_errors":["This email address is already in use."]}`, nil},
		{"email unchanged", core(account.KindInvalid, account.CodeEmailUnchanged, "new_email"),
			400, `{"new_email":["This is already your email address."]}`, nil},
		{"invalid email", core(account.KindInvalid, account.CodeInvalidEmail, "email"),
			400, `{"email":["Enter a valid email address."]}`, nil},
		{"terms", core(account.KindInvalid, account.CodeTOSRequired, "tos_accepted"),
			400, `{"tos_accepted":["You must accept the terms of service."]}`, nil},
		{"already verified", core(account.KindInvalid, account.CodeAlreadyVerified, ""),
			400, `{"non_field_errors":["This email address is already verified."]}`, nil},
		{"captcha", core(account.KindInvalid, account.CodeInvalidCaptcha, "recaptcha"),
			400, `{"recaptcha":["Invalid recaptcha. Please try again."]}`, nil},
		{"confirmation code", core(account.KindInvalid, account.CodeInvalidCode, "confirmation_code"),
			400, `{"confirmation_code":["Invalid confirmation code."]}`, nil},
		{"reset token", core(account.KindInvalid, account.CodeInvalidCode, "password_reset_token"),
			400, `{"password_reset_token":["Invalid or expired password reset token."]}`, nil},
		{"activation token", core(account.KindInvalid, account.CodeInvalidCode, "activation_token"),
			400, `{"activation_token":["Invalid or expired activation token."]}`, nil},
		{"unknown invalid code", core(account.KindInvalid, "something_new", "email"),
			400, `{"email":["Invalid request."]}`, nil},
		{"no credentials", core(account.KindUnauthenticated, account.CodeNoCredentials, ""),
			401, `{"detail":"Authentication credentials were not provided."}`, map[string]string{"WWW-Authenticate": "Token"}},
		{"invalid token", core(account.KindUnauthenticated, account.CodeInvalidToken, ""),
			401, `{"detail":"Invalid token."}`, map[string]string{"WWW-Authenticate": "Token"}},
		{"deleted", core(account.KindForbidden, account.CodeAccountDeleted, ""),
			403, `{"code":"account_deleted","detail":"This account has been deleted."}`, nil},
		{"suspended", core(account.KindForbidden, account.CodeAccountSuspended, ""),
			403, `{"code":"account_suspended","detail":"This account has been suspended."}`, nil},
		{"forbidden, no wording", core(account.KindForbidden, "role_required", ""),
			403, `{"code":"role_required","detail":"You do not have permission to perform this action."}`, nil},
		{"core not found", core(account.KindNotFound, account.CodeNotFound, ""), 404, `{"detail":"Not found."}`, nil},
		{"throttled (a partial second rounds up)", httpapi.Failure{Kind: httpapi.FailCore, Core: &account.Error{Kind: account.KindRateLimited, Code: account.CodeThrottled, RetryAfter: 41200 * time.Millisecond}},
			429, `{"detail":"Request was throttled. Expected available in 42 seconds."}`, map[string]string{"Retry-After": "42"}},
		{"throttled under a second", httpapi.Failure{Kind: httpapi.FailCore, Core: &account.Error{Kind: account.KindRateLimited, Code: account.CodeThrottled}},
			429, `{"detail":"Request was throttled. Expected available in 1 seconds."}`, map[string]string{"Retry-After": "1"}},
		{"core internal", core(account.KindInternal, "internal", ""), 500, `{"detail":"A server error occurred."}`, nil},
	}
	w := &Webshare{}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := w.Render(tc.failure)
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
	w := &Webshare{}
	for _, tc := range []struct{ op, core, want string }{
		{"webshareResetPasswordComplete", account.FieldCode, "password_reset_token"},
		{"webshareCompleteActivation", account.FieldCode, "activation_token"},
		{"webshareChangeEmailComplete", account.FieldCode, "confirmation_code"},
		{"webshareChangeEmailComplete", account.FieldEmail, ""},
		{"webshareChangeEmail", account.FieldEmail, "new_email"},
		{"webshareChangePassword", account.FieldNewPassword, "new_password"},
		{"webshareRegister", account.FieldEmail, "email"},
	} {
		if got := w.Fields().Rename(tc.op, tc.core); got != tc.want {
			t.Errorf("%s: %s -> %q, want %q", tc.op, tc.core, got, tc.want)
		}
	}
}
