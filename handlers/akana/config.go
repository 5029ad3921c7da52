package akana

import (
	"fmt"
	"time"

	"github.com/accountd/accountd/account"
)

// DefaultSessionTTL is how long a session cookie lives without renewal (Akana's default).
const DefaultSessionTTL = 30 * time.Minute

// Config configures the Akana API.
type Config struct {
	Core *account.Service
	// Tenant is the fedmember id (ACCOUNTD_AKANA_TENANT); it is part of the cookie and header
	// names and of every userFDN. Default DefaultTenant.
	Tenant string
	// SessionTTL is the session cookie's lifetime, renewed by renewToken
	// (ACCOUNTD_AKANA_SESSION_TTL). Default DefaultSessionTTL.
	SessionTTL time.Duration
	// SecureCookies marks the cookies Secure; set when the public URL is https.
	SecureCookies bool
}

// API implements the Akana operations of openapi.yaml.
type API struct {
	core   *account.Service
	tenant string
	ttl    time.Duration
	secure bool
	// The names that carry the tenant.
	sessionCookieName, csrfCookieName, csrfHeaderName string
}

// New builds the Akana API.
func New(cfg Config) (*API, error) {
	if cfg.Tenant == "" {
		cfg.Tenant = DefaultTenant
	}
	if !ValidTenant(cfg.Tenant) {
		return nil, fmt.Errorf("akana tenant %q: use letters, digits and hyphens (1 to 63)", cfg.Tenant)
	}
	if cfg.SessionTTL == 0 {
		cfg.SessionTTL = DefaultSessionTTL
	}
	if cfg.SessionTTL < time.Minute {
		return nil, fmt.Errorf("akana session lifetime %v is shorter than a minute", cfg.SessionTTL)
	}
	return &API{core: cfg.Core, tenant: cfg.Tenant, ttl: cfg.SessionTTL, secure: cfg.SecureCookies,
		sessionCookieName: "AtmoAuthToken_" + cfg.Tenant,
		csrfCookieName:    "Csrf-Token_" + cfg.Tenant,
		csrfHeaderName:    "X-Csrf-Token_" + cfg.Tenant,
	}, nil
}

// sessionSpec is what an Akana login opens: a session whose cookie lives ttl (renewable) and
// whose per-session secret is the CSRF token.
func (a *API) sessionSpec() account.SessionSpec {
	return account.SessionSpec{Lifetimes: account.TokenLifetimes{Access: a.ttl}, WithSecret: true}
}
