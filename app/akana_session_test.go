package app_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/accountd/accountd/app"
	"github.com/accountd/accountd/gen/models"
)

// setCookies returns the Set-Cookie lines of a response by cookie name.
func setCookies(h http.Header) map[string]string {
	out := map[string]string{}
	for _, line := range h.Values("Set-Cookie") {
		name, _, _ := strings.Cut(line, "=")
		out[name] = line
	}
	return out
}

func TestAkanaLoginCookies(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		for _, c := range []struct {
			name, publicURL string
			secure          bool
		}{{"http", "http://accountd.test", false}, {"https", "https://accountd.test", true}} {
			t.Run(c.name, func(t *testing.T) {
				e := newEnv(t, dsn, func(cfg *app.Config) { cfg.PublicURL = c.publicURL })
				email := c.name + "@a.example"
				if _, err := e.app.Core.CreateUser(ctx, accountInput(email)); err != nil {
					t.Fatal(err)
				}
				b := e.browser()
				r, err := b.api.AkanaLoginWithResponse(ctx, models.AkanaLoginRequest{Email: email, Password: goodPassword})
				if err != nil || r.StatusCode() != http.StatusOK || r.JSON200 == nil {
					t.Fatalf("login: %v %d %s", err, r.StatusCode(), r.Body)
				}
				got := setCookies(r.HTTPResponse.Header)
				session, csrf := got[akanaSession], got[akanaCSRFCookie]
				for _, want := range []string{"Path=/", "Max-Age=1800", "HttpOnly", "SameSite=Lax"} {
					if !strings.Contains(session, want) {
						t.Errorf("session cookie %q lacks %s", session, want)
					}
				}
				if strings.Contains(csrf, "HttpOnly") || !strings.Contains(csrf, "SameSite=Lax") {
					t.Errorf("CSRF cookie %q must be readable by the page and SameSite=Lax", csrf)
				}
				for _, line := range []string{session, csrf} {
					if strings.Contains(line, "Secure") != c.secure {
						t.Errorf("cookie %q: Secure should be %v", line, c.secure)
					}
				}
				info := r.JSON200
				if info.LoginState != models.AkanaLoginInfoLoginStateLoggedIn || *info.UserName != email ||
					!strings.HasSuffix(*info.UserFDN, "."+akanaTenant) ||
					*info.AuthTokenValidUntil != e.clock.Now().Add(30*time.Minute).UnixMilli() {
					t.Errorf("login body: %s", r.Body)
				}
				if r.HTTPResponse.Header.Get("Cache-Control") != "no-store" {
					t.Errorf("login answer may be cached")
				}
			})
		}
	})
}

func TestAkanaLoginFailures(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		e := newAkanaEnv(t, dsn)
		if _, err := e.app.Core.CreateUser(ctx, accountInput("jane@a.example")); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct{ name, email, pw string }{
			{"wrong password", "jane@a.example", "wrong-password-1"},
			{"unknown address", "nobody@a.example", goodPassword},
		} {
			b := e.browser()
			r, err := b.api.AkanaLoginWithResponse(ctx, models.AkanaLoginRequest{Email: c.email, Password: c.pw})
			if err != nil {
				t.Fatal(err)
			}
			if r.StatusCode() != http.StatusUnauthorized || len(r.HTTPResponse.Header.Values("Set-Cookie")) != 0 {
				t.Fatalf("%s: %d %v", c.name, r.StatusCode(), r.HTTPResponse.Header.Values("Set-Cookie"))
			}
			akanaErrorOf(t, r.Body, r.StatusCode())
		}
	})
}

func TestAkanaSessionLifecycle(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		e := newAkanaEnv(t, dsn)
		jane := e.akanaAccount("jane@a.example", "", "")
		status := func(b *akanaUser) models.AkanaLoginInfoLoginState {
			t.Helper()
			r, err := b.api.AkanaGetLoginStatusWithResponse(ctx)
			if err != nil || r.StatusCode() != http.StatusOK || r.JSON200 == nil {
				t.Fatalf("status: %v %d %s", err, r.StatusCode(), r.Body)
			}
			if r.JSON200.LoginState == models.AkanaLoginInfoLoginStateLoggedOut && r.JSON200.UserFDN != nil {
				t.Fatalf("a logged-out status names a user: %s", r.Body)
			}
			return r.JSON200.LoginState
		}
		renew := func(b *akanaUser) int {
			t.Helper()
			r, err := b.api.AkanaRenewTokenWithResponse(ctx, b.csrf(), header("Content-Type", "application/x-www-form-urlencoded"))
			if err != nil {
				t.Fatal(err)
			}
			akanaErrorOf(t, r.Body, r.StatusCode())
			return r.StatusCode()
		}
		if got := status(e.browser()); got != models.AkanaLoginInfoLoginStateLoggedOut {
			t.Fatalf("no cookie: %s", got)
		}
		if got := status(jane); got != models.AkanaLoginInfoLoginStateLoggedIn {
			t.Fatalf("logged in: %s", got)
		}

		t.Run("renew replaces the session cookie; the old value is dead", func(t *testing.T) {
			old := jane.cookie(akanaSession)
			e.clock.Advance(25 * time.Minute)
			if got := renew(jane); got != http.StatusOK {
				t.Fatalf("renew: %d", got)
			}
			if jane.cookie(akanaSession) == old {
				t.Fatal("renew kept the cookie")
			}
			e.clock.Advance(25 * time.Minute) // 50 minutes after login, 25 after the renewal
			if got := status(jane); got != models.AkanaLoginInfoLoginStateLoggedIn {
				t.Fatalf("after renewal: %s", got)
			}
			stale := e.browser()
			stale.jar.SetCookies(mustURL(e.baseURL), []*http.Cookie{{Name: akanaSession, Value: old}})
			if got := status(stale); got != models.AkanaLoginInfoLoginStateLoggedOut {
				t.Fatalf("the replaced cookie: %s", got)
			}
			if got := renew(e.browser()); got != http.StatusUnauthorized {
				t.Fatalf("renew without a session: %d", got)
			}
			e.clock.Advance(31 * time.Minute)
			if got := renew(jane); got != http.StatusUnauthorized {
				t.Fatalf("renew of an expired session: %d", got)
			}
		})
		t.Run("logout ends the session and expires the cookies", func(t *testing.T) {
			jane.login("jane@a.example", goodPassword)
			//lint:ignore SA1019 this test is about the deprecated operation, which Akana still serves
			r, err := jane.api.AkanaLogoutWithResponse(ctx, &models.AkanaLogoutParams{FedmemberId: ptrTo(akanaTenant)})
			if err != nil || r.StatusCode() != http.StatusUnauthorized {
				t.Fatalf("logout without CSRF: %v %d", err, r.StatusCode())
			}
			session := jane.cookie(akanaSession)
			//lint:ignore SA1019 this test is about the deprecated operation, which Akana still serves
			r, err = jane.api.AkanaLogoutWithResponse(ctx, nil, jane.csrf())
			if err != nil || r.StatusCode() != http.StatusOK {
				t.Fatalf("logout: %v %d %s", err, r.StatusCode(), r.Body)
			}
			for name, line := range setCookies(r.HTTPResponse.Header) {
				if !strings.Contains(line, "Max-Age=0") {
					t.Errorf("cookie %s not expired: %s", name, line)
				}
			}
			if jane.cookie(akanaSession) != "" {
				t.Fatal("the jar kept the session cookie")
			}
			replay := e.browser()
			replay.jar.SetCookies(mustURL(e.baseURL), []*http.Cookie{{Name: akanaSession, Value: session}})
			if got := status(replay); got != models.AkanaLoginInfoLoginStateLoggedOut {
				t.Fatalf("the logged-out cookie still works: %s", got)
			}
		})
		t.Run("endsession needs no CSRF header, ends the session, and answers without a cookie too", func(t *testing.T) {
			jane.login("jane@a.example", goodPassword)
			session := jane.cookie(akanaSession)
			r, err := jane.api.AkanaEndSessionWithResponse(ctx)
			if err != nil || r.StatusCode() != http.StatusOK || len(setCookies(r.HTTPResponse.Header)) != 2 {
				t.Fatalf("endsession: %v %d %v", err, r.StatusCode(), r.HTTPResponse.Header.Values("Set-Cookie"))
			}
			replay := e.browser()
			replay.jar.SetCookies(mustURL(e.baseURL), []*http.Cookie{{Name: akanaSession, Value: session}})
			if got := status(replay); got != models.AkanaLoginInfoLoginStateLoggedOut {
				t.Fatalf("the ended cookie still works: %s", got)
			}
			if r, err := e.browser().api.AkanaEndSessionWithResponse(ctx); err != nil || r.StatusCode() != http.StatusOK {
				t.Fatalf("endsession without a cookie: %v %d", err, r.StatusCode())
			}
		})
	})
}

// The tenant is configuration: it names the cookies, the CSRF header and every userFDN.
func TestAkanaConfiguredTenant(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		e := newAkanaEnv(t, dsn, func(c *app.Config) { c.AkanaTenant = "globex-eu" })
		if _, err := e.app.Core.CreateUser(ctx, accountInput("jane@a.example")); err != nil {
			t.Fatal(err)
		}
		resp, body := e.raw("POST", "/api/login", "application/json", `{"email":"jane@a.example","password":"`+goodPassword+`"}`)
		got := setCookies(resp.Header)
		var info models.AkanaLoginInfo
		if resp.StatusCode != http.StatusOK || got["AtmoAuthToken_globex-eu"] == "" || got["Csrf-Token_globex-eu"] == "" ||
			jsonDecode(body, &info) != nil || !strings.HasSuffix(*info.UserFDN, ".globex-eu") || *info.LoginDomainId != "globex-eu" {
			t.Fatalf("login: %d %v %s", resp.StatusCode, resp.Header.Values("Set-Cookie"), body)
		}
		session := strings.TrimPrefix(strings.Split(got["AtmoAuthToken_globex-eu"], ";")[0], "AtmoAuthToken_globex-eu=")
		csrf := strings.TrimPrefix(strings.Split(got["Csrf-Token_globex-eu"], ";")[0], "Csrf-Token_globex-eu=")
		send := func(cookieName, headerName, fdn string) int {
			resp, body := e.raw("POST", "/api/users/"+fdn+"/sendEmailChangeCode", "application/x-www-form-urlencoded",
				"newEmailAddress=j2%40a.example", "Cookie", cookieName+"="+session, headerName, csrf)
			akanaErrorOf(t, []byte(body), resp.StatusCode)
			return resp.StatusCode
		}
		defaultFDN := strings.TrimSuffix(*info.UserFDN, "globex-eu") + akanaTenant
		for _, c := range []struct {
			name, cookie, header, fdn string
			status                    int
		}{
			{"the default tenant's cookie", akanaSession, "X-Csrf-Token_globex-eu", *info.UserFDN, 401},
			{"the default tenant's header", "AtmoAuthToken_globex-eu", akanaCSRFHeader, *info.UserFDN, 401},
			{"the default tenant's userFDN", "AtmoAuthToken_globex-eu", "X-Csrf-Token_globex-eu", defaultFDN, 404},
			{"this tenant's names", "AtmoAuthToken_globex-eu", "X-Csrf-Token_globex-eu", *info.UserFDN, 200},
		} {
			if got := send(c.cookie, c.header, c.fdn); got != c.status {
				t.Errorf("%s: %d, want %d", c.name, got, c.status)
			}
		}
	})
}

func jsonDecode(body string, v any) error { return json.Unmarshal([]byte(body), v) }
