package app_test

import (
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/accountd/accountd/testkit"
)

// Every Akana body comes in the media type the Accept header asks for; an Accept that allows
// none of Akana's types is 406; requests may use any of them.
func TestAkanaMediaTypes(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		e := newAkanaEnv(t, dsn)
		jane := e.akanaAccount("jane@a.example", "", "")
		login := `{"email":"jane@a.example","password":"` + goodPassword + `"}`
		cases := []struct {
			name, contentType, accept string
			status                    int
			wantType                  string
		}{
			{"json", "application/json", "application/json", 200, "application/json"},
			{"no Accept", "application/json", "", 200, "application/json"},
			{"v71 in and out", "application/vnd.soa.v71+json", "application/vnd.soa.v71+json", 200, "application/vnd.soa.v71+json"},
			{"v72", "application/vnd.soa.v72+json", "application/vnd.soa.v72+json", 200, "application/vnd.soa.v72+json"},
			{"v80 asked, json sent", "application/json", "application/vnd.soa.v80+json", 200, "application/vnd.soa.v80+json"},
			{"v81 preferred", "application/vnd.soa.v81+json", "application/json;q=0.5, application/vnd.soa.v81+json", 200, "application/vnd.soa.v81+json"},
			{"html only", "application/json", "text/html", 406, "application/json"},
			{"xml only", "application/json", "application/xml", 406, "application/json"},
			{"a version that does not exist", "application/json", "application/vnd.soa.v90+json", 406, "application/json"},
			{"a body that is not JSON", "text/plain", "application/json", 415, "application/json"},
			{"errors in the asked type", "text/plain", "application/vnd.soa.v80+json", 415, "application/vnd.soa.v80+json"},
		}
		for _, c := range cases {
			resp, body := e.raw("POST", "/api/login", c.contentType, login, "Accept", c.accept)
			if resp.StatusCode != c.status || resp.Header.Get("Content-Type") != c.wantType {
				t.Errorf("%s: %d %s %s, want %d %s", c.name, resp.StatusCode, resp.Header.Get("Content-Type"), body, c.status, c.wantType)
			}
			akanaErrorOf(t, []byte(body), resp.StatusCode)
		}
		// Bodiless answers negotiate too: 406 before anything is done.
		resp, body := e.raw("POST", "/api/users/"+jane.fdn+"/sendEmailChangeCode", "application/x-www-form-urlencoded",
			"newEmailAddress=new%40a.example", "Accept", "text/html", "Cookie", akanaSession+"="+jane.cookie(akanaSession),
			akanaCSRFHeader, jane.cookie(akanaCSRFCookie))
		if resp.StatusCode != http.StatusNotAcceptable || len(e.mailsTo("new@a.example")) != 0 {
			t.Fatalf("sendEmailChangeCode with Accept: text/html: %d %s", resp.StatusCode, body)
		}
		resp, body = e.raw("GET", "/api/login/status", "", "", "Accept", "application/vnd.soa.v72+json",
			"Cookie", akanaSession+"="+jane.cookie(akanaSession))
		var info struct{ LoginState string }
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/vnd.soa.v72+json" ||
			json.Unmarshal([]byte(body), &info) != nil || info.LoginState != "LoggedIn" {
			t.Fatalf("status in v72: %d %s %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
	})
}

// Bad input gets Akana's {code, message} body with a 4xx, never a 5xx; unknown fields are
// ignored as if absent.
func TestAkanaBadInput(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		e := newAkanaEnv(t, dsn)
		jane := e.akanaAccount("jane@a.example", "", "")
		session := []string{"Cookie", akanaSession + "=" + jane.cookie(akanaSession), akanaCSRFHeader, jane.cookie(akanaCSRFCookie)}
		form := "application/x-www-form-urlencoded"
		cases := []struct {
			name, method, path, contentType, body string
			headers                               []string
			status                                int
		}{
			{"login: no body", "POST", "/api/login", "application/json", "", nil, 400},
			{"login: malformed JSON", "POST", "/api/login", "application/json", `{"email":`, nil, 400},
			{"login: not an object", "POST", "/api/login", "application/json", `[1]`, nil, 400},
			{"login: null", "POST", "/api/login", "application/json", `null`, nil, 400},
			{"login: no password", "POST", "/api/login", "application/json", `{"email":"jane@a.example"}`, nil, 400},
			{"login: not an address", "POST", "/api/login", "application/json", `{"email":"jane","password":"x"}`, nil, 400},
			{"login: a number for a password", "POST", "/api/login", "application/json", `{"email":"jane@a.example","password":1}`, nil, 400},
			{"login: a huge password", "POST", "/api/login", "application/json", `{"email":"jane@a.example","password":"` + string(make([]byte, 300)) + `"}`, nil, 400},
			{"login: form body", "POST", "/api/login", form, "email=jane%40a.example", nil, 415},
			{"login: an unknown field is ignored", "POST", "/api/login", "application/json",
				`{"email":"jane@a.example","password":"` + goodPassword + `","rememberMe":true}`, nil, 200},
			{"send: no address", "POST", "/api/users/" + jane.fdn + "/sendEmailChangeCode", form, "", session, 400},
			{"send: not an address", "POST", "/api/users/" + jane.fdn + "/sendEmailChangeCode", form, "newEmailAddress=nope", session, 400},
			{"send: JSON body", "POST", "/api/users/" + jane.fdn + "/sendEmailChangeCode", "application/json", `{"newEmailAddress":"a@b.example"}`, session, 415},
			{"send: the same address", "POST", "/api/users/" + jane.fdn + "/sendEmailChangeCode", form, "newEmailAddress=JANE%40a.example", session, 400},
			{"validate: empty code", "POST", "/api/users/validateEmailChangeCode", "application/json", `{"changeCode":"","newEmailAddress":"a@b.example"}`, session, 400},
			{"validate: no address", "POST", "/api/users/validateEmailChangeCode", "application/json", `{"changeCode":"abc"}`, session, 400},
			{"reset: no address", "POST", "/api/passwordmanagement/sendPasswordResetCode", form, "", nil, 400},
			{"reset: not an address", "POST", "/api/passwordmanagement/sendPasswordResetCode?emailAddress=nope", form, "", nil, 400},
			{"reset check: no code", "POST", "/api/passwordmanagement/validatePasswordResetCode?emailAddress=jane%40a.example", form, "", nil, 400},
			{"reset use: no password", "POST", "/api/login/authenticateWithPasswordResetCode", "application/json", `{"emailAddress":"jane@a.example","passwordResetCode":"x"}`, nil, 400},
			{"password: no body", "PUT", "/api/users/" + jane.fdn + "/password", "application/json", "", session, 400},
		}
		for _, c := range cases {
			resp, body := e.raw(c.method, c.path, c.contentType, c.body, c.headers...)
			if resp.StatusCode != c.status {
				t.Errorf("%s: %d %s, want %d", c.name, resp.StatusCode, body, c.status)
				continue
			}
			akanaErrorOf(t, []byte(body), resp.StatusCode)
		}
		// Requests that match no operation still get Akana's body, since they fall under
		// Akana's paths; the contract transport checks them against AkanaError.
		for _, c := range []struct {
			method, path string
			status       int
		}{{"GET", "/api/users/" + jane.fdn + "/nothing", 404}, {"DELETE", "/api/login", 405}} {
			req, _ := http.NewRequestWithContext(testkit.ExpectNoOperation(ctx, "AkanaError"), c.method, e.baseURL+c.path, nil)
			resp, err := e.http.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != c.status {
				t.Errorf("%s %s: %d %s", c.method, c.path, resp.StatusCode, body)
			}
			akanaErrorOf(t, body, resp.StatusCode)
		}
	})
}
