package account

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/accountd/accountd/models"
	"gorm.io/gorm"
)

// Account event types, delivered to the customer's systems as webhooks (package webhook).
const (
	EventUserCreated          = "user.created"
	EventUserVerified         = "user.verified"
	EventEmailChangeRequested = "email.change_requested"
	EventEmailChanged         = "email.changed"
	EventPasswordChanged      = "password.changed"
	EventPasswordReset        = "password.reset"
	EventSessionRevoked       = "session.revoked"
	EventLoginFailedLimit     = "login.failed_limit"
	EventAccountDeleted       = "account.deleted"
)

// EventTypes lists every event type.
func EventTypes() []string {
	return []string{EventUserCreated, EventUserVerified, EventEmailChangeRequested, EventEmailChanged,
		EventPasswordChanged, EventPasswordReset, EventSessionRevoked, EventLoginFailedLimit, EventAccountDeleted}
}

// eventOfAudit maps the audit trail's kinds to events: every change the audit trail records in
// its transaction is announced from that same transaction, so an event exists if and only if
// its change committed.
var eventOfAudit = map[string]string{
	"user_registered":            EventUserCreated,
	"user_created_by_operator":   EventUserCreated,
	"email_verified":             EventUserVerified,
	"email_change_requested":     EventEmailChangeRequested,
	"email_change_completed":     EventEmailChanged,
	"email_change_undone":        EventEmailChanged, // the primary address moved back (UndoEmailChange)
	"password_changed":           EventPasswordChanged,
	"password_reset":             EventPasswordReset,
	"session_revoked":            EventSessionRevoked,
	"token_revoked":              EventSessionRevoked,
	"login_throttled":            EventLoginFailedLimit,
	"password_recheck_throttled": EventLoginFailedLimit,
	"account_deleted":            EventAccountDeleted,
}

// WebhookSubscription is an endpoint as the core sees it: where events go and which types it
// wants (empty: all). Its signing secret stays with the sender.
type WebhookSubscription struct {
	URL   string
	Types []string
}

func (w WebhookSubscription) wants(t string) bool {
	return len(w.Types) == 0 || slices.Contains(w.Types, t)
}

// Event is a webhook's body (Standard Webhooks' payload shape: type, timestamp, data). It
// carries no secret, code or address: a receiver that needs more asks the API.
type Event struct {
	Type      string    `json:"type"`
	Timestamp time.Time `json:"timestamp"`
	Data      EventData `json:"data"`
}

// EventData says whose account changed and through which vendor's API.
type EventData struct {
	Vendor         *string `json:"vendor"`          // nil: not through a vendor's API (operator commands)
	UserID         *string `json:"user_id"`         // nil: no account is known (a lockout of an address)
	OrganizationID *string `json:"organization_id"` // the organisation the change concerns or the user's only one
}

// subscribers are the endpoints that want the event an audit kind announces, and its type.
func (s *Service) subscribers(auditKind string) (typ string, subs []WebhookSubscription) {
	typ, ok := eventOfAudit[auditKind]
	if !ok {
		return "", nil
	}
	for _, w := range s.cfg.Webhooks {
		if w.wants(typ) {
			subs = append(subs, w)
		}
	}
	return typ, subs
}

// queueEvent writes the event an audit kind announces into the outbox inside tx, one row per
// endpoint that wants its type.
func (s *Service) queueEvent(tx *gorm.DB, userID, auditKind, detail string) error {
	typ, subs := s.subscribers(auditKind)
	if len(subs) == 0 {
		return nil
	}
	ev := Event{Type: typ, Timestamp: s.now()}
	if v := audienceOf(tx.Statement.Context).Vendor; v != "" {
		ev.Data.Vendor = &v
	}
	if userID != "" {
		ev.Data.UserID = &userID
		org, err := organisationOf(tx, userID, detail)
		if err != nil {
			return err
		}
		ev.Data.OrganizationID = org
	}
	body, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	for _, w := range subs {
		id := models.NewID()
		sealed, err := s.keys.sealRow(id, body)
		if err != nil {
			return err
		}
		if err := tx.Create(&models.OutboxMessage{ID: id, Channel: models.ChannelWebhook, Kind: typ, Recipient: w.URL,
			Sealed: sealed, Status: models.OutboxPending, NextAttemptAt: ev.Timestamp, CreatedAt: ev.Timestamp}).Error; err != nil {
			return err
		}
	}
	if flag, ok := tx.Statement.Context.Value(mailFlagKey{}).(*mailFlag); ok {
		flag.wrote = true
	}
	return nil
}

// organisationOf is the organisation an event concerns: the one its audit detail names, or
// else the user's organisation when the user has exactly one.
func organisationOf(tx *gorm.DB, userID, detail string) (*string, error) {
	var d struct {
		OrganizationID string `json:"organization_id"`
	}
	if json.Unmarshal([]byte(detail), &d) == nil && d.OrganizationID != "" {
		return &d.OrganizationID, nil
	}
	var orgs []string
	if err := tx.Model(&models.Membership{}).Where("user_id = ?", userID).Limit(2).Pluck("organization_id", &orgs).Error; err != nil {
		return nil, err
	}
	if len(orgs) == 1 {
		return &orgs[0], nil
	}
	return nil, nil
}

// PendingWebhook is an outbox webhook delivery claimed for delivery.
type PendingWebhook struct {
	ID       string // also the webhook-id: the same on every retry
	Type     string
	URL      string
	Attempts int // including this one
	Body     []byte
}

// ClaimWebhooks leases up to limit due webhook deliveries for lease (as ClaimMail does mail).
func (s *Service) ClaimWebhooks(ctx context.Context, limit int, lease time.Duration) ([]PendingWebhook, error) {
	claimed, err := s.claimDue(ctx, models.ChannelWebhook, limit, lease)
	if err != nil {
		return nil, err
	}
	out := make([]PendingWebhook, 0, len(claimed))
	for _, r := range claimed {
		body, err := s.keys.openRow(r.ID, r.Sealed)
		if err != nil {
			_ = s.finishMail(ctx, models.OutboxDead, fmt.Sprintf("cannot open sealed event: %v", err), false, r.ID)
			continue
		}
		out = append(out, PendingWebhook{ID: r.ID, Type: r.Kind, URL: r.Recipient, Attempts: r.Attempts, Body: body})
	}
	return out, nil
}

// WebhookDelivered records that the endpoint accepted the delivery.
func (s *Service) WebhookDelivered(ctx context.Context, id string) error {
	return s.finishMail(ctx, models.OutboxSent, "", true, id)
}

// WebhookFailed records a failed attempt: retried after backoff, or dead-lettered once attempts
// reach maxAttempts (or at once when final: no retry can deliver it).
func (s *Service) WebhookFailed(ctx context.Context, w PendingWebhook, cause error, final bool, maxAttempts int, backoff time.Duration) error {
	if final {
		return s.finishMail(ctx, models.OutboxDead, cause.Error(), false, w.ID)
	}
	return s.MailFailed(ctx, PendingMail{ID: w.ID, Attempts: w.Attempts}, cause, maxAttempts, backoff)
}
