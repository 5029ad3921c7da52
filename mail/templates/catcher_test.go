package templates_test

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/accountd/accountd/mail"
	"github.com/accountd/accountd/mail/mailtest"
	"github.com/accountd/accountd/mail/templates"
)

// Every kind, for every vendor and language, rendered and sent over SMTP to the real server in
// the test process, arrives with its recipient, its vendor's sender, its subject, both parts and
// its link or code (notices: none).
func TestEveryMailThroughTheMailCatcher(t *testing.T) {
	froms := map[string]string{"webshare": "Webshare <no-reply@webshare.test>", "payway": "Payway <noreply@payway.test>",
		"akana": "API Platform <admin@akana.test>", "rixl": "Rixl <verify@rixl.test>"}
	r, err := templates.New(templates.Config{From: "accountd <no-reply@accountd.test>", FromByVendor: froms})
	if err != nil {
		t.Fatal(err)
	}
	srv := mailtest.Start(t)
	sender, err := mail.NewSender(srv.URL(), "accountd <no-reply@accountd.test>", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	codeKinds := map[string]bool{"activation": true, "email_change": true, "email_add": true, "password_reset": true}
	n := 0
	for _, vendor := range templates.Vendors() {
		for _, lang := range templates.Languages {
			for _, kind := range templates.Kinds() {
				for _, link := range []bool{false, true} {
					if link && !codeKinds[kind] {
						continue
					}
					n++
					name := fmt.Sprintf("%s/%s/%s/link=%v", vendor, lang, kind, link)
					to := fmt.Sprintf("user%d@example.com", n)
					d := templates.Data{Kind: kind, Vendor: vendor, Locale: lang, Email: to, NewEmail: "new@example.com", TTL: time.Hour}
					secret := ""
					if codeKinds[kind] {
						d.Code = fmt.Sprintf("%06d", n)
						secret = d.Code
						if link {
							d.Link = "https://dashboard.example/confirm/" + d.Code + "/"
							secret = d.Link
						}
					}
					m, err := r.Render(d)
					if err != nil {
						t.Fatalf("%s: %v", name, err)
					}
					if err := sender.Send(t.Context(), mail.Message{ID: fmt.Sprint(n), To: to, From: m.From, Subject: m.Subject, Text: m.Text, HTML: m.HTML}); err != nil {
						t.Fatalf("%s: send: %v", name, err)
					}
					got, err := srv.Next(t.Context())
					if err != nil {
						t.Fatal(err)
					}
					wantFrom := "no-reply@accountd.test"
					if f, ok := froms[vendor]; ok {
						wantFrom = f[strings.Index(f, "<")+1 : len(f)-1]
					}
					switch {
					case len(got.To) != 1 || got.To[0] != to:
						t.Errorf("%s: recipient %v", name, got.To)
					case got.From != wantFrom:
						t.Errorf("%s: sender %q, want %q", name, got.From, wantFrom)
					case got.Subject != m.Subject || got.Subject == "":
						t.Errorf("%s: subject %q, want %q", name, got.Subject, m.Subject)
					case got.Text != strings.TrimRight(m.Text, "\n") || !strings.Contains(got.Text, to):
						t.Errorf("%s: text part:\n%s", name, got.Text)
					case got.HTML != strings.TrimRight(m.HTML, "\n") || !strings.Contains(got.HTML, `<html lang="`+lang+`">`):
						t.Errorf("%s: HTML part:\n%s", name, got.HTML)
					case secret != "" && (!strings.Contains(got.Text, secret) || !strings.Contains(got.HTML, secret)):
						t.Errorf("%s: %q is not in both parts", name, secret)
					case secret == "" && (strings.Contains(got.Text, "http") || strings.Contains(got.HTML, "href=")):
						t.Errorf("%s: a notice carries a link:\n%s", name, got.Text)
					}
				}
			}
		}
	}
}
