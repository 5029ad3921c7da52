package account

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"
)

// One password login for every vendor (Webshare's token, Rixl's and Akana's sessions, Payway's
// password grant), under one set of limits per address:
//
//  1. a frozen address (loginFreeze) is refused before anything is counted;
//  2. the attempt is counted against the login limits (loginPerClient, loginPerAddress) and,
//     for an attempt that could succeed into an organisation (Payway), against the freeze,
//     BEFORE the password is hashed, so parallel guesses cannot exceed any of them;
//  3. the password is compared (a dummy hash for an unknown address: the same argon2id work);
//  4. a success gives its counts back, so only failures use the budgets.
//
// A wrong address, a wrong password, a wrong organisation or a non-member all get
// invalid_credentials.

// loginAttempt is one password login.
type loginAttempt struct {
	addr     Address
	password string
	// client is the subject of loginPerClient: the caller's IP address, or the API client.
	client string
	// org, when set, is the organisation logged into through apiClient (Payway): only a member,
	// through a client of that organisation, may log in, and only such attempts (ones that
	// could have succeeded) count towards the address's freeze.
	org       string
	apiClient Client
}

// login runs attempt a for acct (known: the address has an account) and, when it succeeds,
// issue in the login's transaction to hand out what the vendor gives (a credential, a session).
func (s *Service) login(ctx context.Context, a loginAttempt, acct account, known bool, issue func(tx *gorm.DB) error) error {
	db := s.db.WithContext(ctx)
	key := a.addr.Key
	if hits, rest, err := s.peek(db, loginFreeze, key); err != nil {
		return internal(err)
	} else if hits >= loginFreeze.Max {
		return s.frozen(a, rest)
	}
	if err := s.spendLogin(ctx, key, a.client); err != nil {
		return err
	}
	eligible := known && a.org == ""
	if known && a.org != "" && a.apiClient.OrganizationID == a.org {
		member, err := isMember(db, a.org, acct.user.ID)
		if err != nil {
			return internal(err)
		}
		eligible = member
	}
	freezes := eligible && a.org != ""
	if freezes {
		if _, err := s.spend(ctx, loginFreeze, key); err != nil {
			// Frozen by a parallel attempt: this one is refused unchecked, not a failed login.
			_, _ = s.refund(ctx, loginFreeze, key)
			_ = s.refundLogin(ctx, key, a.client)
			return s.frozen(a, AsError(err).RetryAfter)
		}
	}
	ok, err := s.checkPassword(ctx, acct, known, a.password)
	if err != nil {
		return err
	}
	if !ok || !eligible {
		var userID string
		if known {
			userID = acct.user.ID
		}
		s.auditNow(ctx, userID, "login_failed", clientDetail(a.client))
		if freezes {
			// Remembered briefly, so that the client's report of this failure is not a second one.
			if _, _, err := s.hit(db, unreportedGrantFailure, a.apiClient.ID+"|"+key); err != nil {
				return internal(err)
			}
		}
		return invalid(CodeInvalidCredentials, "")
	}
	if err := s.refundLogin(ctx, key, a.client); err != nil {
		return err
	}
	if freezes {
		if _, err := s.refund(ctx, loginFreeze, key); err != nil {
			return err
		}
	}
	if err := acct.usable(); err != nil {
		return err
	}
	// A rehash with the current parameters is made before the transaction opens.
	var rehash string
	if s.cfg.Hasher.NeedsRehash(*acct.user.PasswordHash) {
		if rehash, err = s.hashPassword(ctx, a.password); err != nil {
			return err
		}
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		if rehash != "" {
			if err := s.setPassword(tx, acct.user.ID, rehash); err != nil {
				return err
			}
		}
		if err := issue(tx); err != nil {
			return err
		}
		return s.audit(tx, acct.user.ID, "login", "")
	})
}

// frozen is the refusal of a frozen address: Payway's grant names the freeze (its
// integrations show it), the other vendors answer as to any throttled login.
func (s *Service) frozen(a loginAttempt, rest time.Duration) error {
	if a.org != "" {
		return &Error{Kind: KindRateLimited, Code: CodeAccountFrozen, RetryAfter: rest.Round(time.Second)}
	}
	return throttled(rest)
}

// checkPassword compares plain with acct's password hash; for an unknown address (known false)
// or an account without a password, with a dummy hash, so both cost the same argon2id work.
func (s *Service) checkPassword(ctx context.Context, acct account, known bool, plain string) (bool, error) {
	var ok bool
	var err error
	if !known || acct.user.PasswordHash == nil {
		err = s.cfg.Hasher.VerifyAgainstDummyContext(ctx, plain)
	} else {
		ok, err = s.cfg.Hasher.VerifyContext(ctx, plain, *acct.user.PasswordHash)
	}
	if err != nil {
		return false, hashError(err)
	}
	return ok, nil
}

// spendLogin counts a login attempt against both login limits, the client's first.
func (s *Service) spendLogin(ctx context.Context, key, client string) error {
	if first, err := s.spend(ctx, loginPerClient, key+"|"+client); err != nil {
		s.auditThrottled(ctx, first, "", "login_throttled", client)
		return err
	}
	if first, err := s.spend(ctx, loginPerAddress, key); err != nil {
		s.auditThrottled(ctx, first, "", "login_throttled", client)
		return err
	}
	return nil
}

// refundLogin gives back a successful attempt.
func (s *Service) refundLogin(ctx context.Context, key, client string) error {
	if _, err := s.refund(ctx, loginPerClient, key+"|"+client); err != nil {
		return err
	}
	_, err := s.refund(ctx, loginPerAddress, key)
	return err
}

// Login checks an address and password and returns a new credential (see login). client
// identifies the caller (an IP).
func (s *Service) Login(ctx context.Context, email, plain, client string, spec CredentialSpec) (Session, error) {
	a, acct, known, err := s.loginOf(ctx, email, plain, client)
	if err != nil {
		return Session{}, err
	}
	return s.loginCredential(ctx, a, acct, known, spec)
}

// loginOf parses a login's address and loads its account (known: one has the address).
func (s *Service) loginOf(ctx context.Context, email, plain, client string) (loginAttempt, account, bool, error) {
	addr, err := parseAddress(email, FieldEmail)
	if err != nil {
		return loginAttempt{}, account{}, false, err
	}
	acct, known, err := findByEmail(s.db.WithContext(ctx), addr.Key)
	if err != nil {
		return loginAttempt{}, account{}, false, internal(err)
	}
	return loginAttempt{addr: addr, password: plain, client: client}, acct, known, nil
}

func (s *Service) loginCredential(ctx context.Context, a loginAttempt, acct account, known bool, spec CredentialSpec) (Session, error) {
	var sess Session
	err := s.login(ctx, a, acct, known, func(tx *gorm.DB) (err error) {
		sess, err = s.issueCredential(tx, acct.user.ID, spec)
		return err
	})
	return sess, err
}

// LoginSession checks an address and password, as Login does, and opens a session. The
// tokens carry the primary address and whether it is verified, read with the account.
func (s *Service) LoginSession(ctx context.Context, email, plain, client string, spec SessionSpec) (SessionTokens, error) {
	a, acct, known, err := s.loginOf(ctx, email, plain, client)
	if err != nil {
		return SessionTokens{}, err
	}
	var out SessionTokens
	err = s.login(ctx, a, acct, known, func(tx *gorm.DB) (err error) {
		out, err = s.startSession(tx, acct.user.ID, spec)
		return err
	})
	out.Email, out.EmailVerified = acct.primary.Address, acct.primary.VerifiedAt != nil
	return out, err
}

// OrgLogin is a password login into an organisation through an API client.
type OrgLogin struct {
	OrganizationID string
	Email          string
	Password       string
	Client         Client
	Session        SessionSpec // ClientID is set from Client
}

// LoginToOrganization checks an address and password of a member of OrganizationID, through a
// client of that organisation, and opens a session (see login: the same limits as every
// login, keyed per API client, and the freeze).
func (s *Service) LoginToOrganization(ctx context.Context, in OrgLogin) (SessionTokens, error) {
	if !in.Client.HasScopes(in.Session.Scopes) {
		return SessionTokens{}, invalid(CodeInvalidScope, FieldScope)
	}
	// An address no account can have is an unknown one (the username is free text).
	email := strings.TrimSpace(in.Email)
	addr, err := parseAddress(email, FieldEmail)
	known := err == nil
	if !known {
		addr = Address{Typed: email, Key: mustKey(email)}
	}
	var acct account
	if known {
		if acct, known, err = findByEmail(s.db.WithContext(ctx), addr.Key); err != nil {
			return SessionTokens{}, internal(err)
		}
	}
	spec := in.Session
	spec.ClientID = in.Client.ID
	var out SessionTokens
	err = s.login(ctx, loginAttempt{addr: addr, password: in.Password, client: "api-client:" + in.Client.ID,
		org: in.OrganizationID, apiClient: in.Client}, acct, known, func(tx *gorm.DB) (err error) {
		out, err = s.startSession(tx, acct.user.ID, spec)
		return err
	})
	return out, err
}
