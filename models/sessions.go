package models

import "time"

// Session is a token family: the access and refresh tokens of one login and its refreshes
// (credentials whose SessionID points here). SecretHash is an optional per-session secret.
type Session struct {
	ID          string `gorm:"primaryKey"`
	UserID      string
	Audience    string // the API whose tokens these are (account.SessionSpec.Audience)
	ClientID    *string
	Scopes      string
	SecretHash  []byte
	ExpiresAt   *time.Time
	RefreshedAt *time.Time
	RevokedAt   *time.Time
	CreatedAt   time.Time `gorm:"autoCreateTime:false"`
}

// SessionCredential is a credentials row that belongs to a session (an access or refresh
// token). It maps the same table as Credential, with the session column added by migration 3.
type SessionCredential struct {
	Credential
	SessionID *string
}

// TableName maps SessionCredential to the credentials table.
func (SessionCredential) TableName() string { return "credentials" }
