package account

import (
	"github.com/accountd/accountd/models"
	"gorm.io/gorm"
)

// What a change to how an account is reached (its password or its primary address) ends, and
// who is told: written once, run by every vendor's flow inside the transaction of the change.

// changeKind is what changed.
type changeKind int

const (
	passwordChanged changeKind = iota // by the user, who gave the current password
	passwordReset                     // with a reset code
	emailChanged                      // the primary address moved
)

// everyCodePurpose lists every purpose of a mailed or handed-out code.
var everyCodePurpose = []string{models.PurposeActivation, models.PurposeEmailChange, models.PurposeAddEmail,
	models.PurposePasswordReset}

// codesEndedBy is the one list of the outstanding codes each change revokes. After a password
// change or reset, a code handed out before it must not act: a reset link would undo the
// change, an activation, email-change or add-email code would mint a credential, move the
// account or add a login name to it (a stolen session could have asked for any of them). After
// an email change, the codes mailed to the old address (activation, reset) must not act on the
// new one.
var codesEndedBy = map[changeKind][]string{
	passwordChanged: everyCodePurpose,
	passwordReset:   everyCodePurpose,
	emailChanged:    {models.PurposeActivation, models.PurposePasswordReset},
}

// change is one change and what of the caller survives it.
type change struct {
	kind changeKind
	// keepSession and keepCredential survive a password change: the caller's own session and
	// the credential it called with ("" for none). Everything else of the account ends.
	keepSession, keepCredential string
	// newEmail is the new primary address of an email change.
	newEmail string
}

// afterChange runs, inside tx, everything that follows change c of acct (loaded before the
// change: its primary address is the one to tell): sessions and credentials end (not after an
// email change), codesEndedBy are revoked, the old address is told (and the new one of an email
// change), the event is audited.
func (s *Service) afterChange(tx *gorm.DB, acct account, c change) error {
	// Revocations, notices and the audit row: one statement on PostgreSQL (batchWrites).
	return s.batchWrites(tx, func(tx *gorm.DB) error { return s.afterChangeWrites(tx, acct, c) })
}

func (s *Service) afterChangeWrites(tx *gorm.DB, acct account, c change) error {
	now := s.now()
	userID := acct.user.ID
	if c.kind != emailChanged {
		if err := tx.Model(&models.Session{}).Where("user_id = ? AND id <> ? AND revoked_at IS NULL", userID, c.keepSession).
			Update("revoked_at", now).Error; err != nil {
			return err
		}
		if err := revokeCredentials(tx, now, "user_id = ? AND id <> ?", userID, c.keepCredential); err != nil {
			return err
		}
	}
	if err := revokeCodes(tx, now, userID, codesEndedBy[c.kind]...); err != nil {
		return err
	}
	old := acct.primary.Address
	kind, mailKind, detail := "password_changed", MailPasswordChange, map[string]string{"other_sessions_ended": "true"}
	switch c.kind {
	case passwordReset:
		kind, detail = "password_reset", map[string]string{"sessions_ended": "true"}
	case emailChanged:
		kind, mailKind, detail = "email_change_completed", MailEmailChanged, map[string]string{"old_email": old, "new_email": c.newEmail}
	}
	if c.kind == emailChanged {
		// The old address's notice carries the link that undoes the change; the new address
		// hears of it too, without one.
		if err := s.notifyEmailChanged(tx, userID, Address{Typed: old, Key: acct.primary.AddressKey}, c.newEmail); err != nil {
			return err
		}
		if err := s.enqueueMail(tx, mailKind, c.newEmail, mailData{Email: old, NewEmail: c.newEmail}); err != nil {
			return err
		}
	} else if err := s.enqueueMail(tx, mailKind, old, mailData{Email: old, NewEmail: c.newEmail}); err != nil {
		return err
	}
	return s.audit(tx, userID, kind, auditDetail(detail))
}

// setPasswordAndAfter stores a new password hash (made by hashPassword before the transaction)
// and runs afterChange for kind (passwordChanged or passwordReset).
func (s *Service) setPasswordAndAfter(tx *gorm.DB, acct account, hash string, c change) error {
	return s.batchWrites(tx, func(tx *gorm.DB) error { // with afterChange's writes, one statement
		if err := s.setPassword(tx, acct.user.ID, hash); err != nil {
			return err
		}
		return s.afterChange(tx, acct, c)
	})
}
