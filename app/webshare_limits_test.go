package app_test

import (
	"fmt"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/accountd/accountd/app"
	"github.com/accountd/accountd/gen/models"
)

// loginFrom logs in through a trusted proxy as client ip and returns the status.
func (e *env) loginFrom(ip, email, pw string) int {
	e.t.Helper()
	resp, _ := e.raw("POST", "/api/v2/login/", "application/json",
		`{"email":"`+email+`","password":"`+pw+`","recaptcha":"x"}`, "X-Forwarded-For", ip)
	return resp.StatusCode
}

func behindProxy(c *app.Config) { c.TrustedProxies = "127.0.0.0/8" }

// 60 parallel guesses at one address from one client: the attempts are counted before the
// password is hashed, so at most 10 wrong passwords are evaluated (400) and the rest are
// refused (429). The one right password among them is evaluated besides when it takes a slot
// early: a success gives its count back (only failures use the budget), and the freed slot
// goes to a wrong guess, so 10 failures and the success. The same holds for register's path
// for a known address.
func TestWebshareLoginBurstIsCountedBeforeHashing(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		e.register("burst@example.com", goodPassword)
		const n = 60
		statuses := race(n, func(i int) int {
			pw := "wrong-password-" + strconv.Itoa(i)
			if i == 35 {
				pw = goodPassword
			}
			return e.loginStatus("burst@example.com", pw)
		})
		evaluated := statuses[http.StatusBadRequest] + statuses[http.StatusOK]
		t.Logf("login burst of %d: %v", n, statuses)
		if statuses[http.StatusBadRequest] > 10 || statuses[http.StatusOK] > 1 || statuses[http.StatusTooManyRequests] != n-evaluated {
			t.Fatalf("%d of %d parallel logins were evaluated (want at most 10 wrong passwords and the right one, the rest 429): %v", evaluated, n, statuses)
		}

		e.register("burst2@example.com", goodPassword)
		statuses = race(n, func(i int) int {
			r, err := e.api.WebshareRegisterWithResponse(ctx, models.WebshareRegisterRequest{Email: "burst2@example.com",
				Password: "another-pass-" + strconv.Itoa(i), Recaptcha: "ok", TosAccepted: true})
			if err != nil {
				t.Error(err)
				return 0
			}
			return r.StatusCode()
		})
		t.Logf("register burst of %d on a known address: %v", n, statuses)
		if statuses[http.StatusBadRequest] > 10 || statuses[http.StatusTooManyRequests] != n-statuses[http.StatusBadRequest] {
			t.Fatalf("register's known-address path evaluated %d of %d: %v", statuses[http.StatusBadRequest], n, statuses)
		}
	})
}

// One client's burst cannot lock the owner out: it adds at most 10 failures to the address's
// own limit. That limit (100 an hour from all clients) still stops a botnet: after 10 clients
// with 10 failures each, even the right password from an 11th client is refused.
func TestWebshareLoginLimitPerAddress(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn, behindProxy)
		e.register("owner@example.com", goodPassword)
		statuses := race(60, func(i int) int {
			return e.loginFrom("203.0.113.7", "owner@example.com", "wrong-password-"+strconv.Itoa(i))
		})
		t.Logf("one client's burst of 60: %v", statuses)
		if got := e.loginFrom("198.51.100.1", "owner@example.com", goodPassword); got != http.StatusOK {
			t.Fatalf("the owner, from another address, after one client's burst: %d, want 200", got)
		}
		for c := 2; c <= 10; c++ {
			for i := range 10 {
				if got := e.loginFrom(fmt.Sprintf("198.51.100.%d", c), "owner@example.com", "wrong-password-x"); got != http.StatusBadRequest {
					t.Fatalf("client %d attempt %d: %d, want 400", c, i+1, got)
				}
			}
		}
		r, _ := e.raw("POST", "/api/v2/login/", "application/json",
			`{"email":"owner@example.com","password":"`+goodPassword+`","recaptcha":"x"}`, "X-Forwarded-For", "192.0.2.99")
		if r.StatusCode != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" {
			t.Fatalf("after 100 failures from 10 clients: %d (Retry-After %q), want 429", r.StatusCode, r.Header.Get("Retry-After"))
		}
		e.clock.Advance(time.Hour)
		if got := e.loginFrom("192.0.2.99", "owner@example.com", goodPassword); got != http.StatusOK {
			t.Fatalf("an hour later: %d", got)
		}
	})
}

// A stolen token must not allow online guessing of the password that guards an email change:
// current-password checks are limited per account (10 per 15 minutes), counted before hashing.
func TestWebsharePasswordRechecksAreLimited(t *testing.T) {
	type op struct {
		name string
		call func(e *env, tok, pw string) (int, http.Header)
	}
	ops := []op{
		{"changepassword", func(e *env, tok, pw string) (int, http.Header) {
			r, err := e.api.WebshareChangePasswordWithResponse(ctx, models.WebshareChangePasswordRequest{Password: pw, NewPassword: "brand-new-secret"}, token(tok))
			if err != nil {
				e.t.Fatal(err)
			}
			return r.StatusCode(), r.HTTPResponse.Header
		}},
		{"changeemail", func(e *env, tok, pw string) (int, http.Header) {
			r, err := e.api.WebshareChangeEmailWithResponse(ctx, models.WebshareChangeEmailRequest{Password: pw, NewEmail: "elsewhere@example.com"}, token(tok))
			if err != nil {
				e.t.Fatal(err)
			}
			return r.StatusCode(), r.HTTPResponse.Header
		}},
		{"deleteaccount", func(e *env, tok, pw string) (int, http.Header) {
			r, err := e.api.WebshareDeleteAccountWithResponse(ctx, models.WebshareDeleteAccountRequest{Password: pw, Recaptcha: "ok"}, token(tok))
			if err != nil {
				e.t.Fatal(err)
			}
			return r.StatusCode(), r.HTTPResponse.Header
		}},
	}
	forEachBackend(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		for _, o := range ops {
			t.Run(o.name, func(t *testing.T) {
				tok := e.register(o.name+"@example.com", goodPassword)
				const n = 40
				statuses := race(n, func(i int) int {
					s, _ := o.call(e, tok, "wrong-password-"+strconv.Itoa(i))
					return s
				})
				t.Logf("%d parallel wrong passwords: %v", n, statuses)
				if statuses[http.StatusBadRequest] > 10 || statuses[http.StatusTooManyRequests] != n-statuses[http.StatusBadRequest] {
					t.Fatalf("%d of %d re-checks evaluated: %v", statuses[http.StatusBadRequest], n, statuses)
				}
				if s, h := o.call(e, tok, goodPassword); s != http.StatusTooManyRequests || h.Get("Retry-After") == "" {
					t.Fatalf("the right password within the window: %d (Retry-After %q), want 429", s, h.Get("Retry-After"))
				}
				e.clock.Advance(15 * time.Minute)
				if s, _ := o.call(e, tok, goodPassword); s != http.StatusNoContent {
					t.Fatalf("the right password after the window: %d", s)
				}
			})
		}
	})
}

// /changeemail/ answers a run of requests the same way whether the new address is taken or
// free: the throttles come first and a taken address spends them too. (The first answer
// differs by design: Webshare says "already in use".)
func TestWebshareChangeEmailDoesNotRevealTakenAddresses(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		e.register("taken-one@example.com", goodPassword)
		run := func(who, target string) []int {
			tok := e.register(who, goodPassword)
			var out []int
			for range 12 {
				s, _, _ := e.changeEmail(tok, goodPassword, target)
				out = append(out, s)
			}
			return out
		}
		taken := run("asker-a@example.com", "taken-one@example.com")
		free := run("asker-b@example.com", "free-one@example.com")
		t.Logf("taken: %v, free: %v", taken, free)
		for i := 1; i < 12; i++ {
			if taken[i] != free[i] {
				t.Fatalf("request %d: taken answered %d, free %d", i+1, taken[i], free[i])
			}
		}
		for i, s := range taken[1:] {
			if s != http.StatusTooManyRequests {
				t.Fatalf("request %d after a taken address was not throttled", i+2)
			}
		}
	})
}

// Register checks the password policy before it looks the address up: a weak password gets
// the same answer for a registered and an unregistered address. Registrations are also limited
// per client.
func TestWebshareRegisterDoesNotRevealAddresses(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		e.register("known@example.com", goodPassword)
		var bodies []string
		for _, email := range []string{"known@example.com", "unknown@example.com"} {
			r, err := e.api.WebshareRegisterWithResponse(ctx, models.WebshareRegisterRequest{Email: email, Password: "123", Recaptcha: "ok", TosAccepted: true})
			if err != nil {
				t.Fatal(err)
			}
			fieldErrors(t, r.StatusCode(), r.JSON400, r.Body, "password", "This password is too short. It must contain at least 8 characters.")
			bodies = append(bodies, string(r.Body))
		}
		if bodies[0] != bodies[1] {
			t.Fatalf("known and unknown addresses answered differently:\n%s\n%s", bodies[0], bodies[1])
		}
		t.Run("per client", func(t *testing.T) {
			statuses := map[int]int{}
			for i := range 31 {
				r, err := e.api.WebshareRegisterWithResponse(ctx, models.WebshareRegisterRequest{Email: fmt.Sprintf("bulk-%d@example.com", i),
					Password: goodPassword, Recaptcha: "ok", TosAccepted: true})
				if err != nil {
					t.Fatal(err)
				}
				statuses[r.StatusCode()]++
			}
			// known@ above used one of the 30 of this hour.
			if statuses[http.StatusCreated] != 29 || statuses[http.StatusTooManyRequests] != 2 {
				t.Fatalf("31 registrations from one client: %v, want 29 x 201 then 429", statuses)
			}
		})
	})
}
