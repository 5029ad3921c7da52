package akana

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/accountd/accountd/account"
	"github.com/accountd/accountd/handlers/httpapi"
)

// Every failure renders as Akana's {code, message} body; the golden bodies are the contract
// with Akana's clients, so they are spelled out here in full.
func TestRender(t *testing.T) {
	a := New(httpapi.Deps{}, Settings{})
	core := func(e *account.Error, field string) httpapi.Failure {
		return httpapi.Failure{Kind: httpapi.FailCore, Core: e, Field: field}
	}
	cases := []struct {
		name    string
		f       httpapi.Failure
		status  int
		body    string
		headers map[string]string
	}{
		{"wrong password at login", core(&account.Error{Kind: account.KindInvalid, Code: account.CodeInvalidCredentials}, ""),
			401, `{"code":401,"message":"Unauthorized: the email address or password is not correct."}`, nil},
		{"no session", core(&account.Error{Kind: account.KindUnauthenticated, Code: account.CodeNoCredentials}, ""),
			401, `{"code":401,"message":"Unauthorized"}`, nil},
		{"wrong CSRF token", core(&account.Error{Kind: account.KindUnauthenticated, Code: account.CodeInvalidSessionSecret}, ""),
			401, `{"code":401,"message":"Unauthorized"}`, nil},
		{"role rule", core(&account.Error{Kind: account.KindForbidden, Code: account.CodeNotPermitted}, ""),
			403, `{"code":403,"message":"Forbidden: you may not change this user's account."}`, nil},
		{"suspended", core(&account.Error{Kind: account.KindForbidden, Code: account.CodeAccountSuspended}, ""),
			403, `{"code":403,"message":"Forbidden: the account has been suspended."}`, nil},
		{"unknown forbidden reason", core(&account.Error{Kind: account.KindForbidden, Code: "something_else"}, ""),
			403, `{"code":403,"message":"Forbidden"}`, nil},
		{"bad change code", core(&account.Error{Kind: account.KindInvalid, Code: account.CodeInvalidCode, Field: account.FieldCode}, "changeCode"),
			400, `{"code":400,"message":"changeCode is invalid, used or expired, or was not sent to this email address."}`, nil},
		{"address taken", core(&account.Error{Kind: account.KindConflict, Code: account.CodeEmailTaken, Field: account.FieldEmail}, "newEmailAddress"),
			409, `{"code":409,"message":"The email address is already in use."}`, nil},
		{"wrong current password", core(&account.Error{Kind: account.KindInvalid, Code: account.CodeWrongPassword, Field: account.FieldPassword}, "oldPassword"),
			400, `{"code":400,"message":"oldPassword is not the current password."}`, nil},
		{"throttled (a partial second rounds up)", core(&account.Error{Kind: account.KindRateLimited, Code: account.CodeThrottled, RetryAfter: 41200 * time.Millisecond}, ""),
			429, `{"code":429,"message":"Too many requests; try again later."}`, map[string]string{"Retry-After": "42"}},
		{"validation", httpapi.Failure{Kind: httpapi.FailValidation, Issues: []httpapi.Issue{{Field: "newEmailAddress", Rule: "required"}}},
			400, `{"code":400,"message":"newEmailAddress is required."}`, nil},
		{"two issues", httpapi.Failure{Kind: httpapi.FailValidation, Issues: []httpapi.Issue{{Field: "email", Rule: "format"}, {Field: "password", Rule: "maxLength"}}},
			400, `{"code":400,"message":"email is not valid. password has a length out of range."}`, nil},
		{"not an object", httpapi.Failure{Kind: httpapi.FailValidation, Issues: []httpapi.Issue{{Rule: "object"}}},
			400, `{"code":400,"message":"The request body must be a JSON object."}`, nil},
		{"malformed JSON", httpapi.Failure{Kind: httpapi.FailParse, Detail: "unexpected EOF"},
			400, `{"code":400,"message":"The request body is not valid JSON."}`, nil},
		{"media type", httpapi.Failure{Kind: httpapi.FailMediaType, MediaType: "text/plain"},
			415, `{"code":415,"message":"Unsupported Media Type"}`, nil},
		{"too large", httpapi.Failure{Kind: httpapi.FailTooLarge}, 413, `{"code":413,"message":"Request body is too large."}`, nil},
		{"no such path", httpapi.Failure{Kind: httpapi.FailNotFound}, 404, `{"code":404,"message":"Not Found"}`, nil},
		{"no such user", httpapi.Failure{Kind: httpapi.FailVendor, Err: errNoSuchUser}, 404, `{"code":404,"message":"Not Found: no user has this UserID."}`, nil},
		{"method", httpapi.Failure{Kind: httpapi.FailMethod}, 405, `{"code":405,"message":"Method Not Allowed"}`, nil},
		{"not acceptable", httpapi.Failure{Kind: httpapi.FailNotAcceptable, Accept: "text/html"},
			406, `{"code":406,"message":"Not Acceptable"}`, map[string]string{"Content-Type": "application/json"}},
		{"in the asked media type", httpapi.Failure{Kind: httpapi.FailNotFound, Accept: "application/vnd.soa.v80+json"},
			404, `{"code":404,"message":"Not Found"}`, map[string]string{"Content-Type": "application/vnd.soa.v80+json"}},
		{"internal", httpapi.Failure{Kind: httpapi.FailInternal, Err: errors.New("db down")},
			500, `{"code":500,"message":"An error occurred processing the call."}`, nil},
		{"internal core", core(&account.Error{Kind: account.KindInternal, Code: "internal"}, ""),
			500, `{"code":500,"message":"An error occurred processing the call."}`, nil},
	}
	for _, c := range cases {
		r := a.Render(c.f)
		body, err := json.Marshal(r.Body)
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != c.status || string(body) != c.body {
			t.Errorf("%s: got %d %s, want %d %s", c.name, r.Status, body, c.status, c.body)
		}
		if c.headers == nil {
			c.headers = map[string]string{"Content-Type": "application/json"}
		}
		for k, v := range c.headers {
			if r.Headers[k] != v {
				t.Errorf("%s: header %s = %q, want %q", c.name, k, r.Headers[k], v)
			}
		}
		if r.Status >= 500 && r.Cause == nil {
			t.Errorf("%s: a 5xx without its cause", c.name)
		}
	}
}
