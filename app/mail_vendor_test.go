package app_test

import (
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/accountd/accountd/app"
)

// vendorSenders are the ACCOUNTD_MAIL_FROM_<VENDOR> of the mail tests.
var vendorSenders = map[string]string{
	"webshare": "Webshare <no-reply@webshare.test>",
	"payway":   "Payway <noreply@payway.test>",
	"akana":    "API Platform <admin@akana.test>",
	"rixl":     "Rixl <verify@rixl.test>",
}

// Each vendor's mail, caused through its own API with Accept-Language, arrives from the
// vendor's sender, in the vendor's voice and the caller's language (de-AT falls back to de,
// anything else to en), with both parts and the link or code in each.
func TestMailInTheVendorsVoiceAndTheCallersLanguage(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		p := newPayway(t, dsn, func(c *app.Config) { c.MailFromByVendor = vendorSenders })
		payway := p.client(p.orgA, []string{meR, meW}, false)
		for i, lang := range []struct{ header, want string }{{"de-AT,de;q=0.9,en;q=0.5", "de"}, {"fr-CH, en;q=0.8", "en"}} {
			n := string(rune('a' + i))
			cases := []struct {
				vendor, to, subject string
				cause               func(to string)
				secret              *regexp.Regexp // the code or link the mail must carry in both parts
			}{
				{"webshare", "ws-" + n + "@example.com", map[string]string{"de": "Aktivieren Sie Ihr Webshare-Konto", "en": "Activate your Webshare account"}[lang.want],
					func(to string) {
						p.wantStatus(http.StatusCreated, "POST", "/api/v2/register/", `{"email":"`+to+`","password":"`+goodPassword+`","recaptcha":"x","tos_accepted":true}`, lang.header)
					}, regexp.MustCompile(regexp.QuoteMeta(publicURL) + `/activation/[A-Za-z0-9_-]{20,}/confirm/`)},
				{"rixl", "rx-" + n + "@example.com", map[string]string{"de": "Ihr Rixl-Bestätigungscode", "en": "Your Rixl verification code"}[lang.want],
					func(to string) {
						p.wantStatus(http.StatusOK, "POST", "/auth/v1/register", `{"email":"`+to+`","password":"`+goodPassword+`"}`, lang.header)
					}, regexp.MustCompile(`\b\d{6}\b`)},
				{"akana", "ak-" + n + "@example.com", map[string]string{"de": "API Platform: Code zum Zurücksetzen des Passworts", "en": "API Platform: password reset code"}[lang.want],
					func(to string) {
						if _, err := p.app.Core.CreateUser(ctx, accountInput(to)); err != nil {
							t.Fatal(err)
						}
						p.wantStatus(http.StatusOK, "POST", "/api/passwordmanagement/sendPasswordResetCode?emailAddress="+to, "", lang.header)
					}, regexp.MustCompile(`[A-Za-z0-9_-]{30,}`)},
				{"payway", "pw-new-" + n + "@example.com", map[string]string{"de": "Bestätigen Sie Ihre neue E-Mail-Adresse", "en": "Confirm your new email address"}[lang.want],
					func(to string) {
						old := "pw-" + n + "@example.com"
						p.member(p.orgA, old)
						tok := p.userToken(payway, old).AccessToken
						p.wantStatus(http.StatusOK, "POST", "/external/api/v1/me/request_email_change",
							`{"new_email":"`+to+`","confirmation_url":"https://shop.example/confirm"}`, lang.header, "Authorization", "Bearer "+tok)
					}, regexp.MustCompile(`https://shop\.example/confirm\?confirmation_code=[0-9a-f-]{36}`)},
			}
			for _, c := range cases {
				t.Run(c.vendor+"/"+lang.want, func(t *testing.T) {
					c.cause(c.to)
					mails := p.mailsTo(c.to)
					if len(mails) != 1 {
						t.Fatalf("%d mails to %s, want 1", len(mails), c.to)
					}
					m := mails[0]
					if from, err := m.Header.AddressList("From"); err != nil || len(from) != 1 || !strings.Contains(vendorSenders[c.vendor], from[0].Address) {
						t.Errorf("From %v (%v), want %s", from, err, vendorSenders[c.vendor])
					}
					if m.Subject != c.subject {
						t.Errorf("subject %q, want %q", m.Subject, c.subject)
					}
					if !strings.Contains(m.HTML, `<html lang="`+lang.want+`">`) {
						t.Errorf("no HTML part in %s:\n%s", lang.want, m.HTML)
					}
					secret := c.secret.FindString(m.Text)
					if secret == "" || !strings.Contains(strings.ReplaceAll(m.HTML, "&amp;", "&"), secret) {
						t.Errorf("the code or link %q is not in both parts:\n%s\n%s", secret, m.Text, m.HTML)
					}
				})
			}
		}
	})
}

// wantStatus sends a hand-made request with Accept-Language (and more headers) and checks its
// status (0: any 2xx, for answers a vendor's contract is still settling).
func (e *env) wantStatus(status int, method, path, body, acceptLanguage string, headers ...string) {
	e.t.Helper()
	ct := "application/json"
	if body == "" {
		ct = "application/x-www-form-urlencoded"
	}
	resp, got := e.raw(method, path, ct, body, append([]string{"Accept-Language", acceptLanguage}, headers...)...)
	if resp.StatusCode != status && (status != 0 || resp.StatusCode/100 != 2) {
		e.t.Fatalf("%s %s: %d %s, want %d", method, path, resp.StatusCode, got, status)
	}
}

// A broken override stops the start with an error that names the file; a good one applies.
func TestMailTemplatesOverrideCheckedAtStart(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) { checkMailTemplatesOverride(t, dsn) })
}

func checkMailTemplatesOverride(t *testing.T, dsn string) {
	for _, c := range []struct{ name, file, body, want string }{
		{"does not parse", "activation.txt.tmpl", "{{.Email", "activation.txt.tmpl"},
		{"unknown field", "password_changed.html.tmpl", "<p>{{.Password}}</p>", "uses .Password"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, c.file), []byte(c.body), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := app.New(t.Context(), app.Config{DatabaseURL: dsn, Secret: testSecret, Dev: "true", MailTemplates: dir,
				Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
			if err == nil || !strings.Contains(err.Error(), "ACCOUNTD_MAIL_TEMPLATES") || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("app.New: %v, want an error naming ACCOUNTD_MAIL_TEMPLATES and %q", err, c.want)
			}
		})
	}
	t.Run("applies", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "activation.txt.tmpl"), []byte("Operator's own words for {{.Email}}: {{.Link}}\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		e := newEnv(t, dsn, func(c *app.Config) { c.MailTemplates = dir })
		e.wantStatus(http.StatusCreated, "POST", "/api/v2/register/", `{"email":"own@example.com","password":"`+goodPassword+`","recaptcha":"x","tos_accepted":true}`, "")
		if mails := e.mailsTo("own@example.com"); len(mails) != 1 || !strings.HasPrefix(mails[0].Text, "Operator's own words for own@example.com: "+publicURL+"/activation/") {
			t.Fatalf("mails %+v", mails)
		}
	})
}
