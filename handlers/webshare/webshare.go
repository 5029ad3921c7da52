// Package webshare implements Webshare's proxy API v2, "Registration and Login": the
// operations tagged Webshare in openapi.yaml (spec/webshare.yaml), its security scheme
// (Authorization: Token <token>), and its error bodies in Django REST Framework's shape and
// wording (render.go, messages.go). Handlers call the account core and return its errors as
// they are; the server renders them through Render with this package's field table.
package webshare

import (
	"context"
	"errors"

	"github.com/accountd/accountd/account"
	"github.com/accountd/accountd/captcha"
	"github.com/accountd/accountd/gen/models"
	"github.com/accountd/accountd/gen/server"
	"github.com/accountd/accountd/handlers/httpapi"
)

// Webshare implements the Webshare operations and is the Webshare vendor.
type Webshare struct {
	core    *account.Service
	captcha captcha.Verifier
	// How codes reach the user: the dashboard-style links of Webshare's mails.
	activation, emailChange, reset account.Delivery
}

// noStore is the Cache-Control of every response that carries a token.
const noStore = "no-store"

// token is what Webshare hands out: a revocable API token that does not expire.
var token = account.CredentialSpec{Kind: account.CredentialAPIToken}

// New builds the Webshare handlers; links in mails start with d.PublicURL.
func New(d httpapi.Deps) *Webshare {
	return &Webshare{core: d.Core, captcha: d.Captcha,
		activation:  account.Delivery{Link: d.Links.Activation},
		emailChange: account.Delivery{Link: d.Links.EmailChange},
		reset:       account.Delivery{Link: d.Links.PasswordReset},
	}
}

// checkCaptcha answers a rejected recaptcha as a field error and a failed check as a 500.
func (w *Webshare) checkCaptcha(ctx context.Context, recaptcha string) error {
	err := w.captcha.Verify(ctx, recaptcha, httpapi.InfoFrom(ctx).ClientIP)
	if errors.Is(err, captcha.ErrRejected) {
		return &account.Error{Kind: account.KindInvalid, Code: account.CodeInvalidCaptcha, Field: "recaptcha"}
	}
	return err
}

func (w *Webshare) WebshareRegister(ctx context.Context, req server.WebshareRegisterRequestObject) (server.WebshareRegisterResponseObject, error) {
	b := req.Body
	if err := w.checkCaptcha(ctx, b.Recaptcha); err != nil {
		return nil, err
	}
	res, err := w.core.Register(ctx, account.RegisterInput{Email: b.Email, Password: b.Password, TOSAccepted: b.TosAccepted,
		MarketingEmailAccepted: b.MarketingEmailAccepted != nil && *b.MarketingEmailAccepted,
		Client:                 httpapi.InfoFrom(ctx).ClientIP, Credential: token, Activation: w.activation,
		LoginExisting: true})
	if err != nil {
		return nil, err
	}
	out := models.WebshareRegistration{Token: res.Token, LoggedInExistingUser: res.ExistingUser}
	if res.ExistingUser {
		return server.WebshareRegister200JSONResponse{Body: out, Headers: server.WebshareRegister200ResponseHeaders{CacheControl: noStore}}, nil
	}
	return server.WebshareRegister201JSONResponse{Body: out, Headers: server.WebshareRegister201ResponseHeaders{CacheControl: noStore}}, nil
}

func (w *Webshare) WebshareLogin(ctx context.Context, req server.WebshareLoginRequestObject) (server.WebshareLoginResponseObject, error) {
	if err := w.checkCaptcha(ctx, req.Body.Recaptcha); err != nil {
		return nil, err
	}
	sess, err := w.core.Login(ctx, req.Body.Email, req.Body.Password, httpapi.InfoFrom(ctx).ClientIP, token)
	if err != nil {
		return nil, err
	}
	return server.WebshareLogin200JSONResponse{Body: models.WebshareTokenResponse{Token: sess.Token},
		Headers: server.WebshareLogin200ResponseHeaders{CacheControl: noStore}}, nil
}

func (w *Webshare) WebshareLogout(ctx context.Context, _ server.WebshareLogoutRequestObject) (server.WebshareLogoutResponseObject, error) {
	p, err := httpapi.PrincipalFrom(ctx)
	if err != nil {
		return nil, err
	}
	if err := w.core.Logout(ctx, p); err != nil {
		return nil, err
	}
	return server.WebshareLogout204Response{}, nil
}

func (w *Webshare) WebshareChangePassword(ctx context.Context, req server.WebshareChangePasswordRequestObject) (server.WebshareChangePasswordResponseObject, error) {
	p, err := httpapi.PrincipalFrom(ctx)
	if err != nil {
		return nil, err
	}
	if err := w.core.ChangePassword(ctx, p, req.Body.Password, req.Body.NewPassword); err != nil {
		return nil, err
	}
	return server.WebshareChangePassword204Response{}, nil
}

func (w *Webshare) WebshareResetPassword(ctx context.Context, req server.WebshareResetPasswordRequestObject) (server.WebshareResetPasswordResponseObject, error) {
	if err := w.checkCaptcha(ctx, req.Body.Recaptcha); err != nil {
		return nil, err
	}
	if err := w.core.RequestPasswordReset(ctx, req.Body.Email, w.reset); err != nil {
		return nil, err
	}
	return server.WebshareResetPassword204Response{}, nil
}

func (w *Webshare) WebshareResetPasswordComplete(ctx context.Context, req server.WebshareResetPasswordCompleteRequestObject) (server.WebshareResetPasswordCompleteResponseObject, error) {
	if err := w.checkCaptcha(ctx, req.Body.Recaptcha); err != nil {
		return nil, err
	}
	sess, err := w.core.CompletePasswordReset(ctx, req.Body.PasswordResetToken, req.Body.Password, token)
	if err != nil {
		return nil, err
	}
	return server.WebshareResetPasswordComplete200JSONResponse{Body: models.WebshareTokenResponse{Token: sess.Token},
		Headers: server.WebshareResetPasswordComplete200ResponseHeaders{CacheControl: noStore}}, nil
}

func (w *Webshare) WebshareChangeEmail(ctx context.Context, req server.WebshareChangeEmailRequestObject) (server.WebshareChangeEmailResponseObject, error) {
	p, err := httpapi.PrincipalFrom(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := w.core.StartEmailChange(ctx, account.EmailChange{UserID: p.UserID, NewEmail: req.Body.NewEmail,
		Password: &req.Body.Password, Delivery: w.emailChange}); err != nil {
		return nil, err
	}
	return server.WebshareChangeEmail204Response{}, nil
}

func (w *Webshare) WebshareChangeEmailComplete(ctx context.Context, req server.WebshareChangeEmailCompleteRequestObject) (server.WebshareChangeEmailCompleteResponseObject, error) {
	p, err := httpapi.PrincipalFrom(ctx)
	if err != nil {
		return nil, err
	}
	if err := w.core.CompleteEmailChange(ctx, p, req.Body.ConfirmationCode); err != nil {
		return nil, err
	}
	return server.WebshareChangeEmailComplete204Response{}, nil
}

func (w *Webshare) WebshareGetActivation(ctx context.Context, _ server.WebshareGetActivationRequestObject) (server.WebshareGetActivationResponseObject, error) {
	p, err := httpapi.PrincipalFrom(ctx)
	if err != nil {
		return nil, err
	}
	a, err := w.core.ActivationStatus(ctx, p)
	if err != nil {
		return nil, err
	}
	return server.WebshareGetActivation200JSONResponse(activationStatus(a)), nil
}

func (w *Webshare) WebshareResendActivation(ctx context.Context, _ server.WebshareResendActivationRequestObject) (server.WebshareResendActivationResponseObject, error) {
	p, err := httpapi.PrincipalFrom(ctx)
	if err != nil {
		return nil, err
	}
	a, err := w.core.ResendActivation(ctx, p, w.activation)
	if err != nil {
		return nil, err
	}
	return server.WebshareResendActivation200JSONResponse(activationStatus(a)), nil
}

func (w *Webshare) WebshareCompleteActivation(ctx context.Context, req server.WebshareCompleteActivationRequestObject) (server.WebshareCompleteActivationResponseObject, error) {
	sess, err := w.core.CompleteActivation(ctx, req.Body.ActivationToken, token)
	if err != nil {
		return nil, err
	}
	return server.WebshareCompleteActivation200JSONResponse{Body: models.WebshareTokenResponse{Token: sess.Token},
		Headers: server.WebshareCompleteActivation200ResponseHeaders{CacheControl: noStore}}, nil
}

func (w *Webshare) WebshareDeleteAccount(ctx context.Context, req server.WebshareDeleteAccountRequestObject) (server.WebshareDeleteAccountResponseObject, error) {
	p, err := httpapi.PrincipalFrom(ctx)
	if err != nil {
		return nil, err
	}
	if err := w.checkCaptcha(ctx, req.Body.Recaptcha); err != nil {
		return nil, err
	}
	if err := w.core.DeleteAccount(ctx, p, req.Body.Password); err != nil {
		return nil, err
	}
	return server.WebshareDeleteAccount204Response{}, nil
}

func activationStatus(a account.Activation) models.WebshareActivationStatus {
	return models.WebshareActivationStatus{EmailIsVerified: a.Verified, LastTimeEmailVerificationEmailSent: a.LastSentAt,
		CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt}
}
