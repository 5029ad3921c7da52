package pages

import (
	"context"
	"net/http"

	"github.com/accountd/accountd/account"
)

// codeFlow is a page where a mailed code is typed (Akana's mails carry a bare code and a link
// to this page; the link holds no code, so a scanner opening it learns and changes nothing).
type codeFlow struct {
	name, title string
	vendor      string // whose mails name this page (linkFlow.vendor)
	intro       []string
	fields      []field
	button      string
	act         func(p *Pages, ctx context.Context, v map[string]string) error
	done        view
}

var codeField = field{Name: "code", Label: "Code from the mail", Type: "text", Autocomplete: "one-time-code",
	Hint: "Copy it from the mail exactly as it is."}

var akanaEmailChangeFlow = codeFlow{
	name: "enter-code-email-change", vendor: "akana", title: "Confirm your new email address",
	intro:  []string{"Enter the code we mailed to your new address, and your account's password to confirm the change."},
	fields: []field{codeField, currentPasswordField}, button: "Change my address",
	act: func(p *Pages, ctx context.Context, v map[string]string) error {
		if v["code"] == "" || v["password"] == "" {
			return fieldMissing
		}
		return p.core.ConfirmEmailChangeWithPassword(ctx, v["code"], v["password"])
	},
	done: emailChangeFlow("", "").done,
}

var akanaResetFlow = codeFlow{
	name: "enter-code-password-reset", vendor: "akana", title: "Choose a new password",
	intro: []string{"Enter your email address, the code we mailed to it, and your new password twice."},
	fields: append([]field{{Name: "email", Label: "Email address", Type: "email", Autocomplete: "email"}, codeField},
		newPasswordFields...),
	button: "Set my new password",
	act: func(p *Pages, ctx context.Context, v map[string]string) error {
		if v["email"] == "" || v["code"] == "" {
			return fieldMissing
		}
		if err := samePasswords(v); err != nil {
			return err
		}
		return p.core.ConfirmPasswordResetFor(ctx, v["email"], v["code"], v["new_password"])
	},
	done: resetDone,
}

// showCode answers GET of a code page: the empty form.
func (p *Pages) showCode(ctx context.Context, f codeFlow) (page, error) {
	return p.renderCode(ctx, f, http.StatusOK, "", nil, nil), nil
}

// renderCode shows the form again with what to correct, keeping what is safe to keep (the
// address; never the code or a password).
func (p *Pages) renderCode(ctx context.Context, f codeFlow, status int, msg string, problems []string, v map[string]string) page {
	r := requestFrom(ctx)
	nonce := r.nonce
	if nonce == "" {
		nonce = newNonce()
	}
	fields := markInvalid(f.fields, msg != "")
	for i := range fields {
		if fields[i].Name == "email" {
			fields[i].Value = v["email"]
		}
	}
	view := view{Title: f.title, Lines: f.intro, Error: msg, Problems: problems,
		Form: &form{Token: p.token(f.name, "", nonce), Fields: fields, Button: f.button}}
	return page{status: status, cookie: formCookie(r, nonce), body: view.html()}
}

// submitCode answers the POST of a code page.
func (p *Pages) submitCode(ctx context.Context, f codeFlow, token *string, v map[string]string) (page, error) {
	ctx = account.WithVendor(ctx, f.vendor)
	if !p.formOK(requestFrom(ctx), f.name, "", token) {
		return p.renderCode(ctx, f, http.StatusForbidden, "This form expired or did not come from this page. Please try again.", nil, v), nil
	}
	err := f.act(p, ctx, v)
	if err == nil {
		done := f.done
		done.Done = true
		return page{status: http.StatusOK, body: done.html()}, nil
	}
	if fe, ok := err.(*formError); ok {
		return p.renderCode(ctx, f, http.StatusBadRequest, fe.msg, nil, v), nil
	}
	ce, handled := outcome(err)
	if !handled {
		return page{}, err
	}
	msg, problems := coreMessage(ce)
	switch {
	case ce.Kind == account.KindRateLimited:
		return tooMany(ce.RetryAfter), nil
	case ce.Code == account.CodeInvalidCode:
		msg = "That code does not work: it may be mistyped, used, expired or replaced by a newer one. Check the newest mail, or ask for a new code."
	}
	return p.renderCode(ctx, f, http.StatusBadRequest, msg, problems, v), nil
}
