package app_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/accountd/accountd/app"
	"github.com/accountd/accountd/gen/models"
	dbmodels "github.com/accountd/accountd/models"
)

// Every response that carries a token says no-store (the contract declares the header as
// required, so the contract transport checks it too).
func TestWebshareTokenResponsesAreNotStored(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		check := func(name string, h http.Header) {
			t.Helper()
			if got := h.Get("Cache-Control"); got != "no-store" {
				t.Errorf("%s: Cache-Control %q, want no-store", name, got)
			}
		}
		r, err := e.api.WebshareRegisterWithResponse(ctx, models.WebshareRegisterRequest{Email: "cache@example.com", Password: goodPassword, Recaptcha: "ok", TosAccepted: true})
		if err != nil || r.StatusCode() != http.StatusCreated {
			t.Fatalf("register: %v %d", err, r.StatusCode())
		}
		check("register 201", r.HTTPResponse.Header)
		r, err = e.api.WebshareRegisterWithResponse(ctx, models.WebshareRegisterRequest{Email: "cache@example.com", Password: goodPassword, Recaptcha: "ok", TosAccepted: true})
		if err != nil || r.StatusCode() != http.StatusOK {
			t.Fatalf("register existing: %v %d", err, r.StatusCode())
		}
		check("register 200", r.HTTPResponse.Header)
		l, err := e.api.WebshareLoginWithResponse(ctx, models.WebshareLoginRequest{Email: "cache@example.com", Password: goodPassword, Recaptcha: "ok"})
		if err != nil || l.StatusCode() != http.StatusOK {
			t.Fatalf("login: %v", err)
		}
		check("login", l.HTTPResponse.Header)
		a, err := e.api.WebshareCompleteActivationWithResponse(ctx, models.WebshareCompleteActivationRequest{ActivationToken: e.lastLink("cache@example.com", "/activation/")})
		if err != nil || a.StatusCode() != http.StatusOK {
			t.Fatalf("activation: %v", err)
		}
		check("activation complete", a.HTTPResponse.Header)
		c, err := e.api.WebshareResetPasswordCompleteWithResponse(ctx, models.WebshareResetPasswordCompleteRequest{
			PasswordResetToken: e.requestReset("cache@example.com"), Password: "a-fresh-password", Recaptcha: "ok"})
		if err != nil || c.StatusCode() != http.StatusOK {
			t.Fatalf("reset complete: %v", err)
		}
		check("reset complete", c.HTTPResponse.Header)
	})
}

// lastUsed reads a token's last_used_at from the database.
func (e *env) lastUsed(userEmail string) []*time.Time {
	e.t.Helper()
	var rows []dbmodels.Credential
	err := e.app.DB.Where("user_id = (SELECT user_id FROM emails WHERE address = ?)", userEmail).
		Order("created_at").Find(&rows).Error
	if err != nil {
		e.t.Fatal(err)
	}
	var out []*time.Time
	for _, r := range rows {
		out = append(out, r.LastUsedAt)
	}
	return out
}

// last_used_at is written at most once per interval (5 minutes) per token, however busy.
func TestWebshareLastUsedIsWrittenOncePerInterval(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		tok := e.register("used@example.com", goodPassword)
		if lu := e.lastUsed("used@example.com"); len(lu) != 1 || lu[0] != nil {
			t.Fatalf("fresh token: %v", lu)
		}
		t0 := e.clock.Now()
		race(20, func(int) int { s, _, _ := e.activation(tok); return s })
		if lu := e.lastUsed("used@example.com"); lu[0] == nil || !lu[0].Equal(t0) {
			t.Fatalf("after use: %v, want %v", lu, t0)
		}
		e.clock.Advance(4 * time.Minute)
		e.activation(tok)
		if lu := e.lastUsed("used@example.com"); !lu[0].Equal(t0) {
			t.Fatalf("written again within the interval: %v", lu[0])
		}
		e.clock.Advance(2 * time.Minute)
		e.activation(tok)
		if lu := e.lastUsed("used@example.com"); !lu[0].Equal(t0.Add(6 * time.Minute)) {
			t.Fatalf("not written after the interval: %v", lu[0])
		}
	})
}

// API tokens live until revoked by default (as Webshare's); an operator can bound how long
// they may go unused and how long they live at all.
func TestWebshareAPITokenLifetimes(t *testing.T) {
	t.Run("default: no expiry", func(t *testing.T) {
		forEachBackend(t, func(t *testing.T, dsn string) {
			e := newEnv(t, dsn)
			tok := e.register("forever@example.com", goodPassword)
			e.clock.Advance(3 * 365 * 24 * time.Hour)
			if s, _, raw := e.activation(tok); s != http.StatusOK {
				t.Fatalf("%d %s", s, raw)
			}
		})
	})
	t.Run("idle timeout", func(t *testing.T) { forEachBackend(t, idleTimeout) })
	t.Run("absolute lifetime", func(t *testing.T) { forEachBackend(t, absoluteLifetime) })
}

func idleTimeout(t *testing.T, dsn string) {
	e := newEnv(t, dsn, func(c *app.Config) { c.APITokenIdleTimeout = 24 * time.Hour })
	tok := e.register("idle@example.com", goodPassword)
	for range 3 { // used every 20 hours: stays alive past the first 24
		e.clock.Advance(20 * time.Hour)
		if s, _, raw := e.activation(tok); s != http.StatusOK {
			t.Fatalf("used within the idle timeout: %d %s", s, raw)
		}
	}
	e.clock.Advance(25 * time.Hour)
	if s, _, raw := e.activation(tok); s != http.StatusUnauthorized || !strings.Contains(string(raw), "Invalid token.") {
		t.Fatalf("idle for 25 h: %d %s", s, raw)
	}
}

func absoluteLifetime(t *testing.T, dsn string) {
	e := newEnv(t, dsn, func(c *app.Config) { c.APITokenLifetime = 48 * time.Hour })
	tok := e.register("mortal@example.com", goodPassword)
	e.clock.Advance(47 * time.Hour)
	if s, _, raw := e.activation(tok); s != http.StatusOK {
		t.Fatalf("within the lifetime: %d %s", s, raw)
	}
	e.clock.Advance(2 * time.Hour)
	if s, _, raw := e.activation(tok); s != http.StatusUnauthorized {
		t.Fatalf("past the lifetime: %d %s", s, raw)
	}
}

// A JSON body must be UTF-8 and one value: invalid UTF-8 in a string (which would become U+FFFD
// and match other byte strings) and data after the value are parse errors in Webshare's shape.
func TestWebshareStrictJSON(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		e.register("strict@example.com", goodPassword)
		for _, tc := range []struct{ name, body string }{
			{"Latin-1 byte in a string", "{\"email\":\"strict@example.com\",\"password\":\"p\xe4ssword-long\",\"recaptcha\":\"x\"}"},
			{"lone continuation byte", "{\"email\":\"strict@example.com\",\"password\":\"\x80\",\"recaptcha\":\"x\"}"},
			{"a second object", `{"email":"strict@example.com","password":"x","recaptcha":"x"}{"email":"other@example.com"}`},
			{"trailing garbage", `{"email":"strict@example.com","password":"x","recaptcha":"x"} trailing`},
		} {
			t.Run(tc.name, func(t *testing.T) {
				resp, raw := e.raw("POST", "/api/v2/login/", "application/json", tc.body)
				if resp.StatusCode != http.StatusBadRequest || !strings.Contains(raw, `"detail":"JSON parse error - `) {
					t.Fatalf("got %d %s, want a JSON parse error", resp.StatusCode, raw)
				}
			})
		}
		t.Run("trailing whitespace is fine", func(t *testing.T) {
			resp, raw := e.raw("POST", "/api/v2/login/", "application/json", `{"email":"strict@example.com","password":"`+goodPassword+`","recaptcha":"x"}`+" \n")
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("got %d %s", resp.StatusCode, raw)
			}
		})
	})
}
