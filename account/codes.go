package account

import (
	"context"
	"errors"
	"time"

	"github.com/accountd/accountd/models"
	"gorm.io/gorm"
)

// liveCode is the SQL condition of a code that can still be used.
const liveCode = "consumed_at IS NULL AND revoked_at IS NULL AND expires_at > ? AND attempts < max_attempts"

// newCode makes a code for purpose, revoking the user's earlier live codes of that purpose (the
// newest mail is the only one that works), and stores only its HMAC.
func (s *Service) newCode(tx *gorm.DB, userID, purpose string, to Address, d Delivery) (code string, row models.OneTimeCode, err error) {
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
	row = models.OneTimeCode{ID: models.NewID(), UserID: userID, Purpose: purpose, Email: to.Typed, EmailKey: to.Key,
		MaxAttempts: s.cfg.MaxCodeAttempts, ExpiresAt: now.Add(ttl), ResendAt: now.Add(s.cfg.ResendCooldown), CreatedAt: now}
	row.CodeHash = s.keys.linkHash(purpose, code)
	if d.Digits > 0 {
		row.CodeHash = s.keys.typedHash(purpose, row.ID, code)
	}
	return code, row, tx.Create(&row).Error
}

// findCodeByValue finds the live link token of purpose whose HMAC matches. Link tokens carry
// 256 bits, so they are looked up by their hash; there is nothing to count attempts against.
// Typed codes are hashed in another domain (typed_codes.go): this never finds one.
func (s *Service) findCodeByValue(ctx context.Context, purpose, code string) (models.OneTimeCode, error) {
	var row models.OneTimeCode
	code, err := presentedCode(code)
	if err != nil {
		return row, err
	}
	err = s.db.WithContext(ctx).
		Where("code_hash = ? AND purpose = ?", s.keys.linkHash(purpose, code), purpose).
		Where(liveCode, s.now()).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return row, errInvalidCode(FieldCode)
	}
	if err != nil {
		return row, internal(err)
	}
	return row, nil
}

// checkUserCode checks a link token presented by a known user against that user's newest live
// code of purpose: the attempt is counted first (countAttempt, so parallel guesses cannot
// exceed the limit), then the HMACs are compared in constant time. A typed code never matches
// here: it is confirmed only with its verification id (VerifyEmail).
func (s *Service) checkUserCode(ctx context.Context, userID, purpose, code string) (models.OneTimeCode, error) {
	var row models.OneTimeCode
	code, err := presentedCode(code)
	if err != nil {
		return row, err
	}
	db := s.db.WithContext(ctx)
	err = db.Where("user_id = ? AND purpose = ?", userID, purpose).Where(liveCode, s.now()).
		Order("created_at DESC").Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return row, errInvalidCode(FieldCode)
	}
	if err != nil {
		return row, internal(err)
	}
	if err := s.countAttempt(db, row.ID); err != nil {
		return row, err
	}
	if !s.keys.linkMatches(row, code) {
		return row, errInvalidCode(FieldCode)
	}
	return row, nil
}

// countAttempt counts one attempt on a live code with a conditional UPDATE, before anything is
// compared; a code that is no longer live (or just ran out of attempts in a parallel request)
// is invalid.
func (s *Service) countAttempt(db *gorm.DB, codeID string) error {
	res := db.Model(&models.OneTimeCode{}).Where("id = ?", codeID).Where(liveCode, s.now()).
		Update("attempts", gorm.Expr("attempts + 1"))
	if err := oneRow(res, errInvalidCode(FieldCode)); err != nil {
		return AsError(err)
	}
	return nil
}

// consumeCode marks a code used inside tx. The conditional UPDATE is the single point where two
// racing requests with the same code are told apart: exactly one sees a row affected.
func (s *Service) consumeCode(tx *gorm.DB, id string) error {
	now := s.now()
	return oneRow(tx.Model(&models.OneTimeCode{}).
		Where("id = ? AND consumed_at IS NULL AND revoked_at IS NULL AND expires_at > ?", id, now).
		Update("consumed_at", now), errInvalidCode(FieldCode))
}

// redeemCode consumes a code inside tx and checks that its owner can still use the account
// (not deleted or suspended): what the flows that verify an address by a code do first.
func (s *Service) redeemCode(tx *gorm.DB, row models.OneTimeCode) error {
	_, err := s.redeemCodeOf(tx, row)
	return err
}

// redeemCodeOf is redeemCode that returns the owner's account it loaded (not read twice).
func (s *Service) redeemCodeOf(tx *gorm.DB, row models.OneTimeCode) (account, error) {
	if err := s.consumeCode(tx, row.ID); err != nil {
		return account{}, err
	}
	acct, err := loadAccount(tx, row.UserID)
	if err != nil {
		return acct, err
	}
	return acct, acct.usable()
}

// revokeCodes revokes a user's live codes of the given purposes.
func revokeCodes(tx *gorm.DB, now time.Time, userID string, purposes ...string) error {
	q := tx.Model(&models.OneTimeCode{}).Where("user_id = ? AND consumed_at IS NULL AND revoked_at IS NULL", userID)
	if len(purposes) > 0 {
		q = q.Where("purpose IN ?", purposes)
	}
	return q.Update("revoked_at", now).Error
}

// codeMails is the mail each purpose's code is sent in.
var codeMails = map[string]string{models.PurposeActivation: MailActivation, models.PurposeEmailChange: MailEmailChange,
	models.PurposeAddEmail: MailEmailAdd, models.PurposePasswordReset: MailPasswordReset}

// mailCode mails code (of row, made for delivery d) to address, inside the code's transaction.
func (s *Service) mailCode(tx *gorm.DB, purpose, address, code string, row models.OneTimeCode, d Delivery) error {
	return s.enqueueMail(tx, codeMails[purpose], address, mailData{Email: address, Code: code, Link: linkFor(d, code),
		CodePage: codePage(d), TTL: row.ExpiresAt.Sub(row.CreatedAt)})
}
