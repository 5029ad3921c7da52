package app_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// The change-email page checks the account's password against the API's limit: past it the
// page answers 429 with Retry-After, as the API does, and the address stays as it was.
func TestPagesPasswordLimit(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		e := newAkanaEnv(t, dsn)
		tok := e.register("limit@example.com", goodPassword)
		if s, _, raw := e.changeEmail(tok, goodPassword, "limit.new@example.com"); s != http.StatusNoContent {
			t.Fatalf("change email: %d %s", s, raw)
		}
		link := e.pageLink("limit.new@example.com", "/changeemail/")
		var status int
		var body string
		for i := 0; i < 11 && status != http.StatusTooManyRequests; i++ {
			status, body = e.postPage(link, url.Values{"password": {"not-the-password"}})
		}
		if status != http.StatusTooManyRequests || !strings.Contains(body, "Too many attempts") {
			t.Fatalf("after 11 wrong passwords: %d %.300s", status, body)
		}
		resp, _ := e.postPageAnswer(link, url.Values{"password": {goodPassword}})
		if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); resp.StatusCode != http.StatusTooManyRequests || err != nil || s <= 0 {
			t.Fatalf("the right password past the limit: %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
		}
		if e.loginStatus("limit@example.com", goodPassword) != http.StatusOK {
			t.Fatal("the address changed past the limit")
		}
	})
}
