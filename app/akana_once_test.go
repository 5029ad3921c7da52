package app_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"

	"gorm.io/gorm"
)

// Every Akana operation negotiates its response media type (in one place, before its handler):
// an Accept header that allows none of Akana's types is 406 in Akana's body, whatever the
// operation, and nothing is done.
func TestAkanaEveryOperationNegotiates(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		e := newAkanaEnv(t, dsn)
		jane := e.akanaAccount("jane@a.example", "", "")
		cookie := []string{"Cookie", akanaSession + "=" + jane.cookie(akanaSession)}
		withCSRF := append(append([]string{}, cookie...), akanaCSRFHeader, jane.cookie(akanaCSRFCookie))
		const form, js = "application/x-www-form-urlencoded", "application/json"
		for _, c := range []struct {
			operation, method, path, ctype, body string
			auth                                 []string
		}{
			{"akanaLogin", "POST", "/api/login", js, `{"email":"jane@a.example","password":"` + goodPassword + `"}`, nil},
			{"akanaGetLoginStatus", "GET", "/api/login/status", "", "", cookie},
			{"akanaRenewToken", "POST", "/api/login/renewToken", form, "", withCSRF},
			{"akanaLogout", "POST", "/api/login/logout", form, "", withCSRF},
			{"akanaEndSession", "GET", "/api/login/endsession", "", "", cookie},
			{"akanaSendEmailChangeCode", "POST", "/api/users/" + jane.fdn + "/sendEmailChangeCode", form, "newEmailAddress=new%40a.example", withCSRF},
			{"akanaValidateEmailChangeCode", "POST", "/api/users/validateEmailChangeCode", js, `{"changeCode":"00000000","newEmailAddress":"new@a.example"}`, withCSRF},
			{"akanaSendPasswordResetCode", "POST", "/api/passwordmanagement/sendPasswordResetCode?emailAddress=jane%40a.example", form, "", nil},
			{"akanaValidatePasswordResetCode", "POST", "/api/passwordmanagement/validatePasswordResetCode?emailAddress=jane%40a.example&passwordResetCode=00000000", form, "", nil},
			{"akanaAuthenticateWithPasswordResetCode", "POST", "/api/login/authenticateWithPasswordResetCode", js,
				`{"emailAddress":"jane@a.example","passwordResetCode":"00000000","newPassword":"staple-lantern-orbit"}`, nil},
			{"akanaChangePassword", "PUT", "/api/users/" + jane.fdn + "/password", js, `{"oldPassword":"` + goodPassword + `","newPassword":"staple-lantern-orbit"}`, withCSRF},
		} {
			t.Run(c.operation, func(t *testing.T) {
				resp, body := e.raw(c.method, c.path, c.ctype, c.body, append([]string{"Accept", "text/html"}, c.auth...)...)
				if resp.StatusCode != http.StatusNotAcceptable || resp.Header.Get("Content-Type") != "application/json" ||
					!strings.Contains(body, `"code":406`) || resp.Header.Get("Set-Cookie") != "" {
					t.Fatalf("got %d %s %v %s, want 406 in Akana's JSON body and no cookie", resp.StatusCode,
						resp.Header.Get("Content-Type"), resp.Header.Values("Set-Cookie"), body)
				}
			})
		}
		// Nothing was done: the session lives on (renew, logout and endsession did not run),
		// the password is the old one, and no mail went out.
		if resp, body := e.raw("GET", "/api/login/status", "", "", cookie...); resp.StatusCode != http.StatusOK ||
			!strings.Contains(body, `"loginState":"LoggedIn"`) {
			t.Fatalf("after the refused requests: %d %s", resp.StatusCode, body)
		}
		e.browser().login("jane@a.example", goodPassword)
		if n := len(e.mailsTo("new@a.example")) + len(e.mailsTo("jane@a.example")); n != 0 {
			t.Fatalf("%d mails after refused requests", n)
		}
	})
}

// Akana's session is read once per request: the cookie scheme and the CSRF scheme of one
// requirement share one lookup of the session cookie, and the CSRF token is compared with the
// secret read in that lookup, not in a second read of the session.
func TestAkanaSessionReadOncePerRequest(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		e := newAkanaEnv(t, dsn)
		jane := e.akanaAccount("jane@a.example", "", "")
		queries := recordQueries(t, e)

		cookie := []string{"Cookie", akanaSession + "=" + jane.cookie(akanaSession)}
		withCSRF := append(append([]string{}, cookie...), akanaCSRFHeader, jane.cookie(akanaCSRFCookie))
		badCSRF := append(append([]string{}, cookie...), akanaCSRFHeader, jane.cookie(akanaCSRFCookie)+"x")
		for _, c := range []struct {
			name, method, path, ctype, body string
			headers                         []string
			status                          int
		}{
			{"cookie and CSRF header", "POST", "/api/users/validateEmailChangeCode", "application/json",
				`{"changeCode":"00000000","newEmailAddress":"new@a.example"}`, withCSRF, http.StatusBadRequest},
			{"wrong CSRF header", "POST", "/api/users/validateEmailChangeCode", "application/json",
				`{"changeCode":"00000000","newEmailAddress":"new@a.example"}`, badCSRF, http.StatusUnauthorized},
			{"cookie only", "GET", "/api/login/status", "", "", cookie, http.StatusOK},
		} {
			t.Run(c.name, func(t *testing.T) {
				queries.reset()
				resp, body := e.raw(c.method, c.path, c.ctype, c.body, c.headers...)
				if resp.StatusCode != c.status {
					t.Fatalf("got %d %s, want %d", resp.StatusCode, body, c.status)
				}
				var lookups, sessionReads int
				all := queries.taken()
				for _, q := range all {
					if strings.Contains(q, "credentials.token_hash") {
						lookups++
					}
					if strings.Contains(q, `FROM "sessions"`) || strings.Contains(q, "FROM `sessions`") {
						sessionReads++
					}
				}
				if lookups != 1 || sessionReads != 0 {
					t.Fatalf("%d session lookups and %d reads of the session row, want 1 and 0; queries:\n%s",
						lookups, sessionReads, strings.Join(all, "\n"))
				}
			})
		}
	})
}

// queryLog records the SQL of every query (SELECT) the server runs.
type queryLog struct {
	mu  sync.Mutex
	sql []string
}

func (l *queryLog) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sql = nil
}

func (l *queryLog) taken() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.sql...)
}

func recordQueries(t *testing.T, e *env) *queryLog {
	t.Helper()
	l := &queryLog{}
	err := e.app.DB.Callback().Query().After("gorm:query").Register("test:record_queries", func(db *gorm.DB) {
		l.mu.Lock()
		defer l.mu.Unlock()
		l.sql = append(l.sql, db.Statement.SQL.String())
	})
	if err != nil {
		t.Fatal(err)
	}
	return l
}
