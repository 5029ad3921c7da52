package account

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/accountd/accountd/models"
	"gorm.io/gorm"
)

// liveCode is the SQL condition of a code that can still be used.
const liveCode = "consumed_at IS NULL AND revoked_at IS NULL AND expires_at > ? AND attempts < max_attempts"

// newCode makes a code for purpose, revoking the user's earlier live codes of that purpose (the
// newest mail is the only one that works), and stores only its HMAC.
func (s *Service) newCode(tx *gorm.DB, userID, purpose, email string, d Delivery) (code string, row models.OneTimeCode, err error) {
	now := s.now()
	if err = tx.Model(&models.OneTimeCode{}).
		Where("user_id = ? AND purpose = ? AND consumed_at IS NULL AND revoked_at IS NULL", userID, purpose).
		Update("revoked_at", now).Error; err != nil {
		return "", row, err
	}
	ttl := s.cfg.LinkTTL
	if d.Digits > 0 {
		code, ttl = randomDigits(d.Digits), s.cfg.CodeTTL
	} else if d.UUID {
		code = randomUUID()
	} else {
		code = randomToken(32)
	}
	row = models.OneTimeCode{ID: models.NewID(), UserID: userID, Purpose: purpose, Email: email,
		MaxAttempts: s.cfg.MaxCodeAttempts, ExpiresAt: now.Add(ttl), ResendAt: now.Add(s.cfg.ResendCooldown), CreatedAt: now}
	row.CodeHash = s.keys.codeHash(purpose, code)
	if d.Digits > 0 {
		row.CodeHash = s.keys.typedCodeHash(purpose, row.ID, code)
	}
	return code, row, tx.Create(&row).Error
}

// findCodeByValue finds the live code of purpose whose HMAC matches. Link tokens carry 256
// bits, so they are looked up by their hash; there is nothing to count attempts against.
func (s *Service) findCodeByValue(ctx context.Context, purpose, code string) (models.OneTimeCode, error) {
	var row models.OneTimeCode
	err := s.db.WithContext(ctx).
		Where("code_hash = ? AND purpose = ?", s.keys.codeHash(purpose, strings.TrimSpace(code)), purpose).
		Where(liveCode, s.now()).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return row, errInvalidCode(FieldCode)
	}
	if err != nil {
		return row, internal(err)
	}
	return row, nil
}

// checkUserCode checks a code typed by a known user against that user's live code of purpose:
// the attempt is counted first with a conditional UPDATE (so parallel guesses cannot exceed the
// limit), then the HMACs are compared in constant time.
func (s *Service) checkUserCode(ctx context.Context, userID, purpose, code string) (models.OneTimeCode, error) {
	var row models.OneTimeCode
	db := s.db.WithContext(ctx)
	now := s.now()
	err := db.Where("user_id = ? AND purpose = ?", userID, purpose).Where(liveCode, now).
		Order("created_at DESC").Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return row, errInvalidCode(FieldCode)
	}
	if err != nil {
		return row, internal(err)
	}
	res := db.Model(&models.OneTimeCode{}).Where("id = ?", row.ID).Where(liveCode, now).
		Update("attempts", gorm.Expr("attempts + 1"))
	if res.Error != nil {
		return row, internal(res.Error)
	}
	if res.RowsAffected != 1 || !s.keys.codeMatches(row, strings.TrimSpace(code)) {
		return row, errInvalidCode(FieldCode)
	}
	return row, nil
}

// consumeCode marks a code used inside tx. The conditional UPDATE is the single point where two
// racing requests with the same code are told apart: exactly one sees a row affected.
func (s *Service) consumeCode(tx *gorm.DB, id string) error {
	now := s.now()
	res := tx.Model(&models.OneTimeCode{}).
		Where("id = ? AND consumed_at IS NULL AND revoked_at IS NULL AND expires_at > ?", id, now).
		Update("consumed_at", now)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected != 1 {
		return errInvalidCode(FieldCode)
	}
	return nil
}

// redeemCode consumes a code inside tx and checks that its owner can still use the account
// (not deleted or suspended): what the flows that verify an address by a code do first.
func (s *Service) redeemCode(tx *gorm.DB, row models.OneTimeCode) error {
	if err := s.consumeCode(tx, row.ID); err != nil {
		return err
	}
	acct, err := loadAccount(tx, row.UserID)
	if err != nil {
		return err
	}
	return acct.usable()
}

// revokeCodes revokes a user's live codes of the given purposes.
func revokeCodes(tx *gorm.DB, now time.Time, userID string, purposes ...string) error {
	q := tx.Model(&models.OneTimeCode{}).Where("user_id = ? AND consumed_at IS NULL AND revoked_at IS NULL", userID)
	if len(purposes) > 0 {
		q = q.Where("purpose IN ?", purposes)
	} else {
		// "Every code" spares the undo links of email changes: a password reset by whoever
		// took the account over must not take its way back from the old address.
		q = q.Where("purpose <> ?", models.PurposeUndoEmailChange)
	}
	return q.Update("revoked_at", now).Error
}

// resendScope names the cooldown (gate) between two mails of one flow for one user.
func resendScope(purpose string) string { return "resend-" + purpose }

// resendWait is how long the user must wait before another code of purpose may be mailed
// (0: now). It reads the newest code's resend_at, kept in the database so every replica agrees.
func (s *Service) resendWait(ctx context.Context, userID, purpose string) (time.Duration, error) {
	var row models.OneTimeCode
	err := s.db.WithContext(ctx).Where("user_id = ? AND purpose = ?", userID, purpose).
		Order("created_at DESC").Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	if wait := row.ResendAt.Sub(s.now()); wait > 0 {
		return wait, nil
	}
	return 0, nil
}
