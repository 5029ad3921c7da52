package app_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// changeEmailVia changes tok's account address to newEmail through Webshare's API (request,
// then the mailed code) and returns the undo link mailed to the old address.
func (e *env) changeEmailVia(tok, pw, oldEmail, newEmail string) string {
	e.t.Helper()
	e.clock.Advance(61 * time.Second) // past the cooldown between two change requests
	if s, _, raw := e.changeEmail(tok, pw, newEmail); s != http.StatusNoContent {
		e.t.Fatalf("change email to %s: %d %s", newEmail, s, raw)
	}
	link := e.pageLink(newEmail, "/changeemail/")
	code := strings.TrimSuffix(strings.TrimPrefix(link, e.baseURL+"/changeemail/"), "/confirm/")
	if s, _, raw := e.completeEmail(tok, code); s != http.StatusNoContent {
		e.t.Fatalf("complete the change to %s: %d %s", newEmail, s, raw)
	}
	return e.pageLink(oldEmail, "/undo-email-change/")
}

func (e *env) undo(link string) (int, string) {
	e.t.Helper()
	return e.postPage(link, url.Values{})
}

// TestUndoEmailChangeAgainstTakeover: the owner's undo link keeps working whatever whoever took
// the account over does next, and refuses when the old address is someone else's now.
func TestUndoEmailChangeAgainstTakeover(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		e := newAkanaEnv(t, dsn)

		step(t, "the undo link outlives a password reset by the intruder", func(t *testing.T) {
			tok := e.register("owner1@example.com", goodPassword)
			undo := e.changeEmailVia(tok, goodPassword, "owner1@example.com", "intruder1@example.com")
			e.askReset("intruder1@example.com")
			reset := e.pageLink("intruder1@example.com", "/resetpassword/")
			code := strings.TrimSuffix(strings.TrimPrefix(reset, e.baseURL+"/resetpassword/"), "/confirm/")
			if s, _, raw := e.completeReset(code, "intruders-own-passphrase"); s != http.StatusOK {
				t.Fatalf("intruder's reset: %d %s", s, raw)
			}
			if s, body := e.undo(undo); s != http.StatusOK || !strings.Contains(body, "The change is undone") {
				t.Fatalf("undo after the intruder's reset: %d %.300s", s, body)
			}
			if e.loginStatus("intruder1@example.com", "intruders-own-passphrase") == http.StatusOK {
				t.Fatal("the intruder's address still signs in")
			}
			// The reset mailed to the restored address gives the owner the account back.
			reset = e.pageLink("owner1@example.com", "/resetpassword/")
			code = strings.TrimSuffix(strings.TrimPrefix(reset, e.baseURL+"/resetpassword/"), "/confirm/")
			if s, _, raw := e.completeReset(code, "owners-new-passphrase"); s != http.StatusOK {
				t.Fatalf("owner's reset: %d %s", s, raw)
			}
			if e.loginStatus("owner1@example.com", "owners-new-passphrase") != http.StatusOK {
				t.Fatal("the owner cannot sign in after undo and reset")
			}
		})

		step(t, "after two changes, undoing the second does not cancel the first's undo", func(t *testing.T) {
			tok := e.register("owner2@example.com", goodPassword)
			first := e.changeEmailVia(tok, goodPassword, "owner2@example.com", "intruder2@example.com")
			second := e.changeEmailVia(tok, goodPassword, "intruder2@example.com", "intruder2b@example.com")
			if s, body := e.undo(second); s != http.StatusOK {
				t.Fatalf("undo of the second change: %d %.300s", s, body)
			}
			if e.loginStatus("intruder2@example.com", goodPassword) != http.StatusOK {
				t.Fatal("the second undo did not restore the intermediate address")
			}
			if s, body := e.undo(first); s != http.StatusOK || !strings.Contains(body, "The change is undone") {
				t.Fatalf("the owner's undo after the intruder's: %d %.300s", s, body)
			}
			if e.loginStatus("owner2@example.com", goodPassword) != http.StatusOK || e.loginStatus("intruder2@example.com", goodPassword) == http.StatusOK {
				t.Fatal("the owner's undo did not restore the first address")
			}
		})

		step(t, "undoing the first change revokes the undo link of a later one", func(t *testing.T) {
			tok := e.register("owner3@example.com", goodPassword)
			first := e.changeEmailVia(tok, goodPassword, "owner3@example.com", "intruder3@example.com")
			second := e.changeEmailVia(tok, goodPassword, "intruder3@example.com", "intruder3b@example.com")
			if s, body := e.undo(first); s != http.StatusOK {
				t.Fatalf("owner's undo: %d %.300s", s, body)
			}
			if s, _ := e.undo(second); s != http.StatusNotFound {
				t.Fatalf("the later change's undo link still works after the owner's undo: %d", s)
			}
			if e.loginStatus("owner3@example.com", goodPassword) != http.StatusOK {
				t.Fatal("the intruder's undo link moved the account")
			}
		})

		step(t, "an address someone else took meanwhile is not taken back", func(t *testing.T) {
			tok := e.register("owner4@example.com", goodPassword)
			undo := e.changeEmailVia(tok, goodPassword, "owner4@example.com", "owner4.new@example.com")
			e.register("owner4@example.com", goodPassword) // someone registers the freed address
			if s, body := e.undo(undo); s != http.StatusBadRequest || !strings.Contains(body, "That address is taken") {
				t.Fatalf("undo onto a taken address: %d %.300s", s, body)
			}
			if e.loginStatus("owner4.new@example.com", goodPassword) != http.StatusOK {
				t.Fatal("a refused undo changed the account")
			}
		})
	})
}
