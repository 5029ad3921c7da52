package app_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/accountd/accountd/gen/models"
)

var ctx = context.Background()

const goodPassword = "correct-horse-battery"

// register makes an account and returns its token.
func (e *env) register(email, pw string) string {
	e.t.Helper()
	r, err := e.api.WebshareRegisterWithResponse(ctx, models.WebshareRegisterJSONRequestBody{
		Email: email, Password: pw, Recaptcha: "ok", TosAccepted: true})
	if err != nil {
		e.t.Fatal(err)
	}
	if r.StatusCode() != http.StatusCreated || r.JSON201 == nil || r.JSON201.Token == "" || r.JSON201.LoggedInExistingUser {
		e.t.Fatalf("register %s: %d %s", email, r.StatusCode(), r.Body)
	}
	return r.JSON201.Token
}

// login returns a new token, failing the test on anything but 200.
func (e *env) login(email, pw string) string {
	e.t.Helper()
	r, err := e.api.WebshareLoginWithResponse(ctx, models.WebshareLoginJSONRequestBody{Email: email, Password: pw, Recaptcha: "ok"})
	if err != nil {
		e.t.Fatal(err)
	}
	if r.StatusCode() != http.StatusOK || r.JSON200 == nil {
		e.t.Fatalf("login %s: %d %s", email, r.StatusCode(), r.Body)
	}
	return r.JSON200.Token
}

// loginStatus tries to log in and returns the status.
func (e *env) loginStatus(email, pw string) int {
	e.t.Helper()
	r, err := e.api.WebshareLoginWithResponse(ctx, models.WebshareLoginJSONRequestBody{Email: email, Password: pw, Recaptcha: "ok"})
	if err != nil {
		e.t.Fatal(err)
	}
	return r.StatusCode()
}

// activation returns GET /activation/'s status code and body.
func (e *env) activation(tok string) (int, *models.WebshareActivationStatus, []byte) {
	e.t.Helper()
	r, err := e.api.WebshareGetActivationWithResponse(ctx, token(tok))
	if err != nil {
		e.t.Fatal(err)
	}
	return r.StatusCode(), r.JSON200, r.Body
}

// fieldErrors asserts a 400 Webshare field-error body with msg among field's messages. body is
// the operation's typed 400 (each operation declares the fields its errors may name, and the
// contract check holds the body to it); the messages are read from raw. msg is required: a
// check that accepts any message passes on the wrong error.
func fieldErrors[T any](t *testing.T, status int, body *T, raw []byte, field, msg string) {
	t.Helper()
	if msg == "" {
		t.Fatal("fieldErrors needs the expected message")
	}
	if status != http.StatusBadRequest || body == nil {
		t.Fatalf("want 400 with field errors, got %d %s", status, raw)
	}
	var fields map[string]json.RawMessage
	var msgs []string
	if err := json.Unmarshal(raw, &fields); err != nil || fields[field] == nil || json.Unmarshal(fields[field], &msgs) != nil {
		t.Fatalf("want messages under %s, got %s", field, raw)
	}
	for _, m := range msgs {
		if m == msg {
			return
		}
	}
	t.Fatalf("want %q in %s, got %s", msg, field, raw)
}

// detailError asserts a Webshare {"detail", "code"} body.
func detailError(t *testing.T, status, wantStatus int, body *models.WebshareError, raw []byte, wantCode string) {
	t.Helper()
	if status != wantStatus || body == nil || body.Detail == "" {
		t.Fatalf("want %d with detail, got %d %s", wantStatus, status, raw)
	}
	if wantCode != "" && (body.Code == nil || *body.Code != wantCode) {
		t.Fatalf("want code %q, got %s", wantCode, raw)
	}
}

// step runs one stage of a scenario whose stages build on each other. It is deliberately not a
// subtest: `go test -run` could pick a stage alone, without the stages that set it up, and it
// would then test something else (a fresh code instead of a used one) and still pass.
func step(t *testing.T, name string, fn func(t *testing.T)) {
	t.Helper()
	t.Logf("step: %s", name)
	fn(t)
}

func resetBody(email string) models.WebshareResetPasswordRequest {
	return models.WebshareResetPasswordRequest{Email: email, Recaptcha: "ok"}
}
