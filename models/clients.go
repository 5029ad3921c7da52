package models

import "time"

// APIClient is an integration of an organisation: ID is the public client_id, SecretHash an
// HMAC of the secret. Scopes is space-separated.
type APIClient struct {
	ID             string `gorm:"primaryKey"`
	OrganizationID string
	Name           string
	SecretHash     []byte
	Scopes         string
	SendsOwnMail   bool
	CreatedAt      time.Time `gorm:"autoCreateTime:false"`
	RevokedAt      *time.Time
}

// TableName keeps the table name readable (GORM would say "api_clients" too; explicit is safer).
func (APIClient) TableName() string { return "api_clients" }

// ClientToken is an application token: a client acting for itself, no user behind it.
type ClientToken struct {
	ID        string `gorm:"primaryKey"`
	ClientID  string
	TokenHash []byte
	Scopes    string
	ExpiresAt time.Time
	RevokedAt *time.Time
	CreatedAt time.Time `gorm:"autoCreateTime:false"`
}
