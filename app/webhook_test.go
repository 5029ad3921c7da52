package app_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/accountd/accountd/account"
	"github.com/accountd/accountd/app"
	"github.com/accountd/accountd/models"
	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

const (
	hookSecret     = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	deadHookSecret = "whsec_c2VsZG9tLXJlYWNoZWQtZW5kcG9pbnQ="
)

// receiver is a customer's webhook endpoint: it verifies each signature with the Standard
// Webhooks algorithm, answers 500 to the first failFirst attempts of every message, and keeps
// each message once by webhook-id.
type receiver struct {
	t         *testing.T
	wh        *standardwebhooks.Webhook
	failFirst int

	mu       sync.Mutex
	attempts map[string]int
	events   map[string]account.Event // by webhook-id
	bad      []string
}

func newReceiver(t *testing.T, secret string, failFirst int) (*receiver, *httptest.Server) {
	wh, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		t.Fatal(err)
	}
	r := &receiver{t: t, wh: wh, failFirst: failFirst, attempts: map[string]int{}, events: map[string]account.Event{}}
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return r, srv
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	id := req.Header.Get("webhook-id")
	if err := r.wh.Verify(body, req.Header); err != nil {
		r.bad = append(r.bad, "signature of "+id+": "+err.Error())
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	r.attempts[id]++
	if r.attempts[id] <= r.failFirst {
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	var ev account.Event
	if err := json.Unmarshal(body, &ev); err != nil {
		r.bad = append(r.bad, "body of "+id+": "+err.Error())
	}
	if strings.Contains(string(body), "@") || strings.Contains(string(body), "code") || strings.Contains(string(body), "token") {
		r.bad = append(r.bad, "event "+id+" carries an address, code or token: "+string(body))
	}
	if ev.Data.Vendor == nil || (*ev.Data.Vendor != "webshare" && *ev.Data.Vendor != "rixl") {
		r.bad = append(r.bad, "event "+id+" names no vendor: "+string(body))
	}
	if ev.Data.UserID == nil && ev.Type != account.EventLoginFailedLimit {
		r.bad = append(r.bad, "event "+id+" names no user: "+string(body))
	}
	r.events[id] = ev // a redelivery of the same id overwrites: deduplicated
	w.WriteHeader(http.StatusNoContent)
}

// byType counts the distinct events received per type.
func (r *receiver) byType() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string]int{}
	for _, ev := range r.events {
		out[ev.Type]++
	}
	return out
}

// The audit kinds whose changes are announced, by event type: the webhook test counts the
// changes in the audit trail and expects exactly that many distinct events.
var auditKindsOfEvent = map[string][]string{
	account.EventUserCreated:          {"user_registered", "user_created_by_operator"},
	account.EventUserVerified:         {"email_verified"},
	account.EventEmailChangeRequested: {"email_change_requested"},
	account.EventEmailChanged:         {"email_change_completed", "email_change_undone"},
	account.EventPasswordChanged:      {"password_changed"},
	account.EventPasswordReset:        {"password_reset"},
	account.EventSessionRevoked:       {"session_revoked", "token_revoked"},
	account.EventLoginFailedLimit:     {"login_throttled", "password_recheck_throttled"},
	account.EventAccountDeleted:       {"account_deleted"},
}

func TestWebhooksForEveryAccountEvent(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		hooks, srv := newReceiver(t, hookSecret, 3) // answers 500 three times per message, then takes it
		_, deadSrv := newReceiver(t, deadHookSecret, 1000)
		e := newEnv(t, dsn, func(c *app.Config) {
			c.WebhookURL = srv.URL + "/hooks|" + hookSecret + "\n" + deadSrv.URL + "|" + deadHookSecret + "|account.deleted"
		})

		// Every kind of change, through two vendors.
		ws := e.register("hooks@example.com", goodPassword)
		e.wantStatus(http.StatusNoContent, "POST", "/api/v2/changepassword/", `{"password":"`+goodPassword+`","new_password":"another-horse-battery"}`, "", "Authorization", "Token "+ws)
		other := e.login("hooks@example.com", "another-horse-battery")
		e.wantStatus(http.StatusNoContent, "POST", "/api/v2/logout/", "{}", "", "Authorization", "Token "+other)
		for range 11 {
			e.raw("POST", "/api/v2/login/", "application/json", `{"email":"hooks@example.com","password":"wrong-horse-battery","recaptcha":"x"}`)
		}
		e.wantStatus(http.StatusNoContent, "POST", "/api/v2/deleteaccount/", `{"password":"another-horse-battery","recaptcha":"x"}`, "", "Authorization", "Token "+ws)

		tok := e.rixlSignup("rixl-hooks@example.com")
		change := e.rixlChange(tok.AccessToken, "rixl-new@example.com")
		if change.JSON200 == nil {
			t.Fatalf("change: %d %s", change.StatusCode(), change.Body)
		}
		if r := e.rixlVerify(change.JSON200.VerificationId, e.rixlCode("rixl-new@example.com")); r.StatusCode() != http.StatusOK {
			t.Fatalf("verify change: %d %s", r.StatusCode(), r.Body)
		}
		e.wantStatus(0, "POST", "/auth/v1/password/reset", `{"email":"rixl-new@example.com"}`, "")
		e.wantStatus(0, "POST", "/auth/v1/password/reset/confirm", `{"token":"`+e.rixlResetToken("rixl-new@example.com")+`","new_password":"reset-horse-battery"}`, "")

		// The receiver answers 500 for a while: retried with backoff, then delivered, each once.
		for round := range 12 {
			if _, err := e.app.Dispatcher.DeliverWebhooks(t.Context()); err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
			e.clock.Advance(2 * time.Hour) // past any backoff (at most an hour and a fifth)
		}
		if len(hooks.bad) > 0 {
			t.Fatalf("the receiver refused:\n%s", strings.Join(hooks.bad, "\n"))
		}
		got := hooks.byType()
		for _, typ := range account.EventTypes() {
			var changes int64
			if err := e.app.DB.Model(&models.AuditEvent{}).Where("kind IN ?", auditKindsOfEvent[typ]).Count(&changes).Error; err != nil {
				t.Fatal(err)
			}
			if changes == 0 {
				t.Errorf("%s: the test made no such change", typ)
			}
			if int64(got[typ]) != changes {
				t.Errorf("%s: %d distinct events for %d changes", typ, got[typ], changes)
			}
		}
		for id, n := range hooks.attempts {
			if n != 4 {
				t.Errorf("message %s was posted %d times, want 4 (three 500s, then delivered once)", id, n)
			}
		}

		// The endpoint that never answers 2xx: its one delivery is a dead letter after the
		// retry budget, kept (with the cause) for the operator.
		var rows []models.OutboxMessage
		if err := e.app.DB.Where("channel = ? AND recipient = ?", models.ChannelWebhook, deadSrv.URL).Find(&rows).Error; err != nil {
			t.Fatal(err)
		}
		if len(rows) != 1 || rows[0].Status != models.OutboxDead || rows[0].Attempts != 8 || !strings.Contains(rows[0].LastError, "500") || len(rows[0].Sealed) == 0 {
			t.Fatalf("dead endpoint's rows: %+v", rows)
		}
		var pending int64
		e.app.DB.Model(&models.OutboxMessage{}).Where("channel = ? AND status = ?", models.ChannelWebhook, models.OutboxPending).Count(&pending)
		if pending != 0 {
			t.Errorf("%d webhook deliveries still pending", pending)
		}
	})
}

// No endpoint configured: no event is queued.
func TestNoWebhookEndpointQueuesNothing(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		e.register("quiet@example.com", goodPassword)
		var n int64
		e.app.DB.Model(&models.OutboxMessage{}).Where("channel = ?", models.ChannelWebhook).Count(&n)
		if n != 0 {
			t.Fatalf("%d webhook rows without endpoints", n)
		}
	})
}
