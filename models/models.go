// Package models holds the account core's tables as GORM models, and opens and migrates the
// database (PostgreSQL in production, an embedded SQLite file by default). It has no rules: the
// account package decides what is written and when.
package models

import "time"

// User statuses.
const (
	StatusActive    = "active"
	StatusSuspended = "suspended"
	StatusDeleted   = "deleted"
)

// User is an account. PasswordHash is an argon2id PHC string, empty for deleted accounts.
type User struct {
	ID                     string `gorm:"primaryKey"`
	PasswordHash           *string
	Status                 string
	TOSAcceptedAt          *time.Time `gorm:"column:tos_accepted_at"`
	MarketingEmailAccepted bool
	CreatedAt              time.Time `gorm:"autoCreateTime:false"`
	UpdatedAt              time.Time `gorm:"autoUpdateTime:false"`
	DeletedAt              *time.Time
}

// Email is one address of a user. Exactly one per user is primary. Address is as the user
// typed it (for mail and display); AddressKey is its normalised form (account.AddressKey),
// unique across users.
type Email struct {
	ID                 string `gorm:"primaryKey"`
	UserID             string
	Address            string
	AddressKey         string
	IsPrimary          bool
	VerifiedAt         *time.Time
	VerificationSentAt *time.Time
	CreatedAt          time.Time `gorm:"autoCreateTime:false"`
	UpdatedAt          time.Time `gorm:"autoUpdateTime:false"`
}

// Membership roles.
const (
	RoleMember        = "member"
	RoleSiteAdmin     = "site_admin"
	RoleBusinessAdmin = "business_admin"
)

// Organization groups users (Akana businesses, Rixl organisations, Payway organisations).
type Organization struct {
	ID        string `gorm:"primaryKey"`
	Name      string
	CreatedAt time.Time `gorm:"autoCreateTime:false"`
	UpdatedAt time.Time `gorm:"autoUpdateTime:false"`
}

// Membership puts a user in an organization with a role.
type Membership struct {
	OrganizationID string `gorm:"primaryKey"`
	UserID         string `gorm:"primaryKey"`
	Role           string
	CreatedAt      time.Time `gorm:"autoCreateTime:false"`
}

// Credential kinds.
const (
	CredentialAPIToken     = "api_token"
	CredentialAccessToken  = "access_token"
	CredentialRefreshToken = "refresh_token"
	CredentialSession      = "session"
)

// Credential is an opaque bearer secret; only its SHA-256 is stored.
type Credential struct {
	ID         string `gorm:"primaryKey"`
	UserID     string
	Kind       string
	TokenHash  []byte
	Scopes     string
	ExpiresAt  *time.Time
	RevokedAt  *time.Time
	LastUsedAt *time.Time
	CreatedAt  time.Time `gorm:"autoCreateTime:false"`
}

// One-time code purposes.
const (
	PurposeActivation    = "activation"
	PurposeEmailChange   = "email_change"
	PurposeAddEmail      = "add_email"
	PurposePasswordReset = "password_reset"
	// PurposeUndoEmailChange is the link to the old address that undoes an email change.
	PurposeUndoEmailChange = "undo_email_change"
)

// OneTimeCode is a single-use secret sent by mail; only its HMAC is stored.
type OneTimeCode struct {
	ID          string `gorm:"primaryKey"`
	UserID      string
	Purpose     string
	Email       string
	EmailKey    string // the key (account.AddressKey) of Email
	CodeHash    []byte
	Attempts    int
	MaxAttempts int
	ExpiresAt   time.Time
	ResendAt    time.Time
	ConsumedAt  *time.Time
	RevokedAt   *time.Time
	CreatedAt   time.Time `gorm:"autoCreateTime:false"`
}

// Outbox statuses.
const (
	OutboxPending = "pending"
	OutboxSent    = "sent"
	OutboxLogged  = "logged"
	OutboxDead    = "dead"
)

// Outbox channels: what an outbox row is delivered as.
const (
	ChannelMail    = "mail"    // Kind is a mail kind, Recipient an address
	ChannelWebhook = "webhook" // Kind is an event type, Recipient the endpoint's URL
)

// OutboxMessage is a mail or a webhook delivery waiting for (or done with) delivery. Sealed
// holds the encrypted content; it is wiped once the row is sent.
type OutboxMessage struct {
	ID            string `gorm:"primaryKey"`
	Channel       string
	Kind          string
	Recipient     string
	Sealed        []byte
	Status        string
	Attempts      int
	NextAttemptAt time.Time
	LockedUntil   *time.Time
	LastError     string
	CreatedAt     time.Time `gorm:"autoCreateTime:false"`
	SentAt        *time.Time
}

// AuditEvent records a security event. Detail is a JSON object.
type AuditEvent struct {
	ID        string `gorm:"primaryKey"`
	UserID    *string
	Kind      string
	Detail    string
	CreatedAt time.Time `gorm:"autoCreateTime:false"`
}

// RateLimit is one fixed-window counter.
type RateLimit struct {
	Key         string `gorm:"primaryKey"`
	WindowStart time.Time
	Hits        int
}

// MaintenanceRun records that a one-off data fix that runs at start (account.RekeyAddresses)
// has finished, so later starts skip it.
type MaintenanceRun struct {
	Name   string `gorm:"primaryKey"`
	DoneAt time.Time
}
