package handlers

import (
	"context"
	"errors"

	"github.com/accountd/accountd/account"
	"github.com/accountd/accountd/captcha"
	dbmodels "github.com/accountd/accountd/models"

	"github.com/accountd/accountd/gen/models"
	"github.com/accountd/accountd/gen/server"
)

// Webshare implements the Webshare "Registration and Login" operations (proxy API v2).
type Webshare struct {
	core    *account.Service
	captcha captcha.Verifier
	// How codes reach the user: the dashboard-style links of Webshare's mails.
	activation, emailChange, reset account.Delivery
}

// noStore is the Cache-Control of every response that carries a token.
const noStore = "no-store"

// webshareToken is what Webshare hands out: a revocable API token that does not expire.
var webshareToken = account.CredentialSpec{Kind: dbmodels.CredentialAPIToken}

func newWebshare(core *account.Service, c captcha.Verifier, publicURL string) *Webshare {
	return &Webshare{core: core, captcha: c,
		activation:  account.Delivery{Link: publicURL + "/activation/{code}/confirm/"},
		emailChange: account.Delivery{Link: publicURL + "/changeemail/{code}/confirm/"},
		reset:       account.Delivery{Link: publicURL + "/resetpassword/{code}/confirm/"},
	}
}

// checkCaptcha answers a rejected recaptcha as a field error and a failed check as a 500.
func (w *Webshare) checkCaptcha(ctx context.Context, token string) error {
	err := w.captcha.Verify(ctx, token, infoFrom(ctx).remoteIP)
	if errors.Is(err, captcha.ErrRejected) {
		return webshareFieldErrors(map[string][]string{"recaptcha": {"Invalid recaptcha. Please try again."}})
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
		Client:                 infoFrom(ctx).remoteIP, Credential: webshareToken, Activation: w.activation})
	if err != nil {
		return nil, webshareFail(err)
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
	sess, err := w.core.Login(ctx, req.Body.Email, req.Body.Password, infoFrom(ctx).remoteIP, webshareToken)
	if err != nil {
		return nil, webshareFail(err)
	}
	return server.WebshareLogin200JSONResponse{Body: models.WebshareTokenResponse{Token: sess.Token},
		Headers: server.WebshareLogin200ResponseHeaders{CacheControl: noStore}}, nil
}

func (w *Webshare) WebshareLogout(ctx context.Context, _ server.WebshareLogoutRequestObject) (server.WebshareLogoutResponseObject, error) {
	p, err := principalFrom(ctx)
	if err != nil {
		return nil, err
	}
	if err := w.core.Logout(ctx, p); err != nil {
		return nil, webshareFail(err)
	}
	return server.WebshareLogout204Response{}, nil
}

func (w *Webshare) WebshareChangePassword(ctx context.Context, req server.WebshareChangePasswordRequestObject) (server.WebshareChangePasswordResponseObject, error) {
	p, err := principalFrom(ctx)
	if err != nil {
		return nil, err
	}
	if err := w.core.ChangePassword(ctx, p, req.Body.Password, req.Body.NewPassword); err != nil {
		return nil, webshareFail(err)
	}
	return server.WebshareChangePassword204Response{}, nil
}

func (w *Webshare) WebshareResetPassword(ctx context.Context, req server.WebshareResetPasswordRequestObject) (server.WebshareResetPasswordResponseObject, error) {
	if err := w.checkCaptcha(ctx, req.Body.Recaptcha); err != nil {
		return nil, err
	}
	if err := w.core.RequestPasswordReset(ctx, req.Body.Email, w.reset); err != nil {
		return nil, webshareFail(err)
	}
	return server.WebshareResetPassword204Response{}, nil
}

func (w *Webshare) WebshareResetPasswordComplete(ctx context.Context, req server.WebshareResetPasswordCompleteRequestObject) (server.WebshareResetPasswordCompleteResponseObject, error) {
	if err := w.checkCaptcha(ctx, req.Body.Recaptcha); err != nil {
		return nil, err
	}
	sess, err := w.core.CompletePasswordReset(ctx, req.Body.PasswordResetToken, req.Body.Password, webshareToken)
	if err != nil {
		return nil, webshareFail(err, account.FieldCode, "password_reset_token")
	}
	return server.WebshareResetPasswordComplete200JSONResponse{Body: models.WebshareTokenResponse{Token: sess.Token},
		Headers: server.WebshareResetPasswordComplete200ResponseHeaders{CacheControl: noStore}}, nil
}

func (w *Webshare) WebshareChangeEmail(ctx context.Context, req server.WebshareChangeEmailRequestObject) (server.WebshareChangeEmailResponseObject, error) {
	p, err := principalFrom(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := w.core.RequestEmailChange(ctx, p, req.Body.Password, req.Body.NewEmail, w.emailChange); err != nil {
		return nil, webshareFail(err, account.FieldEmail, "new_email")
	}
	return server.WebshareChangeEmail204Response{}, nil
}

func (w *Webshare) WebshareChangeEmailComplete(ctx context.Context, req server.WebshareChangeEmailCompleteRequestObject) (server.WebshareChangeEmailCompleteResponseObject, error) {
	p, err := principalFrom(ctx)
	if err != nil {
		return nil, err
	}
	if err := w.core.CompleteEmailChange(ctx, p, req.Body.ConfirmationCode); err != nil {
		// The new address is not a field of this request: a lost race for it is a non-field error.
		return nil, webshareFail(err, account.FieldCode, "confirmation_code", account.FieldEmail, "")
	}
	return server.WebshareChangeEmailComplete204Response{}, nil
}

func (w *Webshare) WebshareGetActivation(ctx context.Context, _ server.WebshareGetActivationRequestObject) (server.WebshareGetActivationResponseObject, error) {
	p, err := principalFrom(ctx)
	if err != nil {
		return nil, err
	}
	a, err := w.core.ActivationStatus(ctx, p)
	if err != nil {
		return nil, webshareFail(err)
	}
	return server.WebshareGetActivation200JSONResponse(webshareActivation(a)), nil
}

func (w *Webshare) WebshareResendActivation(ctx context.Context, _ server.WebshareResendActivationRequestObject) (server.WebshareResendActivationResponseObject, error) {
	p, err := principalFrom(ctx)
	if err != nil {
		return nil, err
	}
	a, err := w.core.ResendActivation(ctx, p, w.activation)
	if err != nil {
		return nil, webshareFail(err)
	}
	return server.WebshareResendActivation200JSONResponse(webshareActivation(a)), nil
}

func (w *Webshare) WebshareCompleteActivation(ctx context.Context, req server.WebshareCompleteActivationRequestObject) (server.WebshareCompleteActivationResponseObject, error) {
	sess, err := w.core.CompleteActivation(ctx, req.Body.ActivationToken, webshareToken)
	if err != nil {
		return nil, webshareFail(err, account.FieldCode, "activation_token")
	}
	return server.WebshareCompleteActivation200JSONResponse{Body: models.WebshareTokenResponse{Token: sess.Token},
		Headers: server.WebshareCompleteActivation200ResponseHeaders{CacheControl: noStore}}, nil
}

func (w *Webshare) WebshareDeleteAccount(ctx context.Context, req server.WebshareDeleteAccountRequestObject) (server.WebshareDeleteAccountResponseObject, error) {
	p, err := principalFrom(ctx)
	if err != nil {
		return nil, err
	}
	if err := w.checkCaptcha(ctx, req.Body.Recaptcha); err != nil {
		return nil, err
	}
	if err := w.core.DeleteAccount(ctx, p, req.Body.Password); err != nil {
		return nil, webshareFail(err)
	}
	return server.WebshareDeleteAccount204Response{}, nil
}

func webshareActivation(a account.Activation) models.WebshareActivationStatus {
	return models.WebshareActivationStatus{EmailIsVerified: a.Verified, LastTimeEmailVerificationEmailSent: a.LastSentAt,
		CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt}
}
