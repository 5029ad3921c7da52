package pages

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/accountd/accountd/account"
	"github.com/accountd/accountd/account/password"
)

// linkFlow is one kind of mailed link: what its page says before, the form it shows, what its
// POST does, and what the page says after.
type linkFlow struct {
	name string // binds the form's token to this kind of page
	kind account.LinkKind
	// vendor is whose link it is: the mail and events the form causes are in its voice
	// ("": accountd's own).
	vendor string
	title  string
	// intro says what will happen, from the link's preview.
	intro  func(account.LinkPreview) []string
	fields []field
	button string
	// act does it; the values are the form's, by field name.
	act func(p *Pages, ctx context.Context, code string, values map[string]string) error
	// done says what happened and what next.
	done view
	// again says what to do when the link does not work.
	again string
	// next are links for the result page, from the form's values (nil: none).
	next func(values map[string]string) []link
}

var (
	newPasswordFields = []field{
		{Name: "new_password", Label: "New password", Type: "password", Autocomplete: "new-password",
			Hint: "At least 8 characters, not too common, not mostly numbers, and not like your email address."},
		{Name: "new_password_again", Label: "New password again", Type: "password", Autocomplete: "new-password"},
	}
	currentPasswordField = field{Name: "password", Label: "Your account's password", Type: "password", Autocomplete: "current-password",
		Hint: "The password you sign in with: it proves the change is yours."}
)

var activationFlow = linkFlow{
	name: "activation", kind: account.LinkActivation, vendor: "webshare", title: "Confirm your email address",
	intro: func(l account.LinkPreview) []string {
		return []string{fmt.Sprintf("Confirm that %s is the email address of your account.", l.Target)}
	},
	button: "Confirm my address",
	act: func(p *Pages, ctx context.Context, code string, _ map[string]string) error {
		return p.core.ConfirmActivation(ctx, code)
	},
	done:  view{Title: "Your address is confirmed", Lines: []string{"Thank you: your email address is confirmed. You can close this page and sign in."}},
	again: "Sign in and ask for a new confirmation mail, or, if you confirmed it already, just sign in.",
}

func emailChangeFlow(name, vendor string) linkFlow {
	return linkFlow{
		name: name, kind: account.LinkEmailChange, vendor: vendor, title: "Confirm your new email address",
		intro: func(l account.LinkPreview) []string {
			return []string{fmt.Sprintf("Change the email address of the account %s to %s.", l.Account, l.Target),
				"Enter the account's password to confirm the change."}
		},
		fields: []field{currentPasswordField}, button: "Change my address",
		act: func(p *Pages, ctx context.Context, code string, v map[string]string) error {
			if v["password"] == "" {
				return fieldMissing
			}
			return p.core.ConfirmEmailChangeWithPassword(ctx, code, v["password"])
		},
		done: view{Title: "Your address is changed", Lines: []string{
			"The account's email address is now the new one: sign in with it from now on.",
			"The old address was told, with a link to undo the change."}},
		again: "Ask for the change again in your account to get a new link.",
	}
}

func resetFlow(name, vendor string) linkFlow {
	return linkFlow{
		name: name, kind: account.LinkPasswordReset, vendor: vendor, title: "Choose a new password",
		intro: func(l account.LinkPreview) []string {
			return []string{fmt.Sprintf("Choose a new password for the account %s.", l.Account)}
		},
		fields: newPasswordFields, button: "Set my new password",
		act: func(p *Pages, ctx context.Context, code string, v map[string]string) error {
			if err := samePasswords(v); err != nil {
				return err
			}
			return p.core.ConfirmPasswordReset(ctx, code, v["new_password"])
		},
		done:  resetDone,
		again: "Ask for a new password reset: only the newest link works, and each works once.",
	}
}

var resetDone = view{Title: "Your password is changed", Lines: []string{
	"Sign in with your new password. Every session of the account was signed out."}}

var undoFlow = linkFlow{
	name: "undo-email-change", kind: account.LinkUndoEmailChange, title: "Undo the change of your email address",
	intro: func(l account.LinkPreview) []string {
		return []string{fmt.Sprintf("Make %s the account's email address again, in place of %s.", l.Target, l.Account),
			"Every session and API token of the account ends, and we mail a link to choose a new password to " + l.Target + "."}
	},
	button: "Undo the change",
	act: func(p *Pages, ctx context.Context, code string, _ map[string]string) error {
		return p.core.UndoEmailChange(ctx, code, p.reset)
	},
	done: view{Title: "The change is undone", Lines: []string{
		"Your old email address is the account's address again, and everyone was signed out.",
		"We mailed you a link to choose a new password: do that now, before you sign in."}},
	again: "If your address was changed without you and this link no longer works, ask for a password reset or contact support.",
}

// fieldMissing and passwordsDiffer are the form mistakes the page itself finds.
var (
	fieldMissing    = &formError{msg: "Please fill in every field."}
	passwordsDiffer = &formError{msg: "The two password fields didn’t match."}
)

type formError struct{ msg string }

func (e *formError) Error() string { return e.msg }

func samePasswords(v map[string]string) error {
	if v["new_password"] == "" || v["new_password_again"] == "" {
		return fieldMissing
	}
	if v["new_password"] != v["new_password_again"] {
		return passwordsDiffer
	}
	return nil
}

// show answers GET of a link page: what the link will do, and the form. Nothing changes.
func (p *Pages) show(ctx context.Context, f linkFlow, code string) (page, error) {
	return p.render(ctx, f, code, http.StatusOK, "", nil)
}

// render shows the link's page with status and an error to correct; a dead link gets its page.
func (p *Pages) render(ctx context.Context, f linkFlow, code string, status int, msg string, problems []string) (page, error) {
	preview, err := p.core.PreviewLink(ctx, f.kind, code)
	if err != nil {
		if _, handled := outcome(err); !handled {
			return page{}, err
		}
		return deadLink(f), nil
	}
	r := requestFrom(ctx)
	nonce := r.nonce
	if nonce == "" {
		nonce = newNonce()
	}
	v := view{Title: f.title, Lines: f.intro(preview), Error: msg, Problems: problems,
		Form: &form{Token: p.token(f.name, code, nonce), Fields: markInvalid(f.fields, msg != ""), Button: f.button}}
	return page{status: status, cookie: formCookie(r, nonce), body: v.html()}, nil
}

// submit answers the POST of a link page's form.
func (p *Pages) submit(ctx context.Context, f linkFlow, code string, token *string, values map[string]string) (page, error) {
	ctx = account.WithVendor(ctx, f.vendor)
	if !p.formOK(requestFrom(ctx), f.name, code, token) {
		return p.render(ctx, f, code, http.StatusForbidden, "This form expired or did not come from this page. Please try again.", nil)
	}
	err := f.act(p, ctx, code, values)
	if err == nil {
		v := f.done
		v.Done = true
		if f.next != nil {
			v.Links = f.next(values)
		}
		return page{status: http.StatusOK, body: v.html()}, nil
	}
	if fe, ok := err.(*formError); ok {
		return p.render(ctx, f, code, http.StatusBadRequest, fe.msg, nil)
	}
	ce, handled := outcome(err)
	if !handled {
		return page{}, err
	}
	switch {
	case ce.Code == account.CodeInvalidCode, ce.Kind == account.KindNotFound:
		return deadLink(f), nil
	case ce.Kind == account.KindRateLimited:
		return tooMany(ce.RetryAfter), nil
	case ce.Code == account.CodeEmailTaken:
		return page{status: http.StatusBadRequest, body: view{Title: "That address is taken", Lines: []string{
			"Another account uses that email address now, so nothing was changed. Contact support if it should be yours."}}.html()}, nil
	}
	msg, problems := coreMessage(ce)
	return p.render(ctx, f, code, http.StatusBadRequest, msg, problems)
}

// coreMessage words a core refusal of the form, with the API's messages for password rules.
func coreMessage(e *account.Error) (string, []string) {
	switch e.Code {
	case account.CodeWeakPassword:
		msgs := make([]string, 0, len(e.Reasons))
		for _, r := range e.Reasons {
			msgs = append(msgs, password.ParseProblem(r).Message())
		}
		return "Please choose another password:", msgs
	case account.CodeWrongPassword:
		return "That password is not correct.", nil
	case account.CodeEmailTaken:
		return "Another account uses that email address now, so nothing was changed. Contact support if it should be yours.", nil
	case account.CodeInvalidEmail:
		return "Enter a valid email address.", nil
	case account.CodeAccountDeleted, account.CodeAccountSuspended:
		return "This account cannot be changed. Contact support.", nil
	}
	return "That did not work. Check what you entered and try again.", nil
}

func markInvalid(fields []field, invalid bool) []field {
	out := make([]field, len(fields))
	for i, f := range fields {
		f.Invalid = invalid
		out[i] = f
	}
	return out
}

// deadLink is the page of a used, expired, superseded or unknown link: no more than the API says.
func deadLink(f linkFlow) page {
	return page{status: http.StatusNotFound, body: view{Title: "This link no longer works", Lines: []string{
		"The link was used already, has expired, was replaced by a newer one, or is incomplete. Nothing was changed.",
		f.again}}.html()}
}

func tooMany(wait time.Duration) page {
	minutes := int((wait + time.Minute - 1) / time.Minute)
	return page{status: http.StatusTooManyRequests, retryAfter: wait, body: view{Title: "Too many attempts", Lines: []string{
		fmt.Sprintf("There were too many wrong passwords for this account. Nothing was changed; try again in %d minute%s.", minutes, plural(minutes))}}.html()}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
