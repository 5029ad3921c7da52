package app_test

import (
	"net/http"
	"strings"
	"testing"
)

// Every vendor's JSON bodies go through the one strict decoder (handlers/strict_json.go): a body
// must be valid UTF-8 and exactly one JSON value, whatever the vendor's media type (Akana's
// application/vnd.soa.*+json included). Each refusal is the vendor's own parse error, and the
// same body made valid is accepted, so the check is not refusing everything.
// (TestWebshareStrictJSON covers Webshare.)
func TestStrictJSONEveryVendor(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		p := newPayway(t, dsn)
		p.member(p.orgA, "strict@example.com")
		user := []string{"Authorization", "Bearer " + p.userToken(p.a, "strict@example.com").AccessToken}
		a := newAkanaEnv(t, dsn)
		a.akanaAccount("ak@a.example", "", "")

		type vendor struct {
			name        string
			e           *env
			path, ctype string
			headers     []string
			// valid is a body the operation accepts; bad bodies are made from it.
			valid     string
			okStatus  int
			parseWant string // in the 400 body of a parse error
		}
		vendors := []vendor{
			{"payway", p.env, "/external/api/v1/me/request_email_change", "application/json", user,
				`{"new_email":"strict.new@example.com"}`, 200, `"code":"json_parser_error"`},
			{"rixl", p.env, "/auth/v1/login", "application/json", nil,
				`{"email":"nobody@example.com","password":"p\u00e4ssword-long"}`, 401, `"code":400`},
			{"akana json", a, "/api/login", "application/json", nil,
				`{"email":"ak@a.example","password":"` + goodPassword + `"}`, 200, `"The request body is not valid JSON."`},
			{"akana vnd.soa", a, "/api/login", "application/vnd.soa.v81+json", []string{"Accept", "application/vnd.soa.v81+json"},
				`{"email":"ak@a.example","password":"` + goodPassword + `"}`, 200, `"The request body is not valid JSON."`},
		}
		for _, v := range vendors {
			last := strings.LastIndexByte(v.valid, '"')
			bad := []struct{ name, body string }{
				{"Latin-1 byte in a string", v.valid[:last] + "\xe4" + v.valid[last:]},
				{"lone continuation byte", v.valid[:last] + "\x80" + v.valid[last:]},
				{"a second value", v.valid + v.valid},
				{"trailing garbage", v.valid + " trailing"},
				{"truncated", v.valid[:len(v.valid)-1]},
				{"whitespace only", " \n"},
			}
			for _, b := range bad {
				t.Run(v.name+"/"+b.name, func(t *testing.T) {
					resp, raw := v.e.raw("POST", v.path, v.ctype, b.body, v.headers...)
					if resp.StatusCode != http.StatusBadRequest || !strings.Contains(raw, v.parseWant) {
						t.Fatalf("got %d %s, want 400 with %s", resp.StatusCode, raw, v.parseWant)
					}
				})
			}
			t.Run(v.name+"/valid with trailing whitespace", func(t *testing.T) {
				resp, raw := v.e.raw("POST", v.path, v.ctype, v.valid+" \r\n\t", v.headers...)
				if resp.StatusCode != v.okStatus {
					t.Fatalf("got %d %s, want %d", resp.StatusCode, raw, v.okStatus)
				}
			})
		}
	})
}
