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
	addr, err := parseAddress(email, FieldEmail)
	if err != nil {
		return models.OneTimeCode{}, err
	}
	row, err := s.countCodeByValue(ctx, models.PurposePasswordReset, code)
	if err != nil {
		return row, err
	}
	if row.EmailKey != addr.Key {
		return row, errInvalidCode(FieldCode)
	}
	return row, nil
}

// ResetPasswordWithCode sets a new password with a reset code mailed to email, ends every
// session and revokes every credential of the user, and opens a new session. The code is used
// up only when the new password is acceptable. The password is hashed before the transaction.
func (s *Service) ResetPasswordWithCode(ctx context.Context, email, code, next string, spec SessionSpec) (SessionTokens, error) {
	row, err := s.resetCodeFor(ctx, email, code)
	return resetIssuing(ctx, s, row, err, next, FieldNewPassword, func(tx *gorm.DB) (SessionTokens, error) {
		return s.startSession(tx, row.UserID, spec)
	})
}
