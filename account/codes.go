package account

import (
	"context"
	"errors"
	"time"

	"github.com/accountd/accountd/models"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
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
	byValue, err := s.codeByValue(purpose, code)
	if err != nil {
		return row, err
	}
	err = byValue(s.db.WithContext(ctx).Where(liveCode, s.now())).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return row, errInvalidCode(FieldCode)
	}
	if err != nil {
		return row, internal(err)
	}
	return row, nil
}

// countCodeByValue is findCodeByValue that counts an attempt on the code it finds, in the
// same statement (countedCode): for flows where a found link token is checked against more
// than its value (the address it was sent to).
func (s *Service) countCodeByValue(ctx context.Context, purpose, code string) (models.OneTimeCode, error) {
	byValue, err := s.codeByValue(purpose, code)
	if err != nil {
		return models.OneTimeCode{}, err
	}
	return s.countedCode(s.db.WithContext(ctx), byValue, errInvalidCode(FieldCode))
}

// codeByValue parses a presented link token and selects the codes of purpose with its HMAC.
func (s *Service) codeByValue(purpose, code string) (func(q *gorm.DB) *gorm.DB, error) {
	code, err := presentedCode(code)
	if err != nil {
		return nil, err
	}
	hash := s.keys.linkHash(purpose, code)
	return func(q *gorm.DB) *gorm.DB { return q.Where("code_hash = ? AND purpose = ?", hash, purpose) }, nil
}

// checkUserCode checks a link token presented by a known user against that user's newest live
// code of purpose: the attempt is counted first (countedCode, so parallel guesses cannot
// exceed the limit), then the HMACs are compared in constant time. A typed code never matches
// here: it is confirmed only with its verification id (VerifyEmail).
func (s *Service) checkUserCode(ctx context.Context, userID, purpose, code string) (models.OneTimeCode, error) {
	code, err := presentedCode(code)
	if err != nil {
		return models.OneTimeCode{}, err
	}
	row, err := s.countedCode(s.db.WithContext(ctx), func(q *gorm.DB) *gorm.DB {
		return q.Where("user_id = ? AND purpose = ?", userID, purpose)
	}, errInvalidCode(FieldCode))
	if err != nil {
		return row, err
	}
	if !s.keys.linkMatches(row, code) {
		return row, errInvalidCode(FieldCode)
	}
	return row, nil
}

// countedCode finds the newest live code that find selects and counts one attempt on it, in
// one statement (UPDATE ... RETURNING), before anything is compared. The UPDATE checks the
// code is live again on the row it locks, so parallel guesses cannot exceed the limit; finding
// and counting were two round trips. No live code (or one that just ran out of attempts in a
// parallel request): missing.
func (s *Service) countedCode(db *gorm.DB, find func(q *gorm.DB) *gorm.DB, missing error) (models.OneTimeCode, error) {
	now := s.now()
	newest := find(db.Model(&models.OneTimeCode{}).Select("id").Where(liveCode, now)).Order("created_at DESC").Limit(1)
	var rows []models.OneTimeCode
	err := db.Model(&rows).Clauses(clause.Returning{}).Where("id = (?)", newest).Where(liveCode, now).
		Update("attempts", gorm.Expr("attempts + 1")).Error
	if err != nil {
		return models.OneTimeCode{}, internal(err)
	}
	if len(rows) == 0 {
		return models.OneTimeCode{}, missing
	}
	return rows[0], nil
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
	_, _, err := s.redeemCodeOf(tx, row)
	return err
}

// redeemCodeOf is redeemCode that returns the owner's account it loaded (not read twice) and,
// read in the same query, the user who has the code's address now ("": nobody), for the
// flows that claim that address.
func (s *Service) redeemCodeOf(tx *gorm.DB, row models.OneTimeCode) (acct account, addressOwner string, err error) {
	if err := s.consumeCode(tx, row.ID); err != nil {
		return account{}, "", err
	}
	acct, addressOwner, err = loadAccountAndAddress(tx, row.UserID, row.EmailKey)
	if err != nil {
		return acct, "", err
	}
	return acct, addressOwner, acct.usable()
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
