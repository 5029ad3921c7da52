package app_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/accountd/accountd/mail/mailtest"
	"github.com/accountd/accountd/models"
)

var codeOrLink = regexp.MustCompile(`\b\d{6}\b|https?://|[A-Za-z0-9_-]{30,}`)

// Every change a user should hear about sends a notice, in the vendor's voice, to the address
// that must hear it, and no notice carries a code or a link, but one: the notice of an email
// change to the old address carries the link that undoes it (issue 17), and nothing else.
func TestSecurityNotices(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		// notice checks the notice; with an undo link, that link must be in both parts and is
		// the only one.
		notice := func(t *testing.T, to, subject string, undo ...bool) {
			t.Helper()
			for _, m := range e.mailsTo(to) {
				if m.Subject != subject {
					continue
				}
				text, html := m.Text, m.HTML
				if len(undo) > 0 && undo[0] {
					link, ok := mailtest.FindLink(text, publicURL+"/undo-email-change/")
					if !ok || !strings.Contains(html, `href="`+link+`"`) {
						t.Errorf("notice %q to %s has no undo link in both parts:\n%s", subject, to, text)
					}
					text = strings.ReplaceAll(text, link, "")
					html = strings.ReplaceAll(strings.ReplaceAll(html, `href="`+link+`"`, ""), link, "")
				}
				if bad := codeOrLink.FindString(text); bad != "" {
					t.Errorf("notice %q to %s carries %q:\n%s", subject, to, bad, m.Text)
				}
				if strings.Contains(html, "href=") || !strings.Contains(html, "<html") {
					t.Errorf("notice %q to %s: HTML part with a link, or none:\n%s", subject, to, m.HTML)
				}
				return
			}
			t.Errorf("no notice %q to %s", subject, to)
		}

		ws := e.register("notices@example.com", goodPassword)
		e.wantStatus(http.StatusNoContent, "POST", "/api/v2/changepassword/", `{"password":"`+goodPassword+`","new_password":"another-horse-battery"}`, "", "Authorization", "Token "+ws)
		notice(t, "notices@example.com", "Your password was changed")
		e.wantStatus(http.StatusNoContent, "POST", "/api/v2/deleteaccount/", `{"password":"another-horse-battery","recaptcha":"x"}`, "", "Authorization", "Token "+ws)
		notice(t, "notices@example.com", "Your Webshare account was deleted")

		tok := e.rixlSignup("rixl-notices@example.com")
		resp, body := e.raw("POST", "/auth/v1/users/current/emails", "application/json", `{"email":"rixl-work@example.com"}`, "Authorization", "Bearer "+tok.AccessToken)
		id := regexp.MustCompile(`"verification_id":"([^"]+)"`).FindStringSubmatch(body)
		if resp.StatusCode/100 != 2 || id == nil {
			t.Fatalf("add address: %d %s", resp.StatusCode, body)
		}
		if r := e.rixlVerify(id[1], e.rixlCode("rixl-work@example.com")); r.StatusCode() != http.StatusOK {
			t.Fatalf("verify added address: %d %s", r.StatusCode(), r.Body)
		}
		notice(t, "rixl-notices@example.com", "An email was added to your Rixl account")

		change := e.rixlChange(tok.AccessToken, "rixl-moved@example.com")
		if change.JSON200 == nil {
			t.Fatalf("change: %d %s", change.StatusCode(), change.Body)
		}
		if r := e.rixlVerify(change.JSON200.VerificationId, e.rixlCode("rixl-moved@example.com")); r.StatusCode() != http.StatusOK {
			t.Fatalf("verify change: %d %s", r.StatusCode(), r.Body)
		}
		notice(t, "rixl-notices@example.com", "Your Rixl email was changed", true)
		notice(t, "rixl-moved@example.com", "Your Rixl email was changed")

		e.wantStatus(0, "POST", "/auth/v1/password/reset", `{"email":"rixl-moved@example.com"}`, "")
		e.wantStatus(0, "POST", "/auth/v1/password/reset/confirm", `{"token":"`+e.rixlResetToken("rixl-moved@example.com")+`","new_password":"reset-horse-battery"}`, "")
		notice(t, "rixl-moved@example.com", "Your Rixl password was changed")

		// An operator ends every session (no vendor's request: accountd's own voice).
		var addr models.Email
		if err := e.app.DB.Where("address = ?", "rixl-moved@example.com").Take(&addr).Error; err != nil {
			t.Fatal(err)
		}
		if err := e.app.Core.RevokeUserSessions(t.Context(), addr.UserID); err != nil {
			t.Fatal(err)
		}
		notice(t, "rixl-moved@example.com", "You were signed out")
		var live int64
		e.app.DB.Model(&models.Session{}).Where("user_id = ? AND revoked_at IS NULL", addr.UserID).Count(&live)
		if live != 0 {
			t.Errorf("%d sessions live after the operator's revocation", live)
		}
	})
}
