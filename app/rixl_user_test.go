package app_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/accountd/accountd/account"
	"github.com/accountd/accountd/gen/models"
)

// GET /auth/v1/users/current and /auth/v1/userinfo: the caller, its address and, in userinfo,
// the organization it joined first (the org_id that memberships/{org_id}/leave takes).
func TestRixlCurrentUserAndUserInfo(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		id := e.rixlRegister("who@example.com")
		login := e.rixlLogin("who@example.com", goodPassword)
		u, err := e.api.RixlUserServiceGetUserWithResponse(ctx, nil, bearer(login.AccessToken))
		if err != nil || u.StatusCode() != http.StatusOK || u.JSON200 == nil {
			t.Fatalf("users/current: %v %d %s", err, u.StatusCode(), u.Body)
		}
		userID := u.JSON200.UserId
		if userID == "" || u.JSON200.Email != "who@example.com" || u.JSON200.EmailVerified {
			t.Fatalf("users/current before verification: %s", u.Body)
		}
		e.rixlVerify(id, e.rixlCode("who@example.com"))
		info, err := e.api.RixlUserServiceGetUserInfoWithResponse(ctx, &models.RixlUserServiceGetUserInfoParams{UserId: &userID}, bearer(login.AccessToken))
		if err != nil || info.StatusCode() != http.StatusOK || info.JSON200 == nil {
			t.Fatalf("userinfo: %v %d %s", err, info.StatusCode(), info.Body)
		}
		if i := info.JSON200; i.Id != userID || i.Email != "who@example.com" || !i.EmailVerified || i.ActiveOrgId != nil || i.Username != nil {
			t.Fatalf("userinfo of an account in no organization: %s", info.Body)
		}

		// In organizations: the first one joined is the active one, and leaving it moves on.
		first, err := e.app.Core.CreateOrganization(ctx, "First")
		if err != nil {
			t.Fatal(err)
		}
		second, err := e.app.Core.CreateOrganization(ctx, "Second")
		if err != nil {
			t.Fatal(err)
		}
		for _, org := range []string{first.ID, second.ID} {
			if err := e.app.DB.Exec("INSERT INTO memberships (organization_id, user_id, role, created_at) VALUES (?, ?, 'member', ?)",
				org, userID, e.clock.Now()).Error; err != nil {
				t.Fatal(err)
			}
			e.clock.Advance(time.Second)
		}
		active := func() string {
			t.Helper()
			r, err := e.api.RixlUserServiceGetUserInfoWithResponse(ctx, nil, bearer(login.AccessToken))
			if err != nil || r.StatusCode() != http.StatusOK || r.JSON200 == nil {
				t.Fatalf("userinfo: %v %d %s", err, r.StatusCode(), r.Body)
			}
			if r.JSON200.ActiveOrgId == nil {
				return ""
			}
			return *r.JSON200.ActiveOrgId
		}
		if got := active(); got != first.ID {
			t.Fatalf("active_org_id %q, want the first organization %q", got, first.ID)
		}
		l, err := e.api.RixlMembershipServiceLeaveOrganizationDeleteWithResponse(ctx, active(), nil, bearer(login.AccessToken))
		if err != nil || l.StatusCode() != http.StatusOK || string(l.Body) != "{}\n" && string(l.Body) != "{}" {
			t.Fatalf("DELETE leave: %v %d %s", err, l.StatusCode(), l.Body)
		}
		if got := active(); got != second.ID {
			t.Fatalf("active_org_id after leaving the first: %q, want %q", got, second.ID)
		}

		for _, h := range []string{"", "Bearer nope"} {
			resp, raw := e.raw("GET", "/auth/v1/userinfo", "", "", "Authorization", h)
			rixlErrorWith(t, resp.StatusCode, []byte(raw), http.StatusUnauthorized, "Missing or invalid access token")
		}
	})
}

// Rixl's user_id (query or body): the caller's own id acts on the caller; any other id, of an
// account that exists or not, is a 403 in Rixl's body and changes nothing.
func TestRixlUserIDOfAnotherAccountIsForbidden(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		me := e.rixlSignup("me@example.com").AccessToken
		other := e.rixlSignup("other@example.com").AccessToken
		idOf := func(tok string) string {
			t.Helper()
			r, err := e.api.RixlUserServiceGetUserWithResponse(ctx, nil, bearer(tok))
			if err != nil || r.JSON200 == nil {
				t.Fatalf("users/current: %v %s", err, r.Body)
			}
			return r.JSON200.UserId
		}
		mine, theirs := idOf(me), idOf(other)
		org, err := e.app.Core.CreateOrganization(ctx, "Acme")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.app.Core.CreateUser(ctx, account.CreateUserInput{Email: "member@example.com", Password: goodPassword,
			Verified: true, OrgID: org.ID, Role: "member"}); err != nil {
			t.Fatal(err)
		}
		member := e.rixlLogin("member@example.com", goodPassword).AccessToken
		auth := func(tok string) []string { return []string{"Authorization", "Bearer " + tok} }

		for _, foreign := range []string{theirs, "0123456789abcdef01234567"} {
			for _, tc := range []struct{ name, method, path, body string }{
				{"users/current", "GET", "/auth/v1/users/current?user_id=" + foreign, ""},
				{"userinfo", "GET", "/auth/v1/userinfo?user_id=" + foreign, ""},
				{"email status", "GET", "/auth/v1/users/current/emails/status?user_id=" + foreign, ""},
				{"email change", "PUT", "/auth/v1/users/current/emails/change", `{"user_id":"` + foreign + `","new_email":"me.new@example.com"}`},
				{"add email", "POST", "/auth/v1/users/current/emails", `{"user_id":"` + foreign + `","email":"me.work@example.com"}`},
				{"leave (POST)", "POST", "/auth/v1/memberships/" + org.ID + "/leave?user_id=" + foreign, ""},
				{"leave (DELETE)", "DELETE", "/auth/v1/memberships/" + org.ID + "/leave?user_id=" + foreign, ""},
			} {
				t.Run(tc.name, func(t *testing.T) {
					tok := me
					if strings.Contains(tc.path, "/memberships/") { // a member of the organization asks
						tok = member
					}
					ctype := ""
					if tc.body != "" {
						ctype = "application/json"
					}
					resp, raw := e.raw(tc.method, tc.path, ctype, tc.body, auth(tok)...)
					rixlErrorWith(t, resp.StatusCode, []byte(raw), http.StatusForbidden, "user_id names another account")
				})
			}
		}
		// Nothing happened: no code was mailed, the member is still in.
		if n := len(e.mailsTo("me.new@example.com")) + len(e.mailsTo("me.work@example.com")); n != 0 {
			t.Fatalf("%d mails for refused requests", n)
		}
		if org2, err := e.app.Core.FirstOrganization(ctx, idOf(member)); err != nil || org2 != org.ID {
			t.Fatalf("the member left: %q %v", org2, err)
		}

		// The caller's own id acts on the caller.
		r, err := e.api.RixlEmailServiceInitiateEmailChangeWithResponse(ctx, models.RixlInitiateEmailChangeRequest{UserId: &mine, NewEmail: "me.new@example.com"}, bearer(me))
		if err != nil || r.StatusCode() != http.StatusOK {
			t.Fatalf("change with the own user_id: %v %d %s", err, r.StatusCode(), r.Body)
		}
		a, err := e.api.RixlEmailServiceAddEmailWithResponse(ctx, models.RixlAddEmailRequest{UserId: &mine, Email: "me.work@example.com"}, bearer(me))
		if err != nil || a.StatusCode() != http.StatusOK {
			t.Fatalf("add with the own user_id: %v %d %s", err, a.StatusCode(), a.Body)
		}
		s, err := e.api.RixlEmailServiceGetUserEmailStatusWithResponse(ctx, &models.RixlEmailServiceGetUserEmailStatusParams{UserId: &mine}, bearer(me))
		if err != nil || s.StatusCode() != http.StatusOK || s.JSON200.Email != "me@example.com" {
			t.Fatalf("status with the own user_id: %v %d %s", err, s.StatusCode(), s.Body)
		}
	})
}

// Register stores subscribe_to_blog as the marketing consent and answers with the new user's id.
func TestRixlRegisterFields(t *testing.T) {
	e := newEnv(t, t.TempDir()+"/a.db")
	yes, cc := true, "DE"
	r, err := e.api.RixlEmailServiceRegisterWithResponse(ctx, models.RixlRegisterRequest{Email: "blog@example.com", Password: goodPassword,
		SubscribeToBlog: &yes, CountryCode: &cc})
	if err != nil || r.StatusCode() != http.StatusOK || r.JSON200 == nil {
		t.Fatalf("register: %v %d %s", err, r.StatusCode(), r.Body)
	}
	var consent bool
	if err := e.app.DB.Raw("SELECT marketing_email_accepted FROM users WHERE id = ?", r.JSON200.UserId).Scan(&consent).Error; err != nil || !consent {
		t.Fatalf("subscribe_to_blog not stored for %s: %v %v", r.JSON200.UserId, consent, err)
	}
	e.rixlRegister("noblog@example.com")
	if err := e.app.DB.Raw("SELECT u.marketing_email_accepted FROM users u JOIN emails m ON m.user_id = u.id WHERE m.address = ?",
		"noblog@example.com").Scan(&consent).Error; err != nil || consent {
		t.Fatalf("no subscribe_to_blog stored as consent: %v %v", consent, err)
	}
}

// Logout with a token in the body ends that token's session (one of the caller's); a token of
// another account's session is a 401 and ends nothing. X-API-Key alone is no credential.
func TestRixlLogoutByToken(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		e.rixlSignup("tok@example.com")
		e.rixlSignup("else@example.com")
		a := e.rixlLoginTokens("tok@example.com", goodPassword)
		b := e.rixlLoginTokens("tok@example.com", goodPassword)
		foreign := e.rixlLoginTokens("else@example.com", goodPassword)
		logout := func(bearerTok, token string) (int, []byte) {
			t.Helper()
			r, err := e.api.RixlTokenServiceLogoutWithResponse(ctx, models.RixlLogoutRequest{Token: &token}, bearer(bearerTok))
			if err != nil {
				t.Fatal(err)
			}
			return r.StatusCode(), r.Body
		}
		for _, tok := range []string{foreign.RefreshToken, foreign.AccessToken, "not-a-token"} {
			s, raw := logout(a.AccessToken, tok)
			rixlErrorWith(t, s, raw, http.StatusUnauthorized, "not of one of your sessions")
		}
		if s, _ := e.rixlStatus(foreign.AccessToken); s != http.StatusOK {
			t.Fatalf("the other account's session answers %d", s)
		}
		// a's bearer ends b's session by b's refresh token; a's own session lives on.
		if s, raw := logout(a.AccessToken, b.RefreshToken); s != http.StatusOK || string(raw) != "{}\n" && string(raw) != "{}" {
			t.Fatalf("logout by refresh token: %d %s", s, raw)
		}
		if s, _ := e.rixlStatus(b.AccessToken); s != http.StatusUnauthorized {
			t.Fatalf("the ended session's access token answers %d", s)
		}
		if s, _ := e.rixlStatus(a.AccessToken); s != http.StatusOK {
			t.Fatalf("the caller's own session answers %d", s)
		}
		s, raw := logout(a.AccessToken, b.RefreshToken)
		rixlError(t, s, raw, http.StatusUnauthorized) // already ended

		resp, body := e.raw("POST", "/auth/v1/logout", "application/json", "{}", "X-API-Key", a.AccessToken)
		rixlErrorWith(t, resp.StatusCode, []byte(body), http.StatusUnauthorized, "Missing or invalid access token")
	})
}
