package app_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/accountd/accountd/account"
	"github.com/accountd/accountd/app"
	"github.com/accountd/accountd/mail/mailtest"
)

// Footers that tell the vendor's voice from accountd's own (mail/templates/locales/en.yaml).
const (
	webshareFooter = "You get this mail because of your Webshare proxy account."
	accountdFooter = "This is an automatic message about your account."
)

// eventLog is a webhook endpoint that keeps every event body it is sent (signatures are the
// webhook test's business).
type eventLog struct {
	mu     sync.Mutex
	events []account.Event
}

func (l *eventLog) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var ev account.Event
	_ = json.Unmarshal(body, &ev)
	l.mu.Lock()
	l.events = append(l.events, ev)
	l.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

// vendorsOf lists the vendor of every event of type typ, "" for none (null).
func (l *eventLog) vendorsOf(typ string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, ev := range l.events {
		if ev.Type == typ {
			v := ""
			if ev.Data.Vendor != nil {
				v = *ev.Data.Vendor
			}
			out = append(out, v)
		}
	}
	return out
}

// newest returns the newest mail to addr whose subject is subject.
func newest(t *testing.T, e *env, addr, subject string) mailtest.Received {
	t.Helper()
	mails := e.mailsTo(addr)
	for i := len(mails) - 1; i >= 0; i-- {
		if mails[i].Subject == subject {
			return mails[i]
		}
	}
	t.Fatalf("no mail %q to %s among %d", subject, addr, len(mails))
	return mailtest.Received{}
}

// TestPagesSpeakForTheirLink: mail and events caused from a page are those of the vendor whose
// link it is (a Webshare change of address confirmed on the page is announced in Webshare's
// voice and as a webshare event); the undo page is no vendor's (accountd's voice, vendor null),
// and its undo is announced as email.changed, with the notice to the replaced address and the
// reset to the restored one.
func TestPagesSpeakForTheirLink(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		hooks := &eventLog{}
		srv := httptest.NewServer(hooks)
		t.Cleanup(srv.Close)
		e := newAkanaEnv(t, dsn, func(c *app.Config) { c.WebhookURL = srv.URL + "|" + hookSecret + "|email.changed" })

		tok := e.register("voice@example.com", goodPassword)
		if s, _, raw := e.changeEmail(tok, goodPassword, "voice.new@example.com"); s != http.StatusNoContent {
			t.Fatalf("change email: %d %s", s, raw)
		}
		if s, body := e.postPage(e.pageLink("voice.new@example.com", "/changeemail/"), url.Values{"password": {goodPassword}}); s != http.StatusOK {
			t.Fatalf("change-email page: %d %.300s", s, body)
		}
		notice := newest(t, e, "voice@example.com", "Your email address was changed")
		if !strings.Contains(notice.Text, webshareFooter) || !strings.Contains(notice.Text, pagesPublicURL+"/undo-email-change/") ||
			!strings.Contains(notice.HTML, pagesPublicURL+"/undo-email-change/") || !strings.Contains(notice.Text, "7 days") {
			t.Errorf("the old address's notice is not Webshare's with the undo link (7 days):\n%s", notice.Text)
		}
		if n := newest(t, e, "voice.new@example.com", "Your email address was changed"); !strings.Contains(n.Text, webshareFooter) || strings.Contains(n.Text, "/undo-email-change/") {
			t.Errorf("the new address's notice is not Webshare's, or carries the undo link:\n%s", n.Text)
		}

		if s, body := e.undo(e.pageLink("voice@example.com", "/undo-email-change/")); s != http.StatusOK {
			t.Fatalf("undo page: %d %.300s", s, body)
		}
		undone := newest(t, e, "voice.new@example.com", "The change of your email address was undone")
		if !strings.Contains(undone.Text, accountdFooter) || !strings.Contains(undone.Text, "voice@example.com") || !strings.Contains(undone.HTML, "voice@example.com") {
			t.Errorf("the replaced address's notice:\n%s", undone.Text)
		}
		reset := newest(t, e, "voice@example.com", "Reset your password")
		if !strings.Contains(reset.Text, pagesPublicURL+"/resetpassword/") || !strings.Contains(reset.Text, accountdFooter) {
			t.Errorf("the restored address's reset mail:\n%s", reset.Text)
		}

		if _, err := e.app.Dispatcher.DeliverWebhooks(t.Context()); err != nil {
			t.Fatal(err)
		}
		got := hooks.vendorsOf(account.EventEmailChanged)
		slices.Sort(got)
		if strings.Join(got, ",") != ",webshare" {
			t.Errorf("email.changed events by vendor: %q, want the page's change (webshare) and the undo (null)", got)
		}
	})
}
