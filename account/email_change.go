package account

import (
	"context"
	"errors"
	"time"

	"github.com/accountd/accountd/models"
	"gorm.io/gorm"
)

// EmailChangeTicket identifies a started email change (or address addition).
type EmailChangeTicket struct {
	ID           string // the code row's id (Rixl's verification_id)
	CurrentEmail string
	NewEmail     string
	// Code is the code itself, for vendors that hand it to the caller (EmailChange.NoMail, or
	// Payway's answer); the others ignore it.
	Code        string
	CanResendAt time.Time
}

// EmailChange is a request to change an account's primary address. What differs between the
// vendors is an option; the rules are StartEmailChange's.
type EmailChange struct {
	UserID   string // the account whose address changes
	NewEmail string
	// ActorID is the user who asks, when not the account itself (a site admin): mayManage
	// decides, and an unknown account is not_permitted.
	ActorID string
	// OrgID, when set, requires the account to be a member of that organisation (an API
	// client's caller).
	OrgID string
	// Password, when set, is the account's current password, checked (recheckPerUser) before
	// anything else is: the vendors whose token alone is not proof enough ask for it.
	Password *string
	// Delivery says how the code is made (Digits: a typed code confirmed by its verification
	// id; UUID; else a link token) and the link it is mailed in.
	Delivery Delivery
	// NoMail: the code goes back to the caller only (an API client that sends its own mail);
	// nothing is mailed and no mail budget is spent.
	NoMail bool
	// NotifyCurrent tells the current address that a change was asked for.
	NotifyCurrent bool
}

// StartEmailChange starts changing an account's primary address: a code for the new address
// (mailed, unless NoMail). Nothing changes and nothing is reserved until the code is confirmed
// (CompleteEmailChange, ApplyEmailChangeCode, VerifyEmail); a new request replaces the
// previous code. In this order: the address is parsed, the account loaded with the address's
// owner (one query; and the actor's right, the membership, the current password checked), an
// address the account already has refused; then the mail budget is spent (spendMail, committed
// at once) BEFORE the answer to "is the address taken" is given: a taken address spends it
// like a free one, so a run of requests gets the same answers whether the address is
// registered or not, and parallel requests send one mail.
func (s *Service) StartEmailChange(ctx context.Context, in EmailChange) (EmailChangeTicket, error) {
	return s.startAddressCode(ctx, models.PurposeEmailChange, in)
}

// StartAddEmail mails a typed code to address, which joins the caller's addresses (not
// primary) when the code is confirmed with VerifyEmail. Same rules as StartEmailChange.
func (s *Service) StartAddEmail(ctx context.Context, p Principal, address string) (EmailChangeTicket, error) {
	return s.startAddressCode(ctx, models.PurposeAddEmail, EmailChange{UserID: p.UserID, NewEmail: address,
		Delivery: Delivery{Digits: VerificationCodeDigits}})
}

func (s *Service) startAddressCode(ctx context.Context, purpose string, in EmailChange) (EmailChangeTicket, error) {
	addr, err := parseAddress(in.NewEmail, FieldEmail)
	if err != nil {
		return EmailChangeTicket{}, err
	}
	// The account and the new address's owner are read together (one round trip): the
	// owner decides below, after the budget is spent, and nothing is reserved, so a later
	// claim of the address is decided by the unique index when the code is confirmed.
	acct, owner, err := s.changingAccount(ctx, in, addr.Key)
	if err != nil {
		return EmailChangeTicket{}, err
	}
	// An address of the account itself (its primary or another) is refused before the mail
	// budget is spent: the caller knows its own addresses, so this tells nothing.
	if addr.Key == acct.primary.AddressKey || owner == in.UserID {
		return EmailChangeTicket{}, invalid(CodeEmailUnchanged, FieldEmail)
	}
	t := EmailChangeTicket{CurrentEmail: acct.primary.Address, NewEmail: addr.Typed}
	// The mail budget is spent first and committed at once, as a reset's (in a statement shared
	// with parallel requests): parallel requests meet on its cooldown row, so one of them
	// mails, and the writes after it need no transaction around them (on PostgreSQL two statements where BEGIN, budget, writes and
	// COMMIT were four round trips). A write failing after it leaves the budget spent.
	if !in.NoMail {
		if _, _, err := s.spendMailNow(ctx, purpose, in.UserID, "", ""); err != nil {
			return EmailChangeTicket{}, coreError(err)
		}
	}
	if owner != "" {
		return EmailChangeTicket{}, errEmailTaken() // after the budget: a taken address spends it too
	}
	// The code, its mails and the audit row: one statement on PostgreSQL (batchWrites).
	err = s.writeTx(ctx, func(tx *gorm.DB) error {
		code, row, err := s.newCode(tx, in.UserID, purpose, addr, in.Delivery)
		if err != nil {
			return err
		}
		t.ID, t.Code, t.CanResendAt = row.ID, code, row.ResendAt
		if !in.NoMail {
			if err := s.mailCode(tx, purpose, addr.Typed, code, row, in.Delivery); err != nil {
				return err
			}
		}
		if in.NotifyCurrent {
			if err := s.enqueueMail(tx, MailEmailChangeRequested, acct.primary.Address,
				mailData{Email: acct.primary.Address, NewEmail: addr.Typed}); err != nil {
				return err
			}
		}
		detail := map[string]string{"new_email": addr.Typed}
		if in.ActorID != "" && in.ActorID != in.UserID {
			detail["by"] = in.ActorID
		}
		if in.OrgID != "" {
			detail["organization_id"] = in.OrgID
		}
		return s.audit(tx, in.UserID, purpose+"_requested", auditDetail(detail))
	})
	if err != nil {
		return EmailChangeTicket{}, err
	}
	return t, nil
}

// changingAccount loads the usable account of an email change and checks who may change it;
// owner is the user who has the address whose key is newKey ("" for nobody), read in the same
// query as the account.
func (s *Service) changingAccount(ctx context.Context, in EmailChange, newKey string) (acct account, owner string, err error) {
	db := s.db.WithContext(ctx)
	if in.ActorID != "" {
		if err := mayManage(db, in.ActorID, in.UserID); err != nil {
			return account{}, "", err
		}
	}
	if in.OrgID != "" {
		acct, owner, err = orgMemberAndAddress(db, in.OrgID, in.UserID, "", newKey)
	} else {
		acct, owner, err = loadAccountAndAddress(db, in.UserID, newKey)
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return acct, "", errNotPermitted()
		} else if err != nil {
			return acct, "", internal(err)
		}
		err = acct.usable()
	}
	if err != nil {
		return acct, "", err
	}
	if in.Password != nil {
		if err := s.verifyPassword(ctx, acct, *in.Password); err != nil {
			return acct, "", err
		}
	}
	return acct, owner, nil
}

// CompleteEmailChange applies the caller's pending change with its link token. Only the user
// who asked can complete it (the code is looked up among the caller's own, with bounded
// attempts; a typed code is confirmed only by its verification id, with VerifyEmail). The
// address is claimed by updating the primary row under the unique index, so when another
// account took it meanwhile this fails with email_taken and nothing changes. The old address
// is told.
func (s *Service) CompleteEmailChange(ctx context.Context, p Principal, code string) error {
	row, err := s.checkUserCode(ctx, p.UserID, models.PurposeEmailChange, code)
	if err != nil {
		return err
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		if err := s.consumeCode(tx, row.ID); err != nil {
			return err
		}
		return s.applyEmailChange(tx, p.UserID, codeAddress(row))
	})
}

// CompleteEmailChangeInOrg is CompleteEmailChange for a member of orgID.
func (s *Service) CompleteEmailChangeInOrg(ctx context.Context, orgID string, p Principal, code string) error {
	if err := requireMember(s.db.WithContext(ctx), orgID, p.UserID); err != nil {
		return err
	}
	return s.CompleteEmailChange(ctx, p, code)
}

// ApplyEmailChangeCode applies the change a link token was sent for, for anyone allowed to
// manage its user (the user, or a site admin: mayManage). The code is found by its HMAC; each
// presentation counts as an attempt before anything is compared, so a code whose address is
// guessed wrong too often is burned. A wrong, used, expired or superseded code, an address
// other than the one it was sent to, or a caller who may not manage its user: all the same
// invalid_code. The address is checked again, and claimed under the unique index.
func (s *Service) ApplyEmailChangeCode(ctx context.Context, caller Principal, code, newEmail string) error {
	addr, err := parseAddress(newEmail, FieldEmail)
	if err != nil {
		return err
	}
	row, err := s.countCodeByValue(ctx, models.PurposeEmailChange, code)
	if err != nil {
		return err
	}
	db := s.db.WithContext(ctx)
	if row.EmailKey != addr.Key {
		return errInvalidCode(FieldCode)
	}
	if err := mayManage(db, caller.UserID, row.UserID); err != nil {
		return errInvalidCode(FieldCode)
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		if err := s.consumeCode(tx, row.ID); err != nil {
			return err
		}
		if err := claimable(tx, addr.Key); err != nil {
			return err
		}
		return s.applyEmailChange(tx, row.UserID, codeAddress(row))
	})
}

// applyEmailChange makes newEmail the user's verified primary address inside tx and runs
// afterChange (the codes mailed to the old address die, the old address is told).
func (s *Service) applyEmailChange(tx *gorm.DB, userID string, to Address) error {
	acct, err := loadAccount(tx, userID)
	if err != nil {
		return err
	}
	return s.applyEmailChangeTo(tx, acct, to)
}

// applyEmailChangeTo is applyEmailChange of an account already loaded in tx. The address and
// what afterChange writes are one statement on PostgreSQL (batchWrites; a claim another
// account won meanwhile still fails on the unique index, as email_taken).
func (s *Service) applyEmailChangeTo(tx *gorm.DB, acct account, to Address) error {
	return s.batchWrites(tx, func(tx *gorm.DB) error {
		now := s.now()
		if err := tx.Model(&models.Email{}).Where("id = ?", acct.primary.ID).
			Updates(map[string]any{"address": to.Typed, "address_key": to.Key, "verified_at": now, "updated_at": now}).Error; err != nil {
			return err
		}
		return s.afterChange(tx, acct, change{kind: emailChanged, newEmail: to.Typed})
	})
}
