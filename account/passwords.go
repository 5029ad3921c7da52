package account

import (
	"context"
	"strings"
	"time"

	"github.com/accountd/accountd/models"
	"gorm.io/gorm"
)

// ChangePassword checks the current password, sets a new one, and revokes every credential of
// the account except the one used for the call. The account's address is told.
func (s *Service) ChangePassword(ctx context.Context, p Principal, current, next string) error {
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
		if err := s.setPassword(tx, p.UserID, hash); err != nil {
			return err
		}
		now := s.now()
		if err := revokeCredentials(tx, now, "user_id = ? AND id <> ?", p.UserID, p.CredentialID); err != nil {
			return err
		}
		// Codes mailed before the change must not act after it: a reset link would undo it, and
		// an activation or email-change link would mint a credential or move the account.
		if err := revokeCodes(tx, now, p.UserID, models.PurposePasswordReset, models.PurposeActivation, models.PurposeEmailChange); err != nil {
			return err
		}
		if err := s.enqueueMail(tx, MailPasswordChange, acct.primary.Address, mailData{Email: acct.primary.Address}); err != nil {
			return err
		}
		return s.audit(tx, p.UserID, "password_changed", `{"other_tokens_revoked":true}`)
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
	if err := checkEmail(email, FieldEmail); err != nil {
		return err
	}
	if s.cfg.ResetFloor > 0 {
		floor := time.NewTimer(s.cfg.ResetFloor)
		defer func() {
			select {
			case <-floor.C:
			case <-ctx.Done():
				floor.Stop()
			}
		}()
	}
	// Both limits are counted first, in one statement committed at once (as spend does):
	// parallel requests for one address see each other's hits without holding the counters'
	// row locks for a whole transaction, and the unknown-address path needs no transaction at
	// all. A request that fails later keeps its hits, which only errs on the safe side. (Load
	// benchmark: fewer round trips per reset, bench/results.md.)
	db := s.db.WithContext(ctx)
	subject := mustKey(email) // one bucket per address however it is written (see AddressKey)
	hourly := Limit{Scope: "reset-hour", Window: time.Hour, Max: s.cfg.SendsPerHour}
	hits, err := s.countEach(db, window{s.keys.limitKey("reset-minute", subject), s.cfg.ResendCooldown},
		window{s.keys.limitKey(hourly.Scope, subject), hourly.Window})
	if err != nil {
		return internal(err)
	}
	if hits[0] > 1 {
		// Within the cooldown: dropped. The hourly limit counts only requests the cooldown let
		// through, so its hit is given back (the rare, flooding case pays the extra statement).
		return s.refund(ctx, hourly, subject)
	}
	if hits[1] > hourly.Max {
		return nil
	}
	acct, exists, err := findByEmail(db, email)
	if err != nil {
		return internal(err)
	}
	if exists && orgID != "" {
		if exists, err = isMember(db, orgID, acct.user.ID); err != nil {
			return internal(err)
		}
	}
	if !exists || acct.usable() != nil {
		// A code is drawn and an event is written as on the known path (anonymous events are
		// swept after AnonymousAuditRetention); ResetFloor hides the rest of the difference.
		_ = randomToken(32)
		return internalOrNil(s.audit(db, "", "password_reset_unknown_email", ""))
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		d.Link = strings.ReplaceAll(d.Link, "{user_id}", acct.user.ID) // links that name the account
		code, row, err := s.newCode(tx, acct.user.ID, models.PurposePasswordReset, acct.primary.Address, d)
		if err != nil {
			return err
		}
		if err := s.enqueueMail(tx, MailPasswordReset, acct.primary.Address, mailData{Email: acct.primary.Address,
			Code: code, Link: linkFor(d, code), TTL: row.ExpiresAt.Sub(row.CreatedAt)}); err != nil {
			return err
		}
		return s.audit(tx, acct.user.ID, "password_reset_requested", "")
	})
}

// CompletePasswordReset sets a new password with a reset code. Every credential of the account
// is revoked and a new one is returned. The code is consumed only when the new password is
// acceptable, so a rejected password can be corrected with the same link.
func (s *Service) CompletePasswordReset(ctx context.Context, code, next string, spec CredentialSpec) (Session, error) {
	return s.completePasswordReset(ctx, code, next, &spec)
}

// ConfirmPasswordReset is CompletePasswordReset for vendors that hand out no credential there:
// every credential of the account is revoked and none is issued.
func (s *Service) ConfirmPasswordReset(ctx context.Context, code, next string) error {
	_, err := s.completePasswordReset(ctx, code, next, nil)
	return err
}

// completePasswordReset issues a credential of spec unless spec is nil.
func (s *Service) completePasswordReset(ctx context.Context, code, next string, spec *CredentialSpec) (Session, error) {
	row, err := s.findCodeByValue(ctx, models.PurposePasswordReset, code)
	if err != nil {
		return Session{}, err
	}
	acct, err := loadAccount(s.db.WithContext(ctx), row.UserID)
	if err != nil {
		return Session{}, internal(err)
	}
	if err := acct.usable(); err != nil {
		return Session{}, err
	}
	if err := weakPassword(next, acct.primary.Address, FieldPassword); err != nil {
		return Session{}, err
	}
	hash, err := s.hashPassword(ctx, next)
	if err != nil {
		return Session{}, err
	}
	var sess Session
	err = s.tx(ctx, func(tx *gorm.DB) error {
		if err := s.consumeCode(tx, row.ID); err != nil {
			return err
		}
		if err := s.setPassword(tx, row.UserID, hash); err != nil {
			return err
		}
		now := s.now()
		if err := revokeCredentials(tx, now, "user_id = ?", row.UserID); err != nil {
			return err
		}
		if err := s.revokeUserSessions(tx, now, row.UserID); err != nil {
			return err
		}
		// Every outstanding code (reset, activation, email change) dies with the old password.
		if err := revokeCodes(tx, now, row.UserID); err != nil {
			return err
		}
		if spec != nil {
			if sess, err = s.issueCredential(tx, row.UserID, *spec); err != nil {
				return err
			}
		}
		if err := s.enqueueMail(tx, MailPasswordChange, acct.primary.Address, mailData{Email: acct.primary.Address}); err != nil {
			return err
		}
		return s.audit(tx, row.UserID, "password_reset", `{"tokens_revoked":true}`)
	})
	return sess, err
}

// internalOrNil is internal(err) for a database error, nil for none.
func internalOrNil(err error) error {
	if err != nil {
		return internal(err)
	}
	return nil
}
