package app_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/accountd/accountd/app"
	"github.com/accountd/accountd/gen/models"
)

// akanaCookies makes the public URL plain http, so that a test's cookie jar sends Akana's
// session to the loopback server (see newAkanaEnv); Webshare's mailed links then use it too.
func akanaCookies(c *app.Config) { c.PublicURL = "http://accountd.test" }

// Issue 15: rules of the one account core that every vendor shares. Each test performs an
// attack of the issue through the public API of the vendors it names.

// A typed (6-digit) code is confirmed only with its verification id, at Rixl's verify
// endpoint, where attempts are counted. The endpoints that look link tokens up by value, or a
// user's newest code up without an id, must never match it: not with the digits, and not with
// "<verification_id>\x00<digits>", which is what the typed code's hash used to cover.
func TestTypedCodesAreOnlyConfirmedByTheirVerificationID(t *testing.T) {
	for _, c := range []struct {
		name string
		// attack starts a Rixl verification for the victim in e and presents its code (id,
		// digits) at another vendor's endpoint; it returns that endpoint's status and body.
		attack func(t *testing.T, p *payway) (status int, raw []byte, id, code, addr string)
		// verified tells whether the verification took effect.
		verified func(t *testing.T, p *payway, addr string) bool
	}{
		{
			name: "webshare activation complete, id NUL digits",
			attack: func(t *testing.T, p *payway) (int, []byte, string, string, string) {
				id := p.rixlRegister("victim@example.net")
				code := p.rixlCode("victim@example.net")
				r, err := p.api.WebshareCompleteActivationWithResponse(ctx,
					models.WebshareCompleteActivationRequest{ActivationToken: id + "\x00" + code})
				if err != nil {
					t.Fatal(err)
				}
				return r.StatusCode(), r.Body, id, code, "victim@example.net"
			},
			verified: func(t *testing.T, p *payway, addr string) bool {
				_, a, _ := p.activation(p.login(addr, goodPassword))
				return a != nil && a.EmailIsVerified
			},
		},
		{
			// The caller changes its own address to the victim's through Rixl (the code goes
			// to the victim), then claims it through Akana with the id and guessed digits.
			name: "akana validateEmailChangeCode, id NUL digits after a Rixl email change",
			attack: func(t *testing.T, p *payway) (int, []byte, string, string, string) {
				thief := p.env.akanaAccount("thief@example.org", "", "")
				ch := p.rixlChange(p.rixlLogin("thief@example.org", goodPassword).Tokens.AccessToken, "victim@example.net")
				if ch.JSON200 == nil {
					t.Fatalf("rixl change: %d %s", ch.StatusCode(), ch.Body)
				}
				code := p.rixlCode("victim@example.net") // stands for the guess that matches
				r, err := thief.api.AkanaValidateEmailChangeCodeWithResponse(ctx, models.AkanaValidateEmailChangeCodeRequest{
					ChangeCode: ch.JSON200.VerificationId + "\x00" + code, NewEmailAddress: "victim@example.net"}, thief.csrf())
				if err != nil {
					t.Fatal(err)
				}
				akanaErrorOf(t, r.Body, r.StatusCode())
				return r.StatusCode(), r.Body, ch.JSON200.VerificationId, code, "victim@example.net"
			},
			verified: func(t *testing.T, p *payway, addr string) bool { return p.loginStatus(addr, goodPassword) == http.StatusOK },
		},
		{
			name: "webshare email change confirm, the digits of a Rixl email change",
			attack: func(t *testing.T, p *payway) (int, []byte, string, string, string) {
				p.member(p.orgA, "owner@example.net")
				ws := p.login("owner@example.net", goodPassword)
				ch := p.rixlChange(p.rixlLogin("owner@example.net", goodPassword).Tokens.AccessToken, "owner.new@example.net")
				if ch.JSON200 == nil {
					t.Fatalf("rixl change: %d %s", ch.StatusCode(), ch.Body)
				}
				code := p.rixlCode("owner.new@example.net")
				st, _, raw := p.completeEmail(ws, code)
				return st, raw, ch.JSON200.VerificationId, code, "owner.new@example.net"
			},
			verified: func(t *testing.T, p *payway, addr string) bool { return p.loginStatus(addr, goodPassword) == http.StatusOK },
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			forEachBackend(t, func(t *testing.T, dsn string) {
				p := newPayway(t, dsn, akanaCookies)
				status, raw, id, code, addr := c.attack(t, p)
				if status != http.StatusBadRequest {
					t.Fatalf("the typed code outside its own endpoint: %d %s, want 400", status, raw)
				}
				if c.verified(t, p, addr) {
					t.Fatalf("the typed code took effect outside its own endpoint")
				}
				// At its own endpoint, with its id, the code still works.
				if v := p.rixlVerify(id, code); v.StatusCode() != http.StatusOK {
					t.Fatalf("the code with its id: %d %s", v.StatusCode(), v.Body)
				}
				if !c.verified(t, p, addr) {
					t.Fatalf("verified with its id, but no effect")
				}
			})
		})
	}
}

// Code fields refuse control characters, at every endpoint that takes a code.
func TestCodeFieldsRefuseControlCharacters(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		id := e.rixlRegister("ctl@example.com")
		code := e.rixlCode("ctl@example.com")
		for _, bad := range []string{code + "\x00", "\t" + code, code + "\u200b"} {
			if v := e.rixlVerify(id, bad); v.StatusCode() != http.StatusBadRequest {
				t.Fatalf("code %q at Rixl's verify: %d %s", bad, v.StatusCode(), v.Body)
			}
		}
		if v := e.rixlVerify(id, code); v.StatusCode() != http.StatusOK {
			t.Fatalf("the code: %d %s", v.StatusCode(), v.Body)
		}
	})
}

// What a password change or reset revokes is one list for every vendor: a code mailed before
// it (an added address, too) must not act after it. The attack: with a stolen Rixl session,
// start adding your own address; the owner changes (or resets) the password; the stolen token
// dies, and so must the add-email code.
func TestPasswordChangeRevokesPendingAddEmail(t *testing.T) {
	const owner, thiefAddr = "owner@a.example", "thief@x.example"
	for _, c := range []struct {
		name   string
		akana  bool // the change is made through Akana's cookie session
		change func(t *testing.T, p *payway, uid string)
	}{
		{"webshare change password", false, func(t *testing.T, p *payway, _ string) {
			tok := p.login(owner, goodPassword)
			r, err := p.api.WebshareChangePasswordWithResponse(ctx, models.WebshareChangePasswordRequest{
				Password: goodPassword, NewPassword: "another-long-passphrase"}, token(tok))
			if err != nil || r.StatusCode() != http.StatusNoContent {
				t.Fatalf("change password: %v %d %s", err, r.StatusCode(), r.Body)
			}
		}},
		{"akana change password", true, func(t *testing.T, p *payway, _ string) {
			b := p.env.browser()
			b.login(owner, goodPassword)
			r, err := b.api.AkanaChangePasswordWithResponse(ctx, b.fdn, models.AkanaChangePasswordRequest{
				OldPassword: goodPassword, NewPassword: "another-long-passphrase"}, b.csrf())
			if err != nil || r.StatusCode() >= 300 {
				t.Fatalf("change password: %v %d %s", err, r.StatusCode(), r.Body)
			}
		}},
		{"payway complete password reset", false, func(t *testing.T, p *payway, uid string) {
			app := p.appToken(p.a)
			rc, err := p.api.PaywayCreatePasswordResetWithResponse(context.Background(), models.PaywayCreatePasswordResetRequest{Email: owner}, bearer(app))
			if err != nil || rc.JSON200 == nil {
				t.Fatalf("create reset: %v %s", err, rc.Body)
			}
			r, err := p.api.PaywayCompletePasswordResetWithResponse(context.Background(), models.PaywayCompletePasswordResetRequest{
				Id: uid, ConfirmationCode: rc.JSON200.Item.ConfirmationCode, NewPassword: "another-long-passphrase"}, bearer(app))
			if err != nil || r.StatusCode() != http.StatusOK {
				t.Fatalf("complete reset: %v %d %s", err, r.StatusCode(), r.Body)
			}
		}},
		{"webshare reset password", false, func(t *testing.T, p *payway, _ string) {
			r, err := p.api.WebshareResetPasswordWithResponse(ctx, resetBody(owner))
			if err != nil || r.StatusCode() != http.StatusNoContent {
				t.Fatalf("reset: %v %d %s", err, r.StatusCode(), r.Body)
			}
			c, err := p.api.WebshareResetPasswordCompleteWithResponse(ctx, models.WebshareResetPasswordCompleteRequest{
				PasswordResetToken: p.lastLink(owner, "/resetpassword/"), Password: "another-long-passphrase", Recaptcha: "ok"})
			if err != nil || c.StatusCode() != http.StatusOK {
				t.Fatalf("complete reset: %v %d %s", err, c.StatusCode(), c.Body)
			}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			forEachBackend(t, func(t *testing.T, dsn string) {
				var opts []envOption
				if c.akana {
					opts = append(opts, akanaCookies)
				}
				p := newPayway(t, dsn, opts...)
				uid := p.member(p.orgA, owner)
				stolen := p.rixlLogin(owner, goodPassword).Tokens.AccessToken
				r, err := p.api.RixlAddEmailWithResponse(ctx, models.RixlAddEmailRequest{Email: thiefAddr}, bearer(stolen))
				if err != nil || r.JSON200 == nil {
					t.Fatalf("add email: %v %d %s", err, r.StatusCode(), r.Body)
				}
				code := p.rixlCode(thiefAddr)

				c.change(t, p, uid)

				if st, _ := p.rixlStatus(stolen); st != http.StatusUnauthorized {
					t.Fatalf("the stolen token after the change: %d, want 401", st)
				}
				v := p.rixlVerify(r.JSON200.VerificationId, code)
				rixlError(t, v.StatusCode(), v.Body, http.StatusBadRequest)
				if st := p.loginStatus(thiefAddr, "another-long-passphrase"); st == http.StatusOK {
					t.Fatalf("the thief's address became a login name of the account")
				}
			})
		})
	}
}
