package app_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/accountd/accountd/gen/models"
)

// One address, one account, on both databases, however it is written: case (also beyond
// ASCII), Unicode normalisation form, and the domain as Unicode or punycode. Addresses with
// invisible, direction-changing or look-alike characters are refused.
func TestWebshareAddressesAreNormalised(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		registerStatus := func(email string) (int, []byte) {
			r, err := e.api.WebshareRegisterWithResponse(ctx, models.WebshareRegisterRequest{Email: email, Password: "another-good-pass",
				Recaptcha: "ok", TosAccepted: true})
			if err != nil {
				t.Fatal(err)
			}
			if r.StatusCode() == http.StatusBadRequest {
				fieldErrors(t, r.StatusCode(), r.JSON400, r.Body, "email", "This email address is already in use.")
			}
			return r.StatusCode(), r.Body
		}
		for _, tc := range []struct{ name, first, variant string }{
			{"non-ASCII case", "jané@example.com", "JANÉ@example.com"},
			{"NFC and NFD", "zoë@example.com", "zoe\u0308@example.com"},
			{"Unicode and punycode domain", "max@exämple.com", "max@xn--exmple-cua.com"},
			{"upper-case punycode domain", "ann@bücher.example", "ANN@XN--BCHER-KVA.EXAMPLE"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				e.register(tc.first, goodPassword)
				if s, body := registerStatus(tc.variant); s != http.StatusBadRequest {
					t.Fatalf("%q after %q: %d %s, want one account", tc.variant, tc.first, s, body)
				}
				e.login(tc.variant, goodPassword)
			})
		}
		t.Run("the address is kept as typed", func(t *testing.T) {
			tok := e.register("Mixed.Case@Example.COM", goodPassword)
			if mails := e.mailsTo("Mixed.Case@Example.COM"); len(mails) == 0 {
				t.Fatal("no mail to the address as typed")
			}
			_ = tok
		})
		for _, tc := range []struct{ name, email string }{
			{"zero-width space", "ja\u200bne@example.com"},
			{"bidi override", "\u202ejane@example.com"},
			{"bidi isolate", "ja\u2066ne@example.com"},
			{"fullwidth letters", "ｊａｎｅ@example.com"},
			{"fullwidth domain", "jane@ｅｘａｍｐｌｅ.com"},
			{"soft hyphen", "ja\u00adne@example.com"},
		} {
			t.Run("refused: "+tc.name, func(t *testing.T) {
				for _, path := range []string{"/api/v2/register/", "/api/v2/login/", "/api/v2/resetpassword/"} {
					body := `{"email":"` + tc.email + `","password":"another-good-pass","recaptcha":"x","tos_accepted":true}`
					if path == "/api/v2/resetpassword/" {
						body = `{"email":"` + tc.email + `","recaptcha":"x"}`
					}
					resp, raw := e.raw("POST", path, "application/json", body)
					if resp.StatusCode != http.StatusBadRequest || !strings.Contains(raw, `"email":["Enter a valid email address."]`) {
						t.Fatalf("%s %q: %d %s", path, tc.email, resp.StatusCode, raw)
					}
				}
			})
		}
	})
}
