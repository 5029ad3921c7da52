package account

import (
	"context"
	"errors"
	"time"

	"github.com/accountd/accountd/models"
	"gorm.io/gorm"
)

// Email changes made with a mailed code that anyone allowed to manage the user can apply: the
// user, or a site admin acting for them (see mayManage). No password is asked for; the code
// proves control of the new address, and a notice to the current address tells the owner.

// SendEmailChangeCode starts changing target's primary address to newEmail on actor's behalf:
// a code (a 256-bit URL-safe token) goes to newEmail, a notice to the current address. The
// per-user limits are counted, and committed, before the address is looked at, so probing
// which addresses are taken is as throttled as sending.
func (s *Service) SendEmailChangeCode(ctx context.Context, actor Principal, targetUserID, newEmail string) error {
	if err := checkEmail(newEmail, FieldEmail); err != nil {
		return err
	}
	db := s.db.WithContext(ctx)
	if err := mayManage(db, actor.UserID, targetUserID); err != nil {
		return err
	}
	acct, err := loadAccount(db, targetUserID)
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return errNotPermitted()
	} else if err != nil {
		return internal(err)
	}
	if err := acct.usable(); err != nil {
		return err
	}
	if err := s.allowEmailChangeSend(ctx, targetUserID); err != nil {
		return err
	}
	if mustKey(newEmail) == mustKey(acct.primary.Address) {
		return invalid(CodeEmailUnchanged, FieldEmail)
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		if taken, err := emailInUse(tx, newEmail); err != nil {
			return err
		} else if taken {
			return errEmailTaken()
		}
		code, row, err := s.newCode(tx, targetUserID, models.PurposeEmailChange, newEmail, Delivery{})
		if err != nil {
			return err
		}
		if err := s.enqueueMail(tx, MailEmailChange, newEmail, mailData{Email: newEmail, Code: code,
			TTL: humanTTL(row.ExpiresAt.Sub(row.CreatedAt))}); err != nil {
			return err
		}
		if err := s.enqueueMail(tx, MailEmailChangeRequested, acct.primary.Address,
			mailData{Email: acct.primary.Address, NewEmail: newEmail}); err != nil {
			return err
		}
		return s.audit(tx, targetUserID, "email_change_requested",
			auditDetail(map[string]string{"new_email": newEmail, "by": actor.UserID}))
	})
}

// allowEmailChangeSend counts one send for the user against the cooldown (one per
// ResendCooldown) and the hourly limit, both in ONE upsert committed at once (as the reset
// request does), so parallel requests cannot slip past either. The hourly limit counts only
// sends the cooldown let through: a hit it refuses is given back (the rare, flooding case pays
// that statement). (Load benchmark: 1 statement where BEGIN, two upserts and COMMIT were 4.)
func (s *Service) allowEmailChangeSend(ctx context.Context, userID string) error {
	hourly := Limit{Scope: "email-change-code-hour", Window: time.Hour, Max: s.cfg.SendsPerHour}
	hits, err := s.countEach(s.db.WithContext(ctx), window{s.keys.limitKey("email-change-code-cooldown", userID), s.cfg.ResendCooldown},
		window{s.keys.limitKey(hourly.Scope, userID), hourly.Window})
	if err != nil {
		return internal(err)
	}
	if hits[0] > 1 {
		if err := s.refund(ctx, hourly, userID); err != nil {
			return err
		}
		return throttled(s.windowRest(s.cfg.ResendCooldown))
	}
	if hits[1] > hourly.Max {
		return throttled(s.windowRest(hourly.Window))
	}
	return nil
}

// ApplyEmailChangeCode applies the change a code was sent for. The code is found by its HMAC;
// each presentation counts as an attempt before anything is compared, so a code whose address
// is guessed wrong too often is burned. A wrong, used, expired or superseded code, an address
// other than the one it was sent to, or a caller who may not manage its user: all the same
// invalid_code. The address is checked again, and claimed under the unique index.
func (s *Service) ApplyEmailChangeCode(ctx context.Context, caller Principal, code, newEmail string) error {
	row, err := s.findCodeByValue(ctx, models.PurposeEmailChange, code)
	if err != nil {
		return err
	}
	db := s.db.WithContext(ctx)
	if err := s.countAttempt(db, row.ID); err != nil {
		return err
	}
	if mustKey(row.Email) != mustKey(newEmail) {
		return errInvalidCode(FieldCode)
	}
	if err := mayManage(db, caller.UserID, row.UserID); err != nil {
		return errInvalidCode(FieldCode)
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		if err := s.consumeCode(tx, row.ID); err != nil {
			return err
		}
		if taken, err := emailInUse(tx, row.Email); err != nil {
			return err
		} else if taken {
			return errEmailTaken()
		}
		return s.applyEmailChange(tx, row.UserID, row.Email)
	})
}

// countAttempt counts one attempt on a live code with a conditional UPDATE; a code that is no
// longer live (or just ran out of attempts in a parallel request) is invalid.
func (s *Service) countAttempt(db *gorm.DB, codeID string) error {
	res := db.Model(&models.OneTimeCode{}).Where("id = ?", codeID).Where(liveCode, s.now()).
		Update("attempts", gorm.Expr("attempts + 1"))
	if res.Error != nil {
		return internal(res.Error)
	}
	if res.RowsAffected != 1 {
		return errInvalidCode(FieldCode)
	}
	return nil
}

// applyEmailChange makes newEmail the user's verified primary address inside tx, revokes the
// codes mailed to the old address, and tells the old address.
func (s *Service) applyEmailChange(tx *gorm.DB, userID, newEmail string) error {
	acct, err := loadAccount(tx, userID)
	if err != nil {
		return err
	}
	now := s.now()
	if err := tx.Model(&models.Email{}).Where("id = ?", acct.primary.ID).
		Updates(map[string]any{"address": newEmail, "address_key": mustKey(newEmail), "verified_at": now, "updated_at": now}).Error; err != nil {
		return err
	}
	// Codes mailed to the old address (activation, reset) must not act on the new one.
	if err := revokeCodes(tx, now, userID, models.PurposeActivation, models.PurposePasswordReset); err != nil {
		return err
	}
	if err := s.notifyEmailChanged(tx, userID, acct.primary.Address, newEmail); err != nil {
		return err
	}
	return s.audit(tx, userID, "email_change_completed",
		auditDetail(map[string]string{"old_email": acct.primary.Address, "new_email": newEmail}))
}
