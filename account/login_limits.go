package account

import (
	"context"
	"time"
)

// Limits on password guessing. Every attempt is counted BEFORE the password is hashed (one
// atomic upsert per limit, see spend), so a burst of parallel guesses cannot exceed a limit;
// a successful attempt is given back (refund), so only failures use the budget. Keys are HMACs
// of the normalised address, whether or not an account has it, so the limits tell nothing about
// which addresses are registered.
var (
	// One client guessing one address is stopped after 10 failures in 15 minutes, without
	// touching anyone else (OWASP Authentication Cheat Sheet: lockout per account and source).
	loginPerClient = Limit{Scope: "login-fail-client", Window: 15 * time.Minute, Max: 10}
	// Many clients guessing one address (a botnet) are stopped too, at NIST SP 800-63B's
	// ceiling of 100 failures. It is counted only for attempts a client's own limit let
	// through, so one client adds at most 10 per 15 minutes: locking the owner out takes ten
	// or more addresses, and lasts at most the rest of the hour.
	loginPerAddress = Limit{Scope: "login-fail", Window: time.Hour, Max: 100}
	// A logged-in caller confirming an action with its password (change password or address,
	// delete the account) is one guess at it: a stolen token must not allow online guessing.
	recheckPerUser = Limit{Scope: "password-recheck", Window: 15 * time.Minute, Max: 10}
	// New accounts per client.
	registerPerClient = Limit{Scope: "register-client", Window: time.Hour, Max: 30}
)

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
	if err := s.refund(ctx, loginPerClient, key+"|"+client); err != nil {
		return err
	}
	return s.refund(ctx, loginPerAddress, key)
}
