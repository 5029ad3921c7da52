package account

import (
	"context"
	"strings"

	"github.com/accountd/accountd/models"
	"gorm.io/gorm"
)

// ChangePassword checks the current password, sets a new one, and ends every session and
// credential of the account except the credential used for the call (afterChange). The
// account's address is told.
func (s *Service) ChangePassword(ctx context.Context, p Principal, current, next string) error {
	return s.changePassword(ctx, p, "", current, next)
}

// ChangeOwnPassword is ChangePassword for a session's caller naming the user: only the user
// may change their own password. Every other session and credential of the user ends; the
// caller's session goes on.
func (s *Service) ChangeOwnPassword(ctx context.Context, p SessionPrincipal, userID, current, next string) error {
	if p.UserID != userID {
		return errNotPermitted()
	}
	return s.changePassword(ctx, p.Principal, p.SessionID, current, next)
}

// changePassword keeps the caller's session keepSession ("" for none) and credential.
func (s *Service) changePassword(ctx context.Context, p Principal, keepSession, current, next string) error {
	acct, err := loadAccount(s.db.WithContext(ctx), p.UserID)
	if err != nil {
		return internal(err)
	}
	if err := s.verifyPassword(ctx, acct, current); err != nil {
		return err
	}
	if err := weakPassword(next, acct.primary.Address, FieldNewPassword); err != nil {
		return err
	}
	hash, err := s.hashPassword(ctx, next)
	if err != nil {
		return err
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		return s.setPasswordAndAfter(tx, acct, hash, change{kind: passwordChanged, keepSession: keepSession,
			keepCredential: p.CredentialID})
	})
}

// RequestPasswordReset mails a reset code when an account has the address. It answers the same
// way whether or not one does: the per-address limit is keyed by an HMAC of the address (known
// or not), requests over the limit are dropped without a word, and the call takes at least
// ResetFloor, so neither the answer nor its timing tells whether the address is registered.
func (s *Service) RequestPasswordReset(ctx context.Context, email string, d Delivery) error {
	return s.requestPasswordReset(ctx, email, "", d)
}

// RequestPasswordResetInOrg is RequestPasswordReset for the accounts of one organisation: an
// address outside it is treated exactly like an unknown one.
func (s *Service) RequestPasswordResetInOrg(ctx context.Context, orgID, email string, d Delivery) error {
	return s.requestPasswordReset(ctx, email, orgID, d)
}

func (s *Service) requestPasswordReset(ctx context.Context, email, orgID string, d Delivery) error {
	addr, err := parseAddress(email, FieldEmail)
	if err != nil {
		return err
	}
	defer s.floor(ctx)()
	// The mail budget of the address (known or not) is spent first, each count committed at
	// once: parallel requests for one address see each other's, and the unknown-address path
	// needs no transaction at all. A request over it is dropped without a word. The address's
	// owner (and membership) is read with the budget: one statement on PostgreSQL, shared by
	// parallel requests.
	owner, exists, err := s.spendMailNow(ctx, models.PurposePasswordReset, addr.Key, addr.Key, orgID)
	if err != nil {
		return internalOrNil(silentlyThrottled(err))
	}
	exists = exists && (orgID == "" || owner.Member)
	acct := account{user: owner.User, primary: owner.Primary}
	if !exists || acct.usable() != nil {
		// A code is drawn and an event is written as on the known path (anonymous events are
		// swept after AnonymousAuditRetention); ResetFloor hides the rest of the difference.
		_ = randomToken(32)
		return internalOrNil(s.auditAlone(ctx, "", "password_reset_unknown_email", ""))
	}
	// The code, its mail and the audit row: one statement on PostgreSQL (writeTx).
	return s.writeTx(ctx, func(tx *gorm.DB) error {
		d.Link = strings.ReplaceAll(d.Link, "{user_id}", acct.user.ID) // links that name the account
		code, row, err := s.newCode(tx, acct.user.ID, models.PurposePasswordReset, stored(acct.primary), d)
		if err != nil {
			return err
		}
		if err := s.mailCode(tx, models.PurposePasswordReset, acct.primary.Address, code, row, d); err != nil {
			return err
		}
		return s.audit(tx, acct.user.ID, "password_reset_requested", "")
	})
}

// CompletePasswordReset sets a new password with a reset link token. Every session and
// credential of the account ends and a new credential is returned. The code is consumed only
// when the new password is acceptable, so a rejected password can be corrected with the same link.
func (s *Service) CompletePasswordReset(ctx context.Context, code, next string, spec CredentialSpec) (Session, error) {
	row, err := s.findCodeByValue(ctx, models.PurposePasswordReset, code)
	return resetIssuing(ctx, s, row, err, next, FieldPassword, func(tx *gorm.DB) (Session, error) {
		return s.issueCredential(tx, row.UserID, spec)
	})
}

// resetIssuing is completeReset of a found code row (or the error finding it) that hands out
// what issue makes in the reset's transaction.
func resetIssuing[T any](ctx context.Context, s *Service, row models.OneTimeCode, err error, next, field string,
	issue func(tx *gorm.DB) (T, error)) (T, error) {
	var out T
	if err != nil {
		return out, err
	}
	err = s.completeReset(ctx, row, nil, next, reset{field: field, issue: func(tx *gorm.DB) (err error) {
		out, err = issue(tx)
		return err
	}})
	return out, err
}

// ConfirmPasswordReset is CompletePasswordReset for vendors that hand out no credential there.
func (s *Service) ConfirmPasswordReset(ctx context.Context, code, next string) error {
	row, err := s.findCodeByValue(ctx, models.PurposePasswordReset, code)
	if err != nil {
		return err
	}
	return s.completeReset(ctx, row, nil, next, reset{field: FieldPassword})
}

// reset says how a password reset with a found code completes.
type reset struct {
	field string                  // the request field of the new password (policy errors)
	issue func(tx *gorm.DB) error // what the reset hands out, in its transaction (nil: nothing)
}

// completeReset is every password reset once its code row is found (and its attempt counted):
// the account must be usable and the new password acceptable (checked, when the caller has
// not already loaded and checked the account itself), the password is hashed before the
// transaction, which consumes the code (of racing resets with one code exactly one wins),
// stores the hash, runs afterChange (every session, credential and outstanding code ends, the
// address is told) and then issues what the vendor hands out.
func (s *Service) completeReset(ctx context.Context, row models.OneTimeCode, checked *account, next string, r reset) error {
	if checked == nil {
		acct, err := loadAccount(s.db.WithContext(ctx), row.UserID)
		if err != nil {
			return internal(err)
		}
		if err := acct.usable(); err != nil {
			return err
		}
		if err := weakPassword(next, acct.primary.Address, r.field); err != nil {
			return err
		}
		checked = &acct
	}
	hash, err := s.hashPassword(ctx, next)
	if err != nil {
		return err
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		if err := s.consumeCode(tx, row.ID); err != nil {
			return err
		}
		if err := s.setPasswordAndAfter(tx, *checked, hash, change{kind: passwordReset}); err != nil {
			return err
		}
		if r.issue == nil {
			return nil
		}
		return r.issue(tx)
	})
}

// internalOrNil is internal(err) for a database error, nil for none.
func internalOrNil(err error) error {
	if err != nil {
		return internal(err)
	}
	return nil
}
