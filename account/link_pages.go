package account

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/accountd/accountd/models"
	"gorm.io/gorm"
)

// What the hosted pages (handlers/pages) need from the core: a look at what a mailed link
// would do that changes nothing (a link scanner may open it any number of times), and the
// action itself, taken only from the page's form. The rules stay the ones of the API flows:
// the same codes, limits and password checks.

// LinkKind is what a mailed link does: the purpose of its code.
type LinkKind string

// The links the pages serve.
const (
	LinkActivation      LinkKind = models.PurposeActivation
	LinkEmailChange     LinkKind = models.PurposeEmailChange
	LinkPasswordReset   LinkKind = models.PurposePasswordReset
	LinkUndoEmailChange LinkKind = models.PurposeUndoEmailChange
)

// LinkPreview is what a page shows before anything happens; addresses are masked.
type LinkPreview struct {
	// Account is the account's primary address now.
	Account string
	// Target is the address the link is about: the one to confirm (activation), the new one
	// (email change), the one the reset was mailed to, or the one an undo restores.
	Target string
}

// PreviewLink tells what the link with code would do, reading only: a used, expired,
// superseded or unknown code, or one whose account may no longer act, is the same
// invalid_code the API answers.
func (s *Service) PreviewLink(ctx context.Context, kind LinkKind, code string) (LinkPreview, error) {
	row, acct, err := s.linkAccount(ctx, kind, code)
	if err != nil {
		return LinkPreview{}, err
	}
	return LinkPreview{Account: MaskEmail(acct.primary.Address), Target: MaskEmail(row.Email)}, nil
}

// linkAccount finds a live link code and its usable account.
func (s *Service) linkAccount(ctx context.Context, kind LinkKind, code string) (models.OneTimeCode, account, error) {
	row, err := s.findCodeByValue(ctx, string(kind), code)
	if err != nil {
		return row, account{}, err
	}
	acct, err := loadAccount(s.db.WithContext(ctx), row.UserID)
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return row, acct, errInvalidCode(FieldCode)
	} else if err != nil {
		return row, acct, internal(err)
	}
	if acct.usable() != nil {
		// A deleted or suspended account's link is simply dead: the page says no more.
		return row, acct, errInvalidCode(FieldCode)
	}
	return row, acct, nil
}

// ConfirmActivation verifies the address an activation link was mailed to, as
// CompleteActivation does, but hands out no credential: the page has no use for one.
func (s *Service) ConfirmActivation(ctx context.Context, code string) error {
	row, err := s.findCodeByValue(ctx, models.PurposeActivation, code)
	if err != nil {
		return err
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		if err := s.redeemCode(tx, row); err != nil {
			return err
		}
		if err := s.verifyCodeAddress(tx, row); err != nil {
			return err
		}
		return s.audit(tx, row.UserID, "email_verified", auditDetail(map[string]string{"email": row.Email, "via": "page"}))
	})
}

// ConfirmEmailChangeWithPassword applies the email change a link code was mailed for, the
// account's password standing in for the session the API asks for. The password check is the
// one of every password re-check (verifyPassword: the same per-account limit as the API).
func (s *Service) ConfirmEmailChangeWithPassword(ctx context.Context, code, currentPassword string) error {
	row, acct, err := s.linkAccount(ctx, LinkEmailChange, code)
	if err != nil {
		return err
	}
	if err := s.verifyPassword(ctx, acct, currentPassword); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		if err := s.consumeCode(tx, row.ID); err != nil {
			return err
		}
		if err := claimable(tx, row.EmailKey); err != nil {
			return err
		}
		return s.applyEmailChange(tx, row.UserID, codeAddress(row))
	})
}

// ConfirmPasswordResetFor is ConfirmPasswordReset for a code typed with the address it was
// mailed to (Akana's reset mails): each try counts against the code's attempts first, as in
// the API (CheckPasswordResetCode).
func (s *Service) ConfirmPasswordResetFor(ctx context.Context, email, code, next string) error {
	if _, err := s.resetCodeFor(ctx, email, code); err != nil {
		return err
	}
	return s.ConfirmPasswordReset(ctx, code, next)
}

// ConfirmPasswordResetOfMember is CompletePasswordResetByID for a mailed link that names the
// account (Payway's reset links carry its id and the code) but not the organisation, which
// CompletePasswordResetByID checks membership of: any organisation the account belongs to
// will do, since the link's code is the account's own.
func (s *Service) ConfirmPasswordResetOfMember(ctx context.Context, userID, code, next string, opts ResetOptions) error {
	var orgs []string
	if err := s.db.WithContext(ctx).Model(&models.Membership{}).Where("user_id = ?", userID).
		Order("organization_id").Limit(1).Pluck("organization_id", &orgs).Error; err != nil {
		return internal(err)
	}
	if len(orgs) == 0 {
		return errInvalidCode(FieldCode)
	}
	return s.CompletePasswordResetByID(ctx, orgs[0], userID, code, next, opts)
}

// PageToken binds a page's form to the page, the link's value and the browser's nonce: an
// HMAC under a key of its own (derived from the link-token key), so it proves nothing elsewhere.
func (s *Service) PageToken(page, link, nonce string) []byte {
	return hmacOf(hmacOf(s.keys.link, "page-form-token"), page, link, nonce)
}

// MaskEmail shows an address as its first character, "***" and the domain:
// jane@example.com -> j***@example.com. Enough for the owner to recognise it, not enough for
// someone who found the link to learn it.
func MaskEmail(address string) string {
	local, domain, ok := strings.Cut(address, "@")
	if !ok || local == "" {
		return "***"
	}
	r, _ := utf8.DecodeRuneInString(local)
	return string(r) + "***@" + domain
}
