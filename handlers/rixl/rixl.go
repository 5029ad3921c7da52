// Package rixl implements Rixl's auth API v1: the operations tagged Rixl in openapi.yaml
// (spec/rixl.yaml), its security scheme (Authorization: Bearer <access_token>, an access token
// of a session with rotating refresh tokens), and its error body {"code", "details", "error"}
// (render.go, messages.go). Handlers call the account core and return its errors as they are;
// the server renders them through Render with this package's field table.
package rixl

import (
	"context"
	"errors"
	"time"

	"github.com/accountd/accountd/account"
	"github.com/accountd/accountd/gen/models"
	"github.com/accountd/accountd/gen/server"
	"github.com/accountd/accountd/handlers/httpapi"
)

// Rixl implements the Rixl operations and is the Rixl vendor: Bearer access tokens of sessions
// with rotating refresh tokens, and 6-digit codes confirmed by verification id.
type Rixl struct {
	core  *account.Service
	reset account.Delivery
}

// Rixl's tokens: a 15-minute access token and a refresh token that rotates on every use.
const (
	rixlAccessTTL  = 15 * time.Minute
	rixlRefreshTTL = 30 * 24 * time.Hour
)

var session = account.SessionSpec{Audience: sessionAudience, Lifetimes: account.TokenLifetimes{Access: rixlAccessTTL, Refresh: rixlRefreshTTL}}

// New builds the Rixl handlers; the reset link in mails starts with d.PublicURL.
func New(d httpapi.Deps) *Rixl {
	return &Rixl{core: d.Core, reset: account.Delivery{Link: d.Links.RixlPasswordReset}}
}

var noStore = "no-store"

// tokens is Rixl's token object; expires_in counts from the core's clock.
func tokens(t account.SessionTokens, requiresAction bool, now time.Time) models.RixlTokens {
	expiresIn := int(t.AccessExpiresAt.Sub(now).Round(time.Second).Seconds())
	return models.RixlTokens{AccessToken: t.AccessToken, RefreshToken: t.RefreshToken, ExpiresIn: expiresIn,
		RequiresAction: requiresAction, TokenType: models.RixlTokensTokenTypeBearer}
}

// ticket is Rixl's VerificationSentResponse.
func ticket(t account.EmailChangeTicket) models.RixlVerificationSentResponse {
	// Whole seconds, rounded up: a client that waits until can_resend_at is never refused.
	at := t.CanResendAt.UTC()
	if whole := at.Truncate(time.Second); whole.Before(at) {
		at = whole.Add(time.Second)
	}
	return models.RixlVerificationSentResponse{CanResendAt: at, CodeSent: true,
		Message: msgCodeSent, VerificationId: t.ID}
}

func (x *Rixl) RixlRegister(ctx context.Context, req server.RixlRegisterRequestObject) (server.RixlRegisterResponseObject, error) {
	res, err := x.core.Register(ctx, account.RegisterInput{Email: req.Body.Email, Password: req.Body.Password,
		TOSAccepted:  true, // Rixl's sign-up has no terms field
		NoCredential: true, Client: httpapi.InfoFrom(ctx).ClientIP,
		Activation: account.Delivery{Digits: account.VerificationCodeDigits}})
	if err != nil {
		return nil, err
	}
	return server.RixlRegister201JSONResponse(ticket(res.Activation)), nil
}

func (x *Rixl) RixlLoginWithPassword(ctx context.Context, req server.RixlLoginWithPasswordRequestObject) (server.RixlLoginWithPasswordResponseObject, error) {
	t, err := x.core.LoginSession(ctx, req.Body.Email, req.Body.Password, httpapi.InfoFrom(ctx).ClientIP, session)
	if err != nil {
		return nil, err
	}
	st, err := x.core.GetEmailStatus(ctx, account.Principal{UserID: t.UserID})
	if err != nil {
		return nil, err
	}
	status := models.RixlLoginResponseStatusOk
	if !st.Verified {
		status = models.RixlLoginResponseStatusEmailNotVerified
	}
	return server.RixlLoginWithPassword200JSONResponse{Headers: server.RixlLoginWithPassword200ResponseHeaders{CacheControl: noStore},
		Body: models.RixlLoginResponse{Email: st.Email, SessionId: t.SessionID, Status: status,
			Tokens: tokens(t, !st.Verified, x.core.Now())}}, nil
}

func (x *Rixl) RixlRefreshToken(ctx context.Context, req server.RixlRefreshTokenRequestObject) (server.RixlRefreshTokenResponseObject, error) {
	t, err := x.core.RefreshSession(ctx, req.Body.RefreshToken, account.RefreshSpec{Audience: sessionAudience, Lifetimes: session.Lifetimes})
	if err != nil {
		return nil, err
	}
	st, err := x.core.GetEmailStatus(ctx, account.Principal{UserID: t.UserID})
	if err != nil {
		return nil, err
	}
	return server.RixlRefreshToken200JSONResponse{Headers: server.RixlRefreshToken200ResponseHeaders{CacheControl: noStore},
		Body: tokens(t, !st.Verified, x.core.Now())}, nil
}

func (x *Rixl) RixlLogout(ctx context.Context, _ server.RixlLogoutRequestObject) (server.RixlLogoutResponseObject, error) {
	sessionID, _ := httpapi.InfoFrom(ctx).Extra.(string) // set by the RixlBearer scheme
	if sessionID == "" {
		return nil, errors.New("rixl: no session id on an authenticated logout")
	}
	if err := x.core.EndSession(ctx, sessionID); err != nil {
		return nil, err
	}
	return server.RixlLogout204Response{}, nil
}

func (x *Rixl) RixlChangeEmail(ctx context.Context, req server.RixlChangeEmailRequestObject) (server.RixlChangeEmailResponseObject, error) {
	p, err := httpapi.PrincipalFrom(ctx)
	if err != nil {
		return nil, err
	}
	t, err := x.core.StartEmailChange(ctx, p, req.Body.NewEmail)
	if err != nil {
		return nil, err
	}
	return server.RixlChangeEmail200JSONResponse{RixlVerificationSentJSONResponse: server.RixlVerificationSentJSONResponse(ticket(t))}, nil
}

func (x *Rixl) RixlAddEmail(ctx context.Context, req server.RixlAddEmailRequestObject) (server.RixlAddEmailResponseObject, error) {
	p, err := httpapi.PrincipalFrom(ctx)
	if err != nil {
		return nil, err
	}
	t, err := x.core.StartAddEmail(ctx, p, req.Body.Email)
	if err != nil {
		return nil, err
	}
	return server.RixlAddEmail200JSONResponse{RixlVerificationSentJSONResponse: server.RixlVerificationSentJSONResponse(ticket(t))}, nil
}

func (x *Rixl) RixlGetEmailStatus(ctx context.Context, _ server.RixlGetEmailStatusRequestObject) (server.RixlGetEmailStatusResponseObject, error) {
	p, err := httpapi.PrincipalFrom(ctx)
	if err != nil {
		return nil, err
	}
	st, err := x.core.GetEmailStatus(ctx, p)
	if err != nil {
		return nil, err
	}
	return server.RixlGetEmailStatus200JSONResponse{Email: st.Email, HasEmail: st.HasEmail, Verified: st.Verified}, nil
}

func (x *Rixl) RixlVerifyEmailCode(ctx context.Context, req server.RixlVerifyEmailCodeRequestObject) (server.RixlVerifyEmailCodeResponseObject, error) {
	v, err := x.core.VerifyEmail(ctx, req.Body.VerificationId, req.Body.Code, &session)
	if err != nil {
		return nil, err
	}
	body := models.RixlVerifyEmailResponse{Email: v.Email, Message: msgVerified, Verified: true}
	if v.Session != nil {
		t := tokens(*v.Session, false, x.core.Now())
		body.Tokens = &t
	}
	return server.RixlVerifyEmailCode200JSONResponse{Headers: server.RixlVerifyEmailCode200ResponseHeaders{CacheControl: noStore}, Body: body}, nil
}

func (x *Rixl) RixlResendVerificationCode(ctx context.Context, req server.RixlResendVerificationCodeRequestObject) (server.RixlResendVerificationCodeResponseObject, error) {
	if err := x.core.ResendVerification(ctx, req.Body.Email); err != nil {
		return nil, err
	}
	return server.RixlResendVerificationCode200JSONResponse{Message: msgResent}, nil
}

func (x *Rixl) RixlRequestPasswordReset(ctx context.Context, req server.RixlRequestPasswordResetRequestObject) (server.RixlRequestPasswordResetResponseObject, error) {
	if err := x.core.RequestPasswordReset(ctx, req.Body.Email, x.reset); err != nil {
		return nil, err
	}
	return server.RixlRequestPasswordReset204Response{}, nil
}

func (x *Rixl) RixlConfirmPasswordReset(ctx context.Context, req server.RixlConfirmPasswordResetRequestObject) (server.RixlConfirmPasswordResetResponseObject, error) {
	if err := x.core.ConfirmPasswordReset(ctx, req.Body.Token, req.Body.NewPassword); err != nil {
		return nil, err
	}
	return server.RixlConfirmPasswordReset204Response{}, nil
}

func (x *Rixl) RixlLeaveOrganization(ctx context.Context, req server.RixlLeaveOrganizationRequestObject) (server.RixlLeaveOrganizationResponseObject, error) {
	p, err := httpapi.PrincipalFrom(ctx)
	if err != nil {
		return nil, err
	}
	if err := x.core.LeaveOrganization(ctx, p, req.OrgId); err != nil {
		return nil, err
	}
	return server.RixlLeaveOrganization204Response{}, nil
}
