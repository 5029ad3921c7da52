package app_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/accountd/accountd/gen/client"
	"github.com/accountd/accountd/gen/models"
)

var sixDigits = regexp.MustCompile(`code is: (\d{6})\b`)

// rixlCode delivers due mail and returns the 6-digit code of the newest mail to addr that has one.
func (e *env) rixlCode(addr string) string {
	e.t.Helper()
	mails := e.mailsTo(addr)
	for i := len(mails) - 1; i >= 0; i-- {
		if m := sixDigits.FindStringSubmatch(mails[i].Text); m != nil {
			return m[1]
		}
	}
	e.t.Fatalf("no mail with a 6-digit code to %s (%d mails)", addr, len(mails))
	return ""
}

// rixlRegister creates an account and returns the verification id of its address.
func (e *env) rixlRegister(email string) string {
	e.t.Helper()
	r, err := e.api.RixlEmailServiceRegisterWithResponse(ctx, models.RixlRegisterRequest{Email: email, Password: goodPassword})
	if err != nil {
		e.t.Fatal(err)
	}
	if r.StatusCode() != http.StatusOK || r.JSON200 == nil || r.JSON200.VerificationId == "" || !r.JSON200.EmailVerificationSent || r.JSON200.UserId == "" {
		e.t.Fatalf("register %s: %d %s", email, r.StatusCode(), r.Body)
	}
	return r.JSON200.VerificationId
}

// rixlVerify confirms a verification with a code and returns the answer.
func (e *env) rixlVerify(id, code string) *client.RixlEmailServiceVerifyEmailResponse {
	e.t.Helper()
	r, err := e.api.RixlEmailServiceVerifyEmailWithResponse(ctx, models.RixlVerifyEmailRequest{VerificationId: id, Code: code})
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

// rixlSignup registers and verifies an account and returns its first tokens.
func (e *env) rixlSignup(email string) models.RixlTokenResponse {
	e.t.Helper()
	id := e.rixlRegister(email)
	r := e.rixlVerify(id, e.rixlCode(email))
	if r.StatusCode() != http.StatusOK || r.JSON200 == nil || r.JSON200.Tokens == nil {
		e.t.Fatalf("verify sign-up of %s: %d %s", email, r.StatusCode(), r.Body)
	}
	return *r.JSON200.Tokens
}

// rixlLogin logs in and returns the answer, failing on anything but 200.
func (e *env) rixlLogin(email, pw string) models.RixlLoginResponse {
	e.t.Helper()
	r, err := e.api.RixlEmailServiceLoginWithResponse(ctx, models.RixlLoginRequest{Email: email, Password: pw})
	if err != nil {
		e.t.Fatal(err)
	}
	if r.StatusCode() != http.StatusOK || r.JSON200 == nil {
		e.t.Fatalf("login %s: %d %s", email, r.StatusCode(), r.Body)
	}
	return *r.JSON200
}

// rixlLoginTokens logs in and returns the session's tokens as Rixl's TokenResponse.
func (e *env) rixlLoginTokens(email, pw string) models.RixlTokenResponse {
	e.t.Helper()
	l := e.rixlLogin(email, pw)
	return models.RixlTokenResponse{AccessToken: l.AccessToken, RefreshToken: l.RefreshToken, ExpiresIn: l.ExpiresIn,
		RequiresAction: l.RequiresAction, TokenType: l.TokenType}
}

// rixlChange starts an email change and returns the status and the answer.
func (e *env) rixlChange(tok, newEmail string) *client.RixlEmailServiceInitiateEmailChangeResponse {
	e.t.Helper()
	r, err := e.api.RixlEmailServiceInitiateEmailChangeWithResponse(ctx, models.RixlInitiateEmailChangeRequest{NewEmail: newEmail}, bearer(tok))
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

// rixlStatus returns GET /emails/status's status code and body.
func (e *env) rixlStatus(tok string) (int, *models.RixlEmailStatusResponse) {
	e.t.Helper()
	r, err := e.api.RixlEmailServiceGetUserEmailStatusWithResponse(ctx, nil, bearer(tok))
	if err != nil {
		e.t.Fatal(err)
	}
	return r.StatusCode(), r.JSON200
}

// rixlError asserts Rixl's error body with the given status: exactly the keys code, details
// and error, code equal to the status, and a non-empty message and details. It returns the body.
func rixlError(t *testing.T, status int, raw []byte, want int) models.RixlError {
	t.Helper()
	if status != want {
		t.Fatalf("want %d, got %d %s", want, status, raw)
	}
	var body models.RixlError
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		t.Fatalf("not Rixl's error body: %v: %s", err, raw)
	}
	var keys map[string]any
	_ = json.Unmarshal(raw, &keys)
	if len(keys) != 3 || body.Code != want || body.Error == "" || body.Details == "" {
		t.Fatalf("want Rixl's {code: %d, details, error}, got %s", want, raw)
	}
	return body
}

// rixlErrorWith asserts rixlError and that details mention each of wants.
func rixlErrorWith(t *testing.T, status int, raw []byte, want int, wants ...string) models.RixlError {
	t.Helper()
	body := rixlError(t, status, raw, want)
	for _, w := range wants {
		if !strings.Contains(body.Details+" "+body.Error, w) {
			t.Fatalf("want %q in %s", w, raw)
		}
	}
	return body
}
