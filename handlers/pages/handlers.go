package pages

import (
	"context"

	"github.com/accountd/accountd/gen/server"
)

// The Pages operations: each link page's GET and POST, on its flow.

var (
	webshareEmailChange = emailChangeFlow("changeemail", "webshare")
	paywayEmailChange   = emailChangeFlow("payway-email-change", "payway")
	webshareReset       = resetFlow("resetpassword", "webshare")
	rixlReset           = resetFlow("rixl-reset-password", "rixl")
)

func values(kv ...*string) map[string]string {
	v := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != nil {
			v[*kv[i]] = *kv[i+1]
		}
	}
	return v
}

func name(s string) *string { return &s }

func (p *Pages) PagesShowActivation(ctx context.Context, req server.PagesShowActivationRequestObject) (server.PagesShowActivationResponseObject, error) {
	return p.show(ctx, activationFlow, req.Token)
}

func (p *Pages) PagesSubmitActivation(ctx context.Context, req server.PagesSubmitActivationRequestObject) (server.PagesSubmitActivationResponseObject, error) {
	var tok *string
	if req.Body != nil {
		tok = req.Body.CsrfToken
	}
	return p.submit(ctx, activationFlow, req.Token, tok, nil)
}

func (p *Pages) PagesShowChangeEmail(ctx context.Context, req server.PagesShowChangeEmailRequestObject) (server.PagesShowChangeEmailResponseObject, error) {
	return p.show(ctx, webshareEmailChange, req.Code)
}

func (p *Pages) PagesSubmitChangeEmail(ctx context.Context, req server.PagesSubmitChangeEmailRequestObject) (server.PagesSubmitChangeEmailResponseObject, error) {
	var tok, pw *string
	if b := req.Body; b != nil {
		tok, pw = b.CsrfToken, b.Password
	}
	return p.submit(ctx, webshareEmailChange, req.Code, tok, values(name("password"), pw))
}

func (p *Pages) PagesShowResetPassword(ctx context.Context, req server.PagesShowResetPasswordRequestObject) (server.PagesShowResetPasswordResponseObject, error) {
	return p.show(ctx, webshareReset, req.Token)
}

func (p *Pages) PagesSubmitResetPassword(ctx context.Context, req server.PagesSubmitResetPasswordRequestObject) (server.PagesSubmitResetPasswordResponseObject, error) {
	var tok, pw, again *string
	if b := req.Body; b != nil {
		tok, pw, again = b.CsrfToken, b.NewPassword, b.NewPasswordAgain
	}
	return p.submit(ctx, webshareReset, req.Token, tok, values(name("new_password"), pw, name("new_password_again"), again))
}

func (p *Pages) PagesShowPaywayEmailChange(ctx context.Context, req server.PagesShowPaywayEmailChangeRequestObject) (server.PagesShowPaywayEmailChangeResponseObject, error) {
	return p.show(ctx, paywayEmailChange, req.Params.ConfirmationCode)
}

func (p *Pages) PagesSubmitPaywayEmailChange(ctx context.Context, req server.PagesSubmitPaywayEmailChangeRequestObject) (server.PagesSubmitPaywayEmailChangeResponseObject, error) {
	var tok, pw *string
	if b := req.Body; b != nil {
		tok, pw = b.CsrfToken, b.Password
	}
	return p.submit(ctx, paywayEmailChange, req.Params.ConfirmationCode, tok, values(name("password"), pw))
}

func (p *Pages) PagesShowRixlResetPassword(ctx context.Context, req server.PagesShowRixlResetPasswordRequestObject) (server.PagesShowRixlResetPasswordResponseObject, error) {
	return p.show(ctx, rixlReset, req.Params.Token)
}

func (p *Pages) PagesSubmitRixlResetPassword(ctx context.Context, req server.PagesSubmitRixlResetPasswordRequestObject) (server.PagesSubmitRixlResetPasswordResponseObject, error) {
	var tok, pw, again *string
	if b := req.Body; b != nil {
		tok, pw, again = b.CsrfToken, b.NewPassword, b.NewPasswordAgain
	}
	return p.submit(ctx, rixlReset, req.Params.Token, tok, values(name("new_password"), pw, name("new_password_again"), again))
}

func (p *Pages) PagesShowAkanaEmailChange(ctx context.Context, _ server.PagesShowAkanaEmailChangeRequestObject) (server.PagesShowAkanaEmailChangeResponseObject, error) {
	return p.showCode(ctx, akanaEmailChangeFlow)
}

func (p *Pages) PagesSubmitAkanaEmailChange(ctx context.Context, req server.PagesSubmitAkanaEmailChangeRequestObject) (server.PagesSubmitAkanaEmailChangeResponseObject, error) {
	var tok, code, pw *string
	if b := req.Body; b != nil {
		tok, code, pw = b.CsrfToken, b.Code, b.Password
	}
	return p.submitCode(ctx, akanaEmailChangeFlow, tok, values(name("code"), code, name("password"), pw))
}

func (p *Pages) PagesShowAkanaResetPassword(ctx context.Context, _ server.PagesShowAkanaResetPasswordRequestObject) (server.PagesShowAkanaResetPasswordResponseObject, error) {
	return p.showCode(ctx, akanaResetFlow)
}

func (p *Pages) PagesSubmitAkanaResetPassword(ctx context.Context, req server.PagesSubmitAkanaResetPasswordRequestObject) (server.PagesSubmitAkanaResetPasswordResponseObject, error) {
	var tok, email, code, pw, again *string
	if b := req.Body; b != nil {
		tok, email, code, pw, again = b.CsrfToken, b.Email, b.Code, b.NewPassword, b.NewPasswordAgain
	}
	return p.submitCode(ctx, akanaResetFlow, tok, values(name("email"), email, name("code"), code,
		name("new_password"), pw, name("new_password_again"), again))
}

func (p *Pages) PagesShowUndoEmailChange(ctx context.Context, req server.PagesShowUndoEmailChangeRequestObject) (server.PagesShowUndoEmailChangeResponseObject, error) {
	return p.show(ctx, undoFlow, req.Token)
}

func (p *Pages) PagesSubmitUndoEmailChange(ctx context.Context, req server.PagesSubmitUndoEmailChangeRequestObject) (server.PagesSubmitUndoEmailChangeResponseObject, error) {
	var tok *string
	if req.Body != nil {
		tok = req.Body.CsrfToken
	}
	return p.submit(ctx, undoFlow, req.Token, tok, nil)
}
