package account

import (
	"strings"
	"time"
)

// Mail kinds, also the outbox row's kind. The core says which mail and with what data; the
// words (per vendor and language, text and HTML) are the mail renderer's (mail/templates).
const (
	MailActivation     = "activation"
	MailEmailChange    = "email_change"
	MailEmailChanged   = "email_changed"
	MailPasswordReset  = "password_reset"
	MailPasswordChange = "password_changed"
	MailAccountDeleted = "account_deleted"
	MailEmailAdd       = "email_add"

	// MailEmailChangeRequested tells the current address that a change to another was asked for.
	MailEmailChangeRequested = "email_change_requested"
	// MailEmailAdded tells the primary address that another address was added to the account.
	MailEmailAdded = "email_added"
	// MailSessionsRevoked tells the user that an operator ended every session of the account.
	MailSessionsRevoked = "sessions_revoked"
	// MailEmailChangeUndone tells the address an undo of an email change replaced
	// (UndoEmailChange).
	MailEmailChangeUndone = "email_change_undone"
)

// mailData is what a mail says: the address it is about, the new or added address of a
// notice, and the code (with the vendor's link around it, if any, or the page where a bare
// code is typed) and its lifetime. The email-changed notice to the old address carries the
// undo link and its lifetime.
type mailData struct {
	Email, NewEmail, Code, Link, CodePage string
	TTL                                   time.Duration
}

// codePage is the page a mail of a bare code names for typing it ("" when the code comes in a
// link, or the vendor names no page).
func codePage(d Delivery) string {
	if d.Link != "" {
		return ""
	}
	return d.Page
}

// linkFor puts code into the vendor's link pattern ("" when the vendor mails bare codes).
func linkFor(d Delivery, code string) string {
	if d.Link == "" {
		return ""
	}
	return strings.ReplaceAll(d.Link, "{code}", code)
}
