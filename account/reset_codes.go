package account

import (
	"context"

	"github.com/accountd/accountd/models"
	"gorm.io/gorm"
)

// Password reset with a mailed code that is checked against the address it was sent to, and
// password change for the caller alone. The reset code is requested with RequestPasswordReset
// (no enumeration; same work for known and unknown addresses).

// CheckPasswordResetCode tells whether code is a live reset code mailed to email. Each check
// counts as an attempt on the code before anything is compared, so guessing the address of a
// leaked code burns it. The code stays usable.
func (s *Service) CheckPasswordResetCode(ctx context.Context, email, code string) error {
	_, err := s.resetCodeFor(ctx, email, code)
	return err
}

func (s *Service) resetCodeFor(ctx context.Context, email, code string) (models.OneTimeCode, error) {
	if err := checkEmail(email, FieldEmail); err != nil {
		return models.OneTimeCode{}, err
	}
	row, err := s.findCodeByValue(ctx, models.PurposePasswordReset, code)
	if err != nil {
		return row, err
	}
	if err := s.countAttempt(s.db.WithContext(ctx), row.ID); err != nil {
		return row, err
	}
	if mustKey(row.Email) != mustKey(email) {
		return row, errInvalidCode(FieldCode)
	}
	return row, nil
}

// ResetPasswordWithCode sets a new password with a reset code mailed to email, ends every
// session and revokes every credential of the user, and opens a new session. The code is used
// up only when the new password is acceptable. The password is hashed before the transaction.
func (s *Service) ResetPasswordWithCode(ctx context.Context, email, code, next string, spec SessionSpec) (SessionTokens, error) {
	row, err := s.resetCodeFor(ctx, email, code)
	if err != nil {
		return SessionTokens{}, err
	}
	acct, err := loadAccount(s.db.WithContext(ctx), row.UserID)
	if err != nil {
		return SessionTokens{}, internal(err)
	}
	if err := acct.usable(); err != nil {
		return SessionTokens{}, err
	}
	if err := weakPassword(next, acct.primary.Address, FieldNewPassword); err != nil {
		return SessionTokens{}, err
	}
	hash, err := s.hashPassword(ctx, next)
	if err != nil {
		return SessionTokens{}, err
	}
	var out SessionTokens
	err = s.tx(ctx, func(tx *gorm.DB) error {
		if err := s.consumeCode(tx, row.ID); err != nil {
			return err
		}
		now := s.now()
		if err := s.setPassword(tx, row.UserID, hash); err != nil {
			return err
		}
		if err := s.endOtherSessions(tx, row.UserID, ""); err != nil {
			return err
		}
		// Every outstanding code (reset, activation, email change) dies with the old password.
		if err := revokeCodes(tx, now, row.UserID); err != nil {
			return err
		}
		var err error
		if out, err = s.startSession(tx, row.UserID, spec); err != nil {
			return err
		}
		if err := s.enqueueMail(tx, MailPasswordChange, acct.primary.Address, mailData{Email: acct.primary.Address}); err != nil {
			return err
		}
		return s.audit(tx, row.UserID, "password_reset", `{"sessions_ended":true}`)
	})
	return out, err
}

// ChangeOwnPassword is ChangePassword for a session's caller naming the user: only the user
// may change their own password. Every other session and credential of the user ends; the
// caller's session goes on.
func (s *Service) ChangeOwnPassword(ctx context.Context, p SessionPrincipal, userID, current, next string) error {
	if p.UserID != userID {
		return errNotPermitted()
	}
	if err := s.ChangePassword(ctx, p.Principal, current, next); err != nil {
		return err
	}
	// ChangePassword has revoked every other credential; close the other sessions' rows too.
	return s.tx(ctx, func(tx *gorm.DB) error { return s.endOtherSessions(tx, userID, p.SessionID) })
}
