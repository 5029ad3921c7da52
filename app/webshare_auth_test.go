package app_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/accountd/accountd/app"

	"github.com/accountd/accountd/gen/models"
)

func TestWebshareRegisterLoginLogout(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		tok := e.register("Jane.Doe@Example.com", goodPassword)

		t.Run("activation mail goes out with a dashboard link", func(t *testing.T) {
			if code := e.lastLink("Jane.Doe@Example.com", "/activation/"); len(code) < 40 {
				t.Fatalf("activation code too short: %q", code)
			}
		})
		t.Run("login is case-insensitive on the address", func(t *testing.T) {
			if other := e.login("jane.doe@example.com", goodPassword); other == tok {
				t.Fatal("login returned the registration token again")
			}
		})
		t.Run("wrong password and unknown address answer alike", func(t *testing.T) {
			for _, c := range []struct{ email, pw string }{{"jane.doe@example.com", "wrong-password-1"}, {"nobody@example.com", goodPassword}} {
				r, err := e.api.WebshareLoginWithResponse(ctx, models.WebshareLoginJSONRequestBody{Email: c.email, Password: c.pw, Recaptcha: "ok"})
				if err != nil {
					t.Fatal(err)
				}
				fieldErrors(t, r.StatusCode(), r.JSON400, r.Body, "non_field_errors", "Unable to log in with provided credentials.")
			}
		})
		t.Run("registering an existing address with its password logs in", func(t *testing.T) {
			r, err := e.api.WebshareRegisterWithResponse(ctx, models.WebshareRegisterJSONRequestBody{
				Email: "JANE.DOE@example.com", Password: goodPassword, Recaptcha: "ok", TosAccepted: true})
			if err != nil {
				t.Fatal(err)
			}
			if r.StatusCode() != http.StatusOK || r.JSON200 == nil || !r.JSON200.LoggedInExistingUser {
				t.Fatalf("got %d %s", r.StatusCode(), r.Body)
			}
		})
		t.Run("registering an existing address with another password is refused", func(t *testing.T) {
			r, err := e.api.WebshareRegisterWithResponse(ctx, models.WebshareRegisterJSONRequestBody{
				Email: "jane.doe@example.com", Password: "another-good-pass", Recaptcha: "ok", TosAccepted: true})
			if err != nil {
				t.Fatal(err)
			}
			fieldErrors(t, r.StatusCode(), r.JSON400, r.Body, "email", "This email address is already in use.")
		})
		t.Run("logout revokes only the calling token", func(t *testing.T) {
			other := e.login("jane.doe@example.com", goodPassword)
			r, err := e.api.WebshareLogoutWithResponse(ctx, models.WebshareLogoutJSONRequestBody{}, token(tok))
			if err != nil || r.StatusCode() != http.StatusNoContent {
				t.Fatalf("logout: %v %d %s", err, r.StatusCode(), r.Body)
			}
			status, _, body := e.activation(tok)
			if status != http.StatusUnauthorized {
				t.Fatalf("revoked token: %d %s", status, body)
			}
			if status, _, body := e.activation(other); status != http.StatusOK {
				t.Fatalf("other token: %d %s", status, body)
			}
		})
	})
}

func TestWebshareRegisterRules(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		tests := []struct {
			name       string
			body       models.WebshareRegisterJSONRequestBody
			field, msg string
		}{
			{"short password", models.WebshareRegisterJSONRequestBody{Email: "a@example.com", Password: "x7!kq", TosAccepted: true},
				"password", "This password is too short. It must contain at least 8 characters."},
			{"common password", models.WebshareRegisterJSONRequestBody{Email: "a@example.com", Password: "password123", TosAccepted: true},
				"password", "This password is too common."},
			{"numeric password", models.WebshareRegisterJSONRequestBody{Email: "a@example.com", Password: "84920174638", TosAccepted: true},
				"password", "This password is entirely numeric."},
			{"password like the email", models.WebshareRegisterJSONRequestBody{Email: "marjoriebanks@example.com", Password: "marjoriebanks", TosAccepted: true},
				"password", "The password is too similar to the email."},
			{"terms not accepted", models.WebshareRegisterJSONRequestBody{Email: "a@example.com", Password: goodPassword},
				"tos_accepted", "You must accept the terms of service."},
			{"invalid email", models.WebshareRegisterJSONRequestBody{Email: "not-an-email", Password: goodPassword, TosAccepted: true},
				"email", "Enter a valid email address."},
			{"blank recaptcha", models.WebshareRegisterJSONRequestBody{Email: "a@example.com", Password: goodPassword, TosAccepted: true, Recaptcha: ""},
				"recaptcha", "This field may not be blank."},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				if tc.name != "blank recaptcha" {
					tc.body.Recaptcha = "ok"
				}
				r, err := e.api.WebshareRegisterWithResponse(ctx, tc.body)
				if err != nil {
					t.Fatal(err)
				}
				fieldErrors(t, r.StatusCode(), r.JSON400, r.Body, tc.field, tc.msg)
			})
		}
		if n := len(e.mailsTo("a@example.com")); n != 0 {
			t.Fatalf("refused registrations sent %d mails", n)
		}
	})
}

func TestWebshareConcurrentRegistration(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		const n = 4
		statuses := race(n, func(i int) int {
			r, err := e.api.WebshareRegisterWithResponse(ctx, models.WebshareRegisterJSONRequestBody{
				Email: "race@example.com", Password: []string{"first-pass-word", "second-pass-word", "third-pass-word", "fourth-pass-word"}[i],
				Recaptcha: "ok", TosAccepted: true})
			if err != nil {
				t.Error(err)
				return 0
			}
			return r.StatusCode()
		})
		if statuses[http.StatusCreated] != 1 || statuses[http.StatusBadRequest] != n-1 {
			t.Fatalf("want one 201 and %d 400s, got %v", n-1, statuses)
		}
	})
}

// Failed logins are limited per address and client: the 11th attempt within 15 minutes is a 429,
// even with the right password, for a known and an unknown address alike.
func TestWebshareLoginIsThrottledAfterFailures(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		e.register("brute@example.com", goodPassword)
		for _, email := range []string{"brute@example.com", "nobody-here@example.com"} {
			for range 10 {
				if s := e.loginStatus(email, "wrong-password-1"); s != http.StatusBadRequest {
					t.Fatalf("%s: failed attempt answered %d", email, s)
				}
			}
			r, err := e.api.WebshareLoginWithResponse(ctx, models.WebshareLoginRequest{Email: email, Password: goodPassword, Recaptcha: "ok"})
			if err != nil {
				t.Fatal(err)
			}
			detailError(t, r.StatusCode(), http.StatusTooManyRequests, r.JSON429, r.Body, "")
			if r.HTTPResponse.Header.Get("Retry-After") == "" {
				t.Fatal("429 without Retry-After")
			}
		}
		t.Run("the existing-user path of register counts too", func(t *testing.T) {
			r, err := e.api.WebshareRegisterWithResponse(ctx, models.WebshareRegisterRequest{Email: "brute@example.com", Password: goodPassword, Recaptcha: "ok", TosAccepted: true})
			if err != nil {
				t.Fatal(err)
			}
			detailError(t, r.StatusCode(), http.StatusTooManyRequests, r.JSON429, r.Body, "")
		})
		e.clock.Advance(15 * time.Minute)
		e.login("brute@example.com", goodPassword)
	})
}

// Behind a trusted proxy the client is the X-Forwarded-For address: one client's failures do
// not throttle another client behind the same proxy. Without one, the header is ignored.
func TestWebshareClientAddressBehindProxy(t *testing.T) {
	for _, tc := range []struct {
		name    string
		trusted string
		want    int // status of the other client's login after one client's 10 failures
	}{
		{"trusted loopback proxy", "127.0.0.0/8", http.StatusOK},
		{"no trusted proxy: the header is ignored", "", http.StatusTooManyRequests},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, t.TempDir()+"/a.db", func(c *app.Config) { c.TrustedProxies = tc.trusted })
			e.register("shared@example.com", goodPassword)
			login := func(ip, pw string) int {
				resp, _ := e.raw("POST", "/api/v2/login/", "application/json",
					`{"email":"shared@example.com","password":"`+pw+`","recaptcha":"x"}`, "X-Forwarded-For", ip)
				return resp.StatusCode
			}
			for i := range 10 {
				if got := login("203.0.113.7", "wrong-password-1"); got != http.StatusBadRequest {
					t.Fatalf("failed attempt %d answered %d, want 400", i+1, got)
				}
			}
			if got := login("198.51.100.9", goodPassword); got != tc.want {
				t.Fatalf("other client: %d, want %d", got, tc.want)
			}
		})
	}
}
