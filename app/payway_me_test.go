package app_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/accountd/accountd/gen/models"
	dbmodels "github.com/accountd/accountd/models"
)

var uuidV4 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// The request_email_change example of Payway's page, sent as written (with a real token):
// the documented 200 body, a mail to the new address with the code inside confirmation_url,
// and the code completes the change; the old address is told.
func TestPaywayEmailChangeAsDocumented(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		p := newPayway(t, dsn)
		uid := p.member(p.orgA, "current_email@adeprimo.se")
		tok := p.userToken(p.a, "current_email@adeprimo.se").AccessToken

		// The page's curl, byte for byte apart from the host and the token.
		resp, body := p.raw("POST", "/external/api/v1/me/request_email_change", "application/json", `{
         "new_email": "new-email@adeprimo.se",
         "confirmation_url": "https://confirmation-uri.com"
       }`, "accept", "application/json", "authorization", "Bearer "+tok)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("got %d %s", resp.StatusCode, body)
		}
		var got models.PaywayEmailChangeResponse
		if err := jsonUnmarshal([]byte(body), &got); err != nil {
			t.Fatal(err)
		}
		if got.CurrentEmail != "current_email@adeprimo.se" || got.NewEmail != "new-email@adeprimo.se" ||
			got.ConfirmationUrl == nil || *got.ConfirmationUrl != "https://confirmation-uri.com" || !uuidV4.MatchString(got.ConfirmationCode) {
			t.Fatalf("body %s", body)
		}
		// The mail carries the same code inside confirmation_url.
		code, _ := p.codeInLink("new-email@adeprimo.se", "https://confirmation-uri.com", "confirmation_code")
		if code != got.ConfirmationCode {
			t.Fatalf("mailed code %q, answered %q", code, got.ConfirmationCode)
		}
		// Nothing changed yet.
		me, err := p.api.PaywayGetMeWithResponse(context.Background(), bearer(tok))
		if err != nil || me.JSON200 == nil || me.JSON200.Item.Email != "current_email@adeprimo.se" || me.JSON200.Item.Id != uid {
			t.Fatalf("me before verify: %v %s", err, me.Body)
		}
		// Verify with PUT, as Payway documents.
		v, err := p.api.PaywayVerifyEmailChangeWithResponse(context.Background(), models.PaywayVerifyEmailChangeRequest{ConfirmationCode: got.ConfirmationCode}, bearer(tok))
		if err != nil || v.StatusCode() != http.StatusOK || strings.TrimSpace(string(v.Body)) != "{}" {
			t.Fatalf("verify: %v %d %s", err, v.StatusCode(), v.Body)
		}
		me, err = p.api.PaywayGetMeWithResponse(context.Background(), bearer(tok))
		if err != nil || me.JSON200 == nil || me.JSON200.Item.Email != "new-email@adeprimo.se" || !me.JSON200.Item.EmailVerified {
			t.Fatalf("me after verify: %v %s", err, me.Body)
		}
		if mails := p.mailsTo("current_email@adeprimo.se"); len(mails) != 1 || !strings.Contains(mails[0].Text, "new-email@adeprimo.se") {
			t.Fatalf("the old address was not told: %d mails", len(mails))
		}
		// The code works once.
		v, err = p.api.PaywayVerifyEmailChangeWithResponse(context.Background(), models.PaywayVerifyEmailChangeRequest{ConfirmationCode: got.ConfirmationCode}, bearer(tok))
		if err != nil {
			t.Fatal(err)
		}
		wantError(t, v.StatusCode(), v.Body, 409, "invalid_confirmation_code", "confirmation_code")
	})
}

func TestPaywayEmailChangeRules(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		p := newPayway(t, dsn)
		p.member(p.orgA, "jane@example.com")
		p.member(p.orgA, "taken@example.com")
		tok := p.userToken(p.a, "jane@example.com").AccessToken
		request := func(tok, newEmail string, confirmationURL *string) (int, []byte, *models.PaywayEmailChangeResponse) {
			t.Helper()
			r, err := p.api.PaywayRequestEmailChangeWithResponse(context.Background(),
				models.PaywayRequestEmailChangeRequest{NewEmail: newEmail, ConfirmationUrl: confirmationURL}, bearer(tok))
			if err != nil {
				t.Fatal(err)
			}
			return r.StatusCode(), r.Body, r.JSON200
		}
		verify := func(tok, code string, post bool) (int, []byte) {
			t.Helper()
			body := models.PaywayVerifyEmailChangeRequest{ConfirmationCode: code}
			if post {
				r, err := p.api.PaywayVerifyEmailChangePostWithResponse(context.Background(), body, bearer(tok))
				if err != nil {
					t.Fatal(err)
				}
				return r.StatusCode(), r.Body
			}
			r, err := p.api.PaywayVerifyEmailChangeWithResponse(context.Background(), body, bearer(tok))
			if err != nil {
				t.Fatal(err)
			}
			return r.StatusCode(), r.Body
		}

		t.Run("same_address", func(t *testing.T) {
			st, raw, _ := request(tok, "JANE@example.com", nil)
			wantError(t, st, raw, 409, "new_and_current_email_same", "")
		})
		t.Run("address_of_another_account", func(t *testing.T) {
			st, raw, _ := request(tok, "taken@example.com", nil)
			wantError(t, st, raw, 409, "already_exists", "new_email")
		})
		t.Run("not_a_url", func(t *testing.T) {
			st, raw, _ := request(tok, "x@example.com", ptr("javascript:alert(1)"))
			wantError(t, st, raw, 400, "invalid_parameter", "confirmation_url")
		})
		t.Run("without_url_the_mail_shows_the_code_and_post_verifies", func(t *testing.T) {
			p.clock.Advance(2 * 60e9) // past the mail cooldown of the earlier subtests
			st, raw, got := request(tok, "plain@example.com", nil)
			if st != 200 || got == nil || got.ConfirmationUrl != nil {
				t.Fatalf("got %d %s", st, raw)
			}
			mails := p.mailsTo("plain@example.com")
			if len(mails) != 1 || !strings.Contains(mails[0].Text, got.ConfirmationCode) {
				t.Fatalf("want one mail with the code, got %d", len(mails))
			}
			if st, raw := verify(tok, got.ConfirmationCode, true); st != 200 {
				t.Fatalf("POST verify: %d %s", st, raw)
			}
		})
		t.Run("a_new_request_replaces_the_code", func(t *testing.T) {
			p.clock.Advance(2 * 60e9)
			_, _, first := request(tok, "one@example.com", nil)
			p.clock.Advance(2 * 60e9)
			_, _, second := request(tok, "two@example.com", nil)
			if first == nil || second == nil {
				t.Fatal("requests failed")
			}
			st, raw := verify(tok, first.ConfirmationCode, false)
			wantError(t, st, raw, 409, "invalid_confirmation_code", "confirmation_code")
		})
		t.Run("mail_cooldown", func(t *testing.T) {
			p.clock.Advance(2 * 60e9)
			if st, raw, _ := request(tok, "c1@example.com", nil); st != 200 {
				t.Fatalf("%d %s", st, raw)
			}
			st, raw, _ := request(tok, "c2@example.com", nil)
			wantError(t, st, raw, 429, "too_many_requests", "")
		})
		t.Run("address_taken_before_verify", func(t *testing.T) {
			p.clock.Advance(time.Hour)                              // past the hourly mail budget (the taken address spent one)
			tok = p.userToken(p.a, "plain@example.com").AccessToken // the address verified above
			_, _, got := request(tok, "race@example.com", nil)
			p.member(p.orgB, "race@example.com")
			st, raw := verify(tok, got.ConfirmationCode, false)
			wantError(t, st, raw, 409, "already_exists", "new_email")
		})
		t.Run("wrong_code_of_the_right_length", func(t *testing.T) {
			st, raw := verify(tok, "00000000-0000-4000-8000-000000000000", false)
			wantError(t, st, raw, 409, "invalid_confirmation_code", "confirmation_code")
		})
	})
}

// A client registered with --own-mail gets the code back and no mail is sent.
func TestPaywayOwnMailClientSendsNoMail(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		p := newPayway(t, dsn)
		p.member(p.orgA, "own@example.com")
		tok := p.userToken(p.aOwnMail, "own@example.com").AccessToken
		for _, addr := range []string{"first@example.com", "second@example.com"} { // no cooldown without mail
			r, err := p.api.PaywayRequestEmailChangeWithResponse(context.Background(),
				models.PaywayRequestEmailChangeRequest{NewEmail: addr, ConfirmationUrl: ptr("https://own.example.com/confirm")}, bearer(tok))
			if err != nil || r.JSON200 == nil || !uuidV4.MatchString(r.JSON200.ConfirmationCode) {
				t.Fatalf("%v %d %s", err, r.StatusCode(), r.Body)
			}
			if n := len(p.mailsTo(addr)); n != 0 {
				t.Fatalf("%d mails to %s from an own-mail client", n, addr)
			}
		}
	})
}

// Parallel verifications of one code: exactly one applies it.
func TestPaywayVerifyOnceUnderRace(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		p := newPayway(t, dsn)
		p.member(p.orgA, "racer@example.com")
		tok := p.userToken(p.aOwnMail, "racer@example.com").AccessToken
		r, err := p.api.PaywayRequestEmailChangeWithResponse(context.Background(), models.PaywayRequestEmailChangeRequest{NewEmail: "won@example.com"}, bearer(tok))
		if err != nil || r.JSON200 == nil {
			t.Fatalf("%v %s", err, r.Body)
		}
		code := r.JSON200.ConfirmationCode
		counts := race(10, func(int) int {
			v, err := p.api.PaywayVerifyEmailChangeWithResponse(context.Background(), models.PaywayVerifyEmailChangeRequest{ConfirmationCode: code}, bearer(tok))
			if err != nil {
				t.Error(err)
				return 0
			}
			return v.StatusCode()
		})
		if counts[200] != 1 || counts[409] != 9 {
			t.Fatalf("statuses %v, want one 200 and nine 409", counts)
		}
	})
}

// A user token of organisation A on an account that no longer belongs to A: 409.
func TestPaywayAccountOfAnotherOrganisation(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		p := newPayway(t, dsn)
		uid := p.member(p.orgA, "mover@example.com")
		tok := p.userToken(p.a, "mover@example.com").AccessToken
		// The account moves to organisation B.
		if err := p.app.DB.Model(&dbmodels.Membership{}).Where("user_id = ?", uid).Update("organization_id", p.orgB).Error; err != nil {
			t.Fatal(err)
		}
		me, err := p.api.PaywayGetMeWithResponse(context.Background(), bearer(tok))
		if err != nil {
			t.Fatal(err)
		}
		wantError(t, me.StatusCode(), me.Body, 409, "account_not_belonging_to_organisation", "")
		r, err := p.api.PaywayRequestEmailChangeWithResponse(context.Background(), models.PaywayRequestEmailChangeRequest{NewEmail: "moved@example.com"}, bearer(tok))
		if err != nil {
			t.Fatal(err)
		}
		wantError(t, r.StatusCode(), r.Body, 409, "account_not_belonging_to_organisation", "")
		v, err := p.api.PaywayVerifyEmailChangeWithResponse(context.Background(), models.PaywayVerifyEmailChangeRequest{ConfirmationCode: "00000000-0000-4000-8000-000000000000"}, bearer(tok))
		if err != nil {
			t.Fatal(err)
		}
		wantError(t, v.StatusCode(), v.Body, 409, "account_not_belonging_to_organisation", "")
	})
}
