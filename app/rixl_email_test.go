package app_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/accountd/accountd/app"
	"github.com/accountd/accountd/gen/models"
	"github.com/accountd/accountd/testkit"
)

// The vendor page's example, byte for byte: PUT with Content-Type and this body. Its
// "string" is a placeholder (the same page documents 400 for an invalid email), so it is
// also sent with the placeholder filled in.
const rixlPageExample = "{\n\"new_email\": \"string\"\n}"

func TestRixlChangeEmailAsTheVendorPageShows(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		tok := e.rixlSignup("page@example.com").AccessToken
		put := func(body string) (*http.Response, string) {
			return e.raw("PUT", "/auth/v1/users/current/emails/change", "application/json", body, "Authorization", "Bearer "+tok)
		}

		resp, raw := put(rixlPageExample)
		rixlErrorWith(t, resp.StatusCode, []byte(raw), http.StatusBadRequest, "Malformed request or invalid email", "new_email")

		resp, raw = put(strings.Replace(rixlPageExample, `"string"`, `"page.new@example.com"`, 1))
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("the page's example: %d %s", resp.StatusCode, raw)
		}
		var sent map[string]any
		if err := json.Unmarshal([]byte(raw), &sent); err != nil {
			t.Fatal(err)
		}
		canResend, _ := sent["can_resend_at"].(string)
		if len(sent) != 4 || sent["code_sent"] != true || sent["message"] == "" || sent["verification_id"] == "" ||
			canResend != e.clock.Now().Add(time.Minute).UTC().Format(time.RFC3339) {
			t.Fatalf("the documented 200 body, with can_resend_at in RFC 3339 UTC 60 s ahead: %s", raw)
		}

		resp, raw = put(strings.Replace(rixlPageExample, `"string"`, `"page.other@example.com"`, 1))
		body := rixlErrorWith(t, resp.StatusCode, []byte(raw), http.StatusTooManyRequests, "retry after "+canResend, "Too many verification requests")
		if resp.Header.Get("Retry-After") != "60" {
			t.Fatalf("429 with Retry-After %q: %+v", resp.Header.Get("Retry-After"), body)
		}
		// Nothing is sent to the refused address.
		if n := len(e.mailsTo("page.other@example.com")); n != 0 {
			t.Fatalf("%d mails to the refused address", n)
		}
	})
}

func TestRixlChangeEmail(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		tok := e.rixlSignup("old@example.com").AccessToken
		e.rixlSignup("taken@example.com")

		r := e.rixlChange(tok, "new@example.com")
		if r.StatusCode() != http.StatusOK || r.JSON200 == nil {
			t.Fatalf("change: %d %s", r.StatusCode(), r.Body)
		}
		id := r.JSON200.VerificationId
		code := e.rixlCode("new@example.com")
		if s, st := e.rixlStatus(tok); s != http.StatusOK || st.Email != "old@example.com" {
			t.Fatalf("the address changed before verification: %+v", st)
		}

		e.clock.Advance(time.Minute)
		r = e.rixlChange(tok, "Taken@example.com")
		rixlErrorWith(t, r.StatusCode(), r.Body, http.StatusConflict, "Email already in use by another account")
		r = e.rixlChange(tok, "OLD@example.com")
		rixlError(t, r.StatusCode(), r.Body, http.StatusBadRequest)
		for _, h := range []string{"", "Bearer nope"} {
			resp, raw := e.raw("PUT", "/auth/v1/users/current/emails/change", "application/json", `{"new_email":"x@example.com"}`, "Authorization", h)
			rixlErrorWith(t, resp.StatusCode, []byte(raw), http.StatusUnauthorized, "Missing or invalid access token")
		}

		v := e.rixlVerify(id, code)
		if v.StatusCode() != http.StatusOK || v.JSON200 == nil || v.JSON200.Email != "new@example.com" || !v.JSON200.Verified || v.JSON200.Tokens != nil {
			t.Fatalf("verify: %d %s", v.StatusCode(), v.Body)
		}
		if s, st := e.rixlStatus(tok); s != http.StatusOK || st.Email != "new@example.com" || !st.Verified {
			t.Fatalf("status after the change: %+v", st)
		}
		told := false
		for _, m := range e.mailsTo("old@example.com") {
			told = told || strings.Contains(m.Text, "changed from old@example.com to new@example.com")
		}
		if !told {
			t.Fatal("the old address was not told")
		}
		e.rixlLogin("new@example.com", goodPassword)
		l, err := e.api.RixlEmailServiceLoginWithResponse(ctx, models.RixlLoginRequest{Email: "old@example.com", Password: goodPassword})
		if err != nil {
			t.Fatal(err)
		}
		rixlError(t, l.StatusCode(), l.Body, http.StatusUnauthorized)
	})
}

func TestRixlAddEmail(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		tok := e.rixlSignup("main@example.com").AccessToken
		add := func(email string) *http.Response {
			r, err := e.api.RixlEmailServiceAddEmailWithResponse(ctx, models.RixlAddEmailRequest{Email: email}, bearer(tok))
			if err != nil {
				t.Fatal(err)
			}
			if r.StatusCode() != http.StatusOK {
				rixlError(t, r.StatusCode(), r.Body, r.StatusCode())
			}
			return r.HTTPResponse
		}
		r, err := e.api.RixlEmailServiceAddEmailWithResponse(ctx, models.RixlAddEmailRequest{Email: "work@example.com"}, bearer(tok))
		if err != nil || r.StatusCode() != http.StatusOK || r.JSON200 == nil || !r.JSON200.CodeSent {
			t.Fatalf("add: %v %d %s", err, r.StatusCode(), r.Body)
		}
		if got := add("work2@example.com"); got.StatusCode != http.StatusTooManyRequests || got.Header.Get("Retry-After") == "" {
			t.Fatalf("a second code at once: %d", got.StatusCode)
		}
		v := e.rixlVerify(r.JSON200.VerificationId, e.rixlCode("work@example.com"))
		if v.StatusCode() != http.StatusOK || v.JSON200.Email != "work@example.com" || v.JSON200.Tokens != nil {
			t.Fatalf("verify: %d %s", v.StatusCode(), v.Body)
		}
		if s, st := e.rixlStatus(tok); s != http.StatusOK || st.Email != "main@example.com" {
			t.Fatalf("the primary address moved: %+v", st)
		}
		e.clock.Advance(time.Minute)
		if got := add("WORK@example.com"); got.StatusCode != http.StatusBadRequest {
			t.Fatalf("adding an address the account has: %d", got.StatusCode)
		}
		e.rixlSignup("someone@example.com")
		if got := add("someone@example.com"); got.StatusCode != http.StatusConflict {
			t.Fatalf("adding another account's address: %d", got.StatusCode)
		}
	})
}

func TestRixlVerifyErrors(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		tok := e.rixlSignup("v@example.com").AccessToken
		start := func(addr string) string {
			r := e.rixlChange(tok, addr)
			if r.StatusCode() != http.StatusOK {
				t.Fatalf("change: %d %s", r.StatusCode(), r.Body)
			}
			return r.JSON200.VerificationId
		}

		v := e.rixlVerify("0123456789abcdef01234567", "123456")
		rixlErrorWith(t, v.StatusCode(), v.Body, http.StatusNotFound, "No verification has this id")

		id := start("v2@example.com")
		code := e.rixlCode("v2@example.com")
		wrong := "000000"
		if code == wrong {
			wrong = "111111"
		}
		for i := range 5 {
			v = e.rixlVerify(id, wrong)
			rixlError(t, v.StatusCode(), v.Body, http.StatusBadRequest)
			_ = i
		}
		v = e.rixlVerify(id, code)
		rixlErrorWith(t, v.StatusCode(), v.Body, http.StatusBadRequest, "out of attempts") // dead after 5

		e.clock.Advance(time.Minute)
		id = start("v3@example.com")
		code = e.rixlCode("v3@example.com")
		e.clock.Advance(15*time.Minute + time.Second)
		v = e.rixlVerify(id, code)
		rixlError(t, v.StatusCode(), v.Body, http.StatusBadRequest) // expired

		// Resend (public, by address): a new code under the same id; the old one stops working.
		resend := func(addr string) []byte {
			r, err := e.api.RixlEmailServiceResendVerificationWithResponse(ctx, models.RixlResendVerificationRequest{Email: addr})
			if err != nil || r.StatusCode() != http.StatusOK {
				t.Fatalf("resend: %v %d", err, r.StatusCode())
			}
			return r.Body
		}
		known := resend("v3@example.com")
		fresh := e.rixlCode("v3@example.com")
		if unknown := resend("nobody@example.com"); string(unknown) != string(known) {
			t.Fatalf("resend answers differ: %s / %s", known, unknown)
		}
		if n := len(e.mailsTo("nobody@example.com")); n != 0 {
			t.Fatalf("%d mails to an unknown address", n)
		}
		if fresh != code {
			v = e.rixlVerify(id, code)
			rixlError(t, v.StatusCode(), v.Body, http.StatusBadRequest)
		}
		if v = e.rixlVerify(id, fresh); v.StatusCode() != http.StatusOK {
			t.Fatalf("the resent code: %d %s", v.StatusCode(), v.Body)
		}
	})
}

// Two accounts verify codes for the same new address at once: exactly one owns it.
func TestRixlVerifyRaceHasOneOwner(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		const racers = 6
		ids, codes := make([]string, racers), make([]string, racers)
		for i := range racers {
			tok := e.rixlSignup("racer" + strconv.Itoa(i) + "@example.com").AccessToken
			r := e.rixlChange(tok, "prize@example.com")
			if r.StatusCode() != http.StatusOK {
				t.Fatalf("change %d: %d %s", i, r.StatusCode(), r.Body)
			}
			ids[i], codes[i] = r.JSON200.VerificationId, e.rixlCode("prize@example.com")
			e.clock.Advance(time.Second)
		}
		got := race(racers, func(i int) int { return e.rixlVerify(ids[i], codes[i]).StatusCode() })
		if got[http.StatusOK] != 1 || got[http.StatusConflict] != racers-1 {
			t.Fatalf("statuses %v", got)
		}
		owners := 0
		for i := range racers {
			l, err := e.api.RixlEmailServiceLoginWithResponse(ctx, models.RixlLoginRequest{Email: "racer" + strconv.Itoa(i) + "@example.com", Password: goodPassword})
			if err != nil {
				t.Fatal(err)
			}
			if l.StatusCode() != http.StatusOK {
				owners++ // this racer's address moved to prize@
			}
		}
		if owners != 1 || e.rixlLogin("prize@example.com", goodPassword).Email != "prize@example.com" {
			t.Fatalf("%d accounts changed their address", owners)
		}
	})
}

// Limits live in the database: two servers on one PostgreSQL database enforce the same one.
func TestRixlLimitsAreSharedByServers(t *testing.T) {
	dsn := testkit.PostgresURL(t)
	a, b := newEnv(t, dsn), newEnv(t, dsn)
	tok := a.rixlSignup("two@example.com").AccessToken
	if r := a.rixlChange(tok, "two.a@example.com"); r.StatusCode() != http.StatusOK {
		t.Fatalf("server A: %d %s", r.StatusCode(), r.Body)
	}
	r := b.rixlChange(tok, "two.b@example.com")
	rixlError(t, r.StatusCode(), r.Body, http.StatusTooManyRequests)
	if r.HTTPResponse.Header.Get("Retry-After") != "60" {
		t.Fatalf("Retry-After %q", r.HTTPResponse.Header.Get("Retry-After"))
	}
	// Parallel requests on both servers after the cooldown: one code in all.
	a.clock.Advance(time.Minute)
	b.clock.Advance(time.Minute)
	got := race(10, func(i int) int {
		e := a
		if i%2 == 1 {
			e = b
		}
		return e.rixlChange(tok, "two.c@example.com").StatusCode()
	})
	if got[http.StatusOK] != 1 || got[http.StatusTooManyRequests] != 9 {
		t.Fatalf("statuses %v", got)
	}
}

// The cooldown and the hourly cap are settings (ACCOUNTD_CODE_COOLDOWN, ACCOUNTD_CODES_PER_HOUR).
func TestRixlCodeLimitsAreConfigurable(t *testing.T) {
	e := newEnv(t, t.TempDir()+"/a.db", func(c *app.Config) { c.CodeCooldown, c.CodesPerHour = 10*time.Second, 2 })
	tok := e.rixlSignup("conf@example.com").AccessToken
	r := e.rixlChange(tok, "conf2@example.com")
	if r.StatusCode() != http.StatusOK || !r.JSON200.CanResendAt.Equal(e.clock.Now().Add(10*time.Second)) {
		t.Fatalf("change: %d %s", r.StatusCode(), r.Body)
	}
	r = e.rixlChange(tok, "conf2@example.com")
	if rixlError(t, r.StatusCode(), r.Body, http.StatusTooManyRequests); r.HTTPResponse.Header.Get("Retry-After") != "10" {
		t.Fatalf("Retry-After %q", r.HTTPResponse.Header.Get("Retry-After"))
	}
	e.clock.Advance(10 * time.Second)
	if r = e.rixlChange(tok, "conf2@example.com"); r.StatusCode() != http.StatusOK {
		t.Fatalf("after the cooldown: %d %s", r.StatusCode(), r.Body)
	}
	e.clock.Advance(10 * time.Second)
	r = e.rixlChange(tok, "conf2@example.com")
	rixlError(t, r.StatusCode(), r.Body, http.StatusTooManyRequests)
	if s, _ := strconv.Atoi(r.HTTPResponse.Header.Get("Retry-After")); s <= 10 {
		t.Fatalf("the hourly cap of 2: Retry-After %d", s)
	}
}

func TestCodeLimitSettingsAreChecked(t *testing.T) {
	for _, tc := range []struct{ key, value, want string }{
		{"ACCOUNTD_CODE_COOLDOWN", "soon", "ACCOUNTD_CODE_COOLDOWN"},
		{"ACCOUNTD_CODE_COOLDOWN", "-1s", "ACCOUNTD_CODE_COOLDOWN"},
		{"ACCOUNTD_CODES_PER_HOUR", "-3", "ACCOUNTD_CODES_PER_HOUR"},
		{"ACCOUNTD_CODES_PER_HOUR", "many", "ACCOUNTD_CODES_PER_HOUR"},
	} {
		t.Setenv(tc.key, tc.value)
		cfg := app.FromEnv()
		cfg.DatabaseURL = t.TempDir() + "/a.db"
		a, err := app.New(ctx, cfg)
		if err == nil {
			a.Close()
			t.Fatalf("%s=%s accepted", tc.key, tc.value)
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Fatalf("%s=%s: %v", tc.key, tc.value, err)
		}
		t.Setenv(tc.key, "")
	}
}
