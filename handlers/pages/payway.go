package pages

import (
	"context"
	"net/url"
	"unicode/utf8"

	"github.com/accountd/accountd/account"
	"github.com/accountd/accountd/gen/server"
)

// Payway's reset link names the account and the code (and, when the client gave one, where to
// go after): /reset_password?id=...&confirmation_code=...&return_url=.... Its password rule is
// Payway's, that of complete_password_reset: 6 to 1024 characters.

const paywayMinPassword = 6

var paywayReset = func() linkFlow {
	f := resetFlow("payway-reset-password", "payway")
	f.fields = []field{
		{Name: "new_password", Label: "New password", Type: "password", Autocomplete: "new-password", Hint: "At least 6 characters."},
		newPasswordFields[1],
	}
	f.act = func(p *Pages, ctx context.Context, code string, v map[string]string) error {
		if err := samePasswords(v); err != nil {
			return err
		}
		if utf8.RuneCountInString(v["new_password"]) < paywayMinPassword {
			return &formError{msg: "The password must be at least 6 characters."}
		}
		return p.core.ConfirmPasswordResetOfMember(ctx, v["id"], code, v["new_password"], account.ResetOptions{})
	}
	f.next = func(v map[string]string) []link {
		if u, err := url.Parse(v["return_url"]); err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" {
			return []link{{URL: u.String(), Text: "Continue to " + u.Host}}
		}
		return nil
	}
	return f
}()

func (p *Pages) PagesShowPaywayResetPassword(ctx context.Context, req server.PagesShowPaywayResetPasswordRequestObject) (server.PagesShowPaywayResetPasswordResponseObject, error) {
	return p.show(ctx, paywayReset, req.Params.ConfirmationCode)
}

func (p *Pages) PagesSubmitPaywayResetPassword(ctx context.Context, req server.PagesSubmitPaywayResetPasswordRequestObject) (server.PagesSubmitPaywayResetPasswordResponseObject, error) {
	var tok, pw, again *string
	if b := req.Body; b != nil {
		tok, pw, again = b.CsrfToken, b.NewPassword, b.NewPasswordAgain
	}
	return p.submit(ctx, paywayReset, req.Params.ConfirmationCode, tok, values(name("new_password"), pw, name("new_password_again"), again,
		name("id"), &req.Params.Id, name("return_url"), req.Params.ReturnUrl))
}
