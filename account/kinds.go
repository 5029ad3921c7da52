package account

import "github.com/accountd/accountd/models"

// CredentialKind is the kind of a credential (CredentialSpec.Kind, Principal.Kind): vendor
// handlers name kinds through these constants, never through the models package.
type CredentialKind = string

// Credential kinds.
const (
	CredentialAPIToken     CredentialKind = models.CredentialAPIToken     // revocable, no expiry
	CredentialAccessToken  CredentialKind = models.CredentialAccessToken  // short-lived bearer token
	CredentialRefreshToken CredentialKind = models.CredentialRefreshToken // exchanged for a new access token
	CredentialSession      CredentialKind = models.CredentialSession      // a browser session cookie
)
