package httpapi

import "strings"

// Links are the URLs accountd's mails carry, "{code}" (and "{user_id}") where the core puts
// the values. They are built here and only here, from ACCOUNTD_PUBLIC_URL: the vendors hand
// them to the core, and handlers/pages serves a page at each path (the spec's Pages
// operations; a test checks that every link below lands on one). A base pointing at another
// host keeps the customer's own pages.
type Links struct {
	// Webshare's dashboard paths.
	Activation, EmailChange, PasswordReset string
	// Payway: the email-change link when the client gave no confirmation_url; the reset link.
	PaywayEmailChange, PaywayPasswordReset string
	// Rixl's reset link.
	RixlPasswordReset string
	// Akana mails bare codes; these pages are where they are typed (no code in the URL).
	AkanaEmailChangeCode, AkanaPasswordResetCode string
	// The link of the notice to the old address after an email change.
	UndoEmailChange string
}

// NewLinks builds every link on base (a trailing slash is dropped).
func NewLinks(base string) Links {
	base = strings.TrimRight(base, "/")
	return Links{
		Activation:             base + "/activation/{code}/confirm/",
		EmailChange:            base + "/changeemail/{code}/confirm/",
		PasswordReset:          base + "/resetpassword/{code}/confirm/",
		PaywayEmailChange:      base + "/email_change/confirm?confirmation_code={code}",
		PaywayPasswordReset:    base + "/reset_password?id={user_id}&confirmation_code={code}",
		RixlPasswordReset:      base + "/auth/reset-password?token={code}",
		AkanaEmailChangeCode:   base + "/enter-code/email-change/",
		AkanaPasswordResetCode: base + "/enter-code/password-reset/",
		UndoEmailChange:        base + "/undo-email-change/{code}/",
	}
}
