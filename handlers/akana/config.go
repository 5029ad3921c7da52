package akana

import (
	"fmt"
	"strings"
	"time"

	"github.com/accountd/accountd/account"
	"github.com/accountd/accountd/handlers/httpapi"
)

// DefaultSessionTTL is how long a session cookie lives without renewal (Akana's default).
const DefaultSessionTTL = 30 * time.Minute

// Settings are Akana's own configuration.
type Settings struct {
	// Tenant is the fedmember id (ACCOUNTD_AKANA_TENANT); it is part of the cookie and header
	// names and of every userFDN. Default DefaultTenant.
	Tenant string
	// SessionTTL is the session cookie's lifetime, renewed by renewToken
	// (ACCOUNTD_AKANA_SESSION_TTL). Default DefaultSessionTTL.
	SessionTTL time.Duration
}

func (s Settings) withDefaults() Settings {
	if s.Tenant == "" {
		s.Tenant = DefaultTenant
	}
	if s.SessionTTL == 0 {
		s.SessionTTL = DefaultSessionTTL
	}
	return s
}

// CSRFHeaderName is the request header that carries the CSRF token, X-Csrf-Token_{tenant}
// (openapi.yaml spells the default tenant's name only).
func (s Settings) CSRFHeaderName() string { return "X-Csrf-Token_" + s.withDefaults().Tenant }

// Check refuses settings the server must not start with.
func (s Settings) Check() error {
	s = s.withDefaults()
	if !ValidTenant(s.Tenant) {
		return fmt.Errorf("ACCOUNTD_AKANA_TENANT %q: use 1 to 63 letters, digits and hyphens", s.Tenant)
	}
	if s.SessionTTL < time.Minute {
		return fmt.Errorf("ACCOUNTD_AKANA_SESSION_TTL must be a duration of at least a minute (e.g. 30m)")
	}
	return nil
}

// Akana implements the Akana operations of openapi.yaml.
type Akana struct {
	core   *account.Service
	tenant string
	ttl    time.Duration
	// secure marks the cookies Secure: the server is reached over https (ACCOUNTD_PUBLIC_URL).
	secure bool
	// The names that carry the tenant.
	sessionCookieName, csrfCookieName, csrfHeaderName string
	// emailChange and reset are how the codes are mailed: bare, naming the page where they
	// can be typed (handlers/pages; a customer's own with ACCOUNTD_PUBLIC_URL).
	emailChange, reset account.Delivery
}

// New builds the Akana API; s must have passed Check.
func New(d httpapi.Deps, s Settings) *Akana {
	s = s.withDefaults()
	return &Akana{core: d.Core, tenant: s.Tenant, ttl: s.SessionTTL, secure: strings.HasPrefix(d.PublicURL, "https://"),
		sessionCookieName: "AtmoAuthToken_" + s.Tenant,
		csrfCookieName:    "Csrf-Token_" + s.Tenant,
		csrfHeaderName:    s.CSRFHeaderName(),
		emailChange:       account.Delivery{Page: d.Links.AkanaEmailChangeCode},
		reset:             account.Delivery{Page: d.Links.AkanaPasswordResetCode},
	}
}

// sessionSpec is what an Akana login opens: a session whose cookie lives ttl (renewable) and
// whose per-session secret is the CSRF token.
func (a *Akana) sessionSpec() account.SessionSpec {
	return account.SessionSpec{Audience: sessionAudience, Lifetimes: account.TokenLifetimes{Access: a.ttl}, WithSecret: true}
}
