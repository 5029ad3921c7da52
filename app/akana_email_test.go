package app_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/accountd/accountd/gen/client"
	"github.com/accountd/accountd/gen/models"
)

// The vendor page's sample request (help.akana.com, m_users_sendEmailChangeCode), sent as
// written: its headers, its form body, after a real login; the cookie and CSRF values are
// that login's.
func TestAkanaSendEmailChangeCodeSample(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		e := newAkanaEnv(t, dsn)
		jmead := e.akanaAccount("jmead@old.example", "", "")
		sample := func(session, csrf string) int {
			t.Helper()
			headers := []string{
				"Accept", "application/json, text/javascript, */*; q=0.01",
				"Cookie", akanaSession + "=" + session,
			}
			if csrf != "" {
				headers = append(headers, akanaCSRFHeader, csrf)
			}
			resp, body := e.raw("POST", "/api/users/"+jmead.fdn+"/sendEmailChangeCode",
				"application/x-www-form-urlencoded; charset=UTF-8", "newEmailAddress=jmead%40acmepaymentscorp.com", headers...)
			akanaErrorOf(t, []byte(body), resp.StatusCode)
			if resp.StatusCode == http.StatusOK && body != "" {
				t.Fatalf("200 with content %q; the page says there is none", body)
			}
			return resp.StatusCode
		}
		session, csrf := jmead.cookie(akanaSession), jmead.cookie(akanaCSRFCookie)

		if got := sample(session, ""); got != http.StatusUnauthorized {
			t.Fatalf("without the CSRF header: %d, want 401", got)
		}
		if got := sample(session, csrf+"x"); got != http.StatusUnauthorized {
			t.Fatalf("with a wrong CSRF header: %d, want 401", got)
		}
		other := e.akanaAccount("other@old.example", "", "")
		if got := sample(session, other.cookie(akanaCSRFCookie)); got != http.StatusUnauthorized {
			t.Fatalf("with another session's CSRF token: %d, want 401", got)
		}
		if n := e.mailCount("jmead@acmepaymentscorp.com", "jmead@acmepaymentscorp.com"); n != 0 {
			t.Fatalf("refused requests sent %d mails", n)
		}
		if got := sample(session, csrf); got != http.StatusOK {
			t.Fatalf("the sample request: %d, want 200", got)
		}
		if e.mailedCode("jmead@acmepaymentscorp.com") == "" {
			t.Fatal("no code at the new address")
		}
		if n := e.mailCount("jmead@old.example", "jmead@acmepaymentscorp.com"); n != 1 {
			t.Fatalf("%d notices to the old address, want 1", n)
		}

		// An expired session: the cookie is still sent, the server's clock has moved past it.
		e.clock.Advance(31 * time.Minute)
		if got := sample(session, csrf); got != http.StatusUnauthorized {
			t.Fatalf("expired session: %d, want 401", got)
		}

		// A logged-out session.
		jmead.login("jmead@old.example", goodPassword)
		session, csrf = jmead.cookie(akanaSession), jmead.cookie(akanaCSRFCookie)
		e.clock.Advance(2 * time.Minute) // past the send cooldown
		if got := sample(session, csrf); got != http.StatusOK {
			t.Fatalf("after logging in again: %d, want 200", got)
		}
		r, err := jmead.api.AkanaEndSessionWithResponse(ctx)
		if err != nil || r.StatusCode() != http.StatusOK {
			t.Fatalf("endsession: %v %v", r.StatusCode(), err)
		}
		e.clock.Advance(2 * time.Minute)
		if got := sample(session, csrf); got != http.StatusUnauthorized {
			t.Fatalf("logged-out session: %d, want 401", got)
		}
	})
}

// Who may change whose address (the page's rules), each as a request through a real server.
func TestAkanaEmailChangeRoles(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		e := newAkanaEnv(t, dsn)
		acme, globex := e.org("Acme"), e.org("Globex")
		admin := e.akanaAccount("admin@acme.example", acme, "site_admin")
		admin2 := e.akanaAccount("admin2@acme.example", acme, "site_admin")
		business := e.akanaAccount("business@acme.example", acme, "business_admin")
		member := e.akanaAccount("member@acme.example", acme, "member")
		member2 := e.akanaAccount("member2@acme.example", acme, "member")
		outsider := e.akanaAccount("admin@globex.example", globex, "site_admin")
		outsiderMember := e.akanaAccount("member@globex.example", globex, "member")

		cases := []struct {
			name          string
			actor, target *akanaUser
			status        int
		}{
			{"self", member, member, http.StatusOK},
			{"site admin on a member", admin, member2, http.StatusOK},
			{"site admin on another site admin", admin, admin2, http.StatusForbidden},
			{"site admin on a business admin", admin, business, http.StatusForbidden},
			{"member on another member", member, member2, http.StatusForbidden},
			{"member on the site admin", member, admin, http.StatusForbidden},
			{"site admin of another organisation on a member", outsider, member, http.StatusForbidden},
			{"user of another organisation on a member", outsiderMember, member, http.StatusForbidden},
		}
		for i, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				// Only allowed sends count towards the target's send limits, and the allowed
				// cases target different users.
				to := strings.Replace(c.target.email, "@", "+"+string(rune('a'+i))+"@", 1)
				status, body, raw := c.actor.sendEmailChangeCode(c.target.fdn, to)
				if status != c.status {
					t.Fatalf("%d %s, want %d", status, raw, c.status)
				}
				mails := e.mailCount(to, to)
				if c.status == http.StatusOK && (mails != 1 || e.mailCount(c.target.email, to) != 1) {
					t.Fatalf("want a code to %s and a notice to %s", to, c.target.email)
				}
				if c.status != http.StatusOK && (mails != 0 || body.Code != c.status) {
					t.Fatalf("a refused request mailed %d codes, body %s", mails, raw)
				}
			})
		}
		t.Run("a UserID of no user here is 404", func(t *testing.T) {
			for _, fdn := range []string{"0b1f57b0-7c48-4c75-b4d4-da2f44885cdb.acmepaymentscorp",
				strings.TrimSuffix(member.fdn, akanaTenant) + "othertenant", "nobody"} {
				if status, _, raw := admin.sendEmailChangeCode(fdn, "x@acme.example"); status != http.StatusNotFound {
					t.Fatalf("%s: %d %s", fdn, status, raw)
				}
			}
		})
	})
}

// The code from the mail applies the change; wrong, used, mismatched codes are 400; an address
// taken meanwhile is 409.
func TestAkanaValidateEmailChangeCode(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		e := newAkanaEnv(t, dsn)
		acme := e.org("Acme")
		admin := e.akanaAccount("admin@acme.example", acme, "site_admin")
		member := e.akanaAccount("member@acme.example", acme, "member")
		validate := func(b *akanaUser, code, addr string, editors ...client.RequestEditorFn) (int, string) {
			t.Helper()
			if editors == nil {
				editors = []client.RequestEditorFn{b.csrf()}
			}
			r, err := b.api.AkanaValidateEmailChangeCodeWithResponse(ctx,
				models.AkanaValidateEmailChangeCodeRequest{ChangeCode: code, NewEmailAddress: addr}, editors...)
			if err != nil {
				t.Fatal(err)
			}
			akanaErrorOf(t, r.Body, r.StatusCode())
			return r.StatusCode(), string(r.Body)
		}

		if status, _, raw := admin.sendEmailChangeCode(member.fdn, "new@acme.example"); status != http.StatusOK {
			t.Fatalf("send: %d %s", status, raw)
		}
		code := e.mailedCode("new@acme.example")
		for _, c := range []struct {
			name, code, addr string
			editors          []client.RequestEditorFn
			status           int
		}{
			{"no CSRF header", code, "new@acme.example", []client.RequestEditorFn{header("X-Other", "1")}, 401},
			{"wrong code", code + "x", "new@acme.example", nil, 400},
			{"another address", code, "other@acme.example", nil, 400},
		} {
			if status, raw := validate(member, c.code, c.addr, c.editors...); status != c.status {
				t.Fatalf("%s: %d %s, want %d", c.name, status, raw, c.status)
			}
		}
		if status, raw := validate(member, code, "NEW@acme.example"); status != http.StatusOK {
			t.Fatalf("validate: %d %s", status, raw)
		}
		if status, raw := validate(member, code, "new@acme.example"); status != http.StatusBadRequest {
			t.Fatalf("a used code: %d %s", status, raw)
		}
		if n := e.mailCount("member@acme.example", "changed"); n != 1 {
			t.Fatalf("%d change notices to the old address", n)
		}
		e.browser().login("new@acme.example", goodPassword)

		t.Run("an address taken after the send is 409", func(t *testing.T) {
			e.clock.Advance(time.Hour)
			member.login("new@acme.example", goodPassword)
			if status, _, raw := member.sendEmailChangeCode(member.fdn, "race@acme.example"); status != http.StatusOK {
				t.Fatalf("send: %d %s", status, raw)
			}
			code := e.mailedCode("race@acme.example")
			e.akanaAccount("race@acme.example", "", "")
			if status, raw := validate(member, code, "race@acme.example"); status != http.StatusConflict {
				t.Fatalf("validate: %d %s", status, raw)
			}
			e.clock.Advance(2 * time.Minute)
			if status, _, raw := member.sendEmailChangeCode(member.fdn, "race@acme.example"); status != http.StatusConflict {
				t.Fatalf("send to a taken address: %d %s", status, raw)
			}
		})
		t.Run("an expired code is 400", func(t *testing.T) {
			e.clock.Advance(time.Hour)
			member.login("new@acme.example", goodPassword)
			if status, _, raw := member.sendEmailChangeCode(member.fdn, "late@acme.example"); status != http.StatusOK {
				t.Fatalf("send: %d %s", status, raw)
			}
			code := e.mailedCode("late@acme.example")
			e.clock.Advance(61 * time.Minute)
			member.login("new@acme.example", goodPassword) // the session has expired too
			if status, raw := validate(member, code, "late@acme.example"); status != http.StatusBadRequest {
				t.Fatalf("validate: %d %s", status, raw)
			}
		})
	})
}
