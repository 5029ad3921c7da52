package account

import (
	"context"
	"crypto/sha256"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/accountd/accountd/models"
	"gorm.io/gorm"
)

// API clients: an organisation's integration (a web site, a plugin) authenticates with a
// client_id and client_secret. The secret is shown once and kept as an HMAC keyed by the
// server secret; the client's scopes bound every token issued through it.

// Client-related reasons.
const (
	CodeInvalidClient     = "invalid_client"     // unknown or revoked client, or a wrong secret
	CodeInvalidOrgAccount = "account_not_in_org" // the account is not a member of the caller's organisation
)

// Client is an authenticated API client.
type Client struct {
	ID             string
	OrganizationID string
	Name           string
	Scopes         []string
	// SendsOwnMail: the client mails its users itself; the core returns codes and mails nothing.
	SendsOwnMail bool
}

// HasScopes tells whether the client holds every scope in want.
func (c Client) HasScopes(want []string) bool {
	for _, sc := range want {
		if !slices.Contains(c.Scopes, sc) {
			return false
		}
	}
	return true
}

// NewClient is what an operator asks for.
type NewClient struct {
	OrganizationID string
	Name           string
	Scopes         []string
	SendsOwnMail   bool
}

// ClientCredentials are shown once, when the client is made.
type ClientCredentials struct {
	ClientID     string   `json:"client_id"`
	ClientSecret string   `json:"client_secret"`
	Organization string   `json:"organization_id"`
	Name         string   `json:"name"`
	Scopes       []string `json:"scopes"`
	SendsOwnMail bool     `json:"own_mail"`
}

// clientSecretHash is the stored form of a client secret.
// It keeps the key it always had (the link tokens'), so existing clients keep working; the
// label is its domain.
func (s *Service) clientSecretHash(secret string) []byte {
	return hmacOf(s.keys.link, "api-client-secret", secret)
}

// CreateClient registers an API client of an organisation (operator command).
func (s *Service) CreateClient(ctx context.Context, in NewClient) (ClientCredentials, error) {
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" || len(in.Name) > 200 {
		return ClientCredentials{}, invalid(CodeInvalidName, FieldName)
	}
	for _, sc := range in.Scopes {
		if strings.TrimSpace(sc) != sc || sc == "" {
			return ClientCredentials{}, invalid(CodeInvalidScope, FieldScope)
		}
	}
	secret := randomToken(32)
	c := models.APIClient{ID: models.NewID(), OrganizationID: in.OrganizationID, Name: in.Name,
		SecretHash: s.clientSecretHash(secret), Scopes: strings.Join(in.Scopes, " "), SendsOwnMail: in.SendsOwnMail,
		CreatedAt: s.now()}
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var org models.Organization
		if err := tx.Take(&org, "id = ?", in.OrganizationID).Error; errors.Is(err, gorm.ErrRecordNotFound) {
			return &Error{Kind: KindNotFound, Code: CodeNotFound, Field: "org"}
		} else if err != nil {
			return err
		}
		if err := tx.Create(&c).Error; err != nil {
			return err
		}
		return s.audit(tx, "", "api_client_created", auditDetail(map[string]string{"client_id": c.ID, "organization_id": org.ID}))
	})
	if err != nil {
		return ClientCredentials{}, err
	}
	return ClientCredentials{ClientID: c.ID, ClientSecret: secret, Organization: c.OrganizationID, Name: c.Name,
		Scopes: strings.Fields(c.Scopes), SendsOwnMail: c.SendsOwnMail}, nil
}

// AuthenticateClient checks a client_id and client_secret. An unknown client costs the same
// HMAC and constant-time comparison as a known one.
func (s *Service) AuthenticateClient(ctx context.Context, clientID, secret string) (Client, error) {
	var c models.APIClient
	err := s.db.WithContext(ctx).Take(&c, "id = ? AND revoked_at IS NULL", clientID).Error
	if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
		return Client{}, internal(err)
	}
	stored := c.SecretHash
	if len(stored) == 0 {
		stored = make([]byte, sha256.Size)
	}
	match := equalHashes(stored, s.clientSecretHash(secret))
	if err != nil || !match || secret == "" {
		return Client{}, &Error{Kind: KindUnauthenticated, Code: CodeInvalidClient}
	}
	return clientOf(c), nil
}

// ClientByID loads a live client (for a token that names it).
func (s *Service) ClientByID(ctx context.Context, id string) (Client, error) {
	var c models.APIClient
	err := s.db.WithContext(ctx).Take(&c, "id = ? AND revoked_at IS NULL", id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Client{}, &Error{Kind: KindUnauthenticated, Code: CodeInvalidClient}
	}
	if err != nil {
		return Client{}, internal(err)
	}
	return clientOf(c), nil
}

func clientOf(c models.APIClient) Client {
	return Client{ID: c.ID, OrganizationID: c.OrganizationID, Name: c.Name, Scopes: strings.Fields(c.Scopes), SendsOwnMail: c.SendsOwnMail}
}

// ApplicationToken is a token of a client acting for itself.
type ApplicationToken struct {
	Token     string
	Scopes    []string
	ExpiresAt time.Time
}

// IssueApplicationToken mints an application token with scopes, which the client must hold.
func (s *Service) IssueApplicationToken(ctx context.Context, c Client, scopes []string, ttl time.Duration) (ApplicationToken, error) {
	if !c.HasScopes(scopes) {
		return ApplicationToken{}, invalid(CodeInvalidScope, FieldScope)
	}
	if ttl <= 0 {
		ttl = DefaultAccessTTL
	}
	now := s.now()
	token := randomToken(32)
	row := models.ClientToken{ID: models.NewID(), ClientID: c.ID, TokenHash: tokenHash(token),
		Scopes: strings.Join(scopes, " "), ExpiresAt: now.Add(ttl), CreatedAt: now}
	if err := s.tx(ctx, func(tx *gorm.DB) error { return tx.Create(&row).Error }); err != nil {
		return ApplicationToken{}, err
	}
	return ApplicationToken{Token: token, Scopes: scopes, ExpiresAt: row.ExpiresAt}, nil
}

// ApplicationPrincipal is the caller behind a valid application token.
type ApplicationPrincipal struct {
	Client Client
	Scopes []string
}

// AuthenticateApplication resolves an application token (one query with its client).
func (s *Service) AuthenticateApplication(ctx context.Context, token string) (ApplicationPrincipal, error) {
	if token == "" {
		return ApplicationPrincipal{}, &Error{Kind: KindUnauthenticated, Code: CodeNoCredentials}
	}
	var row struct {
		Scopes    string
		ExpiresAt time.Time
		ClientID  string
	}
	err := s.db.WithContext(ctx).Table("client_tokens").
		Select("client_tokens.scopes, client_tokens.expires_at, client_tokens.client_id").
		Joins("JOIN api_clients ON api_clients.id = client_tokens.client_id").
		Where("client_tokens.token_hash = ? AND client_tokens.revoked_at IS NULL AND api_clients.revoked_at IS NULL", tokenHash(token)).
		Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) || (err == nil && !row.ExpiresAt.After(s.now())) {
		return ApplicationPrincipal{}, &Error{Kind: KindUnauthenticated, Code: CodeInvalidToken}
	}
	if err != nil {
		return ApplicationPrincipal{}, internal(err)
	}
	c, err := s.ClientByID(ctx, row.ClientID)
	if err != nil {
		return ApplicationPrincipal{}, err
	}
	return ApplicationPrincipal{Client: c, Scopes: strings.Fields(row.Scopes)}, nil
}
