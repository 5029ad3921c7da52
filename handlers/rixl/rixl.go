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

// done is Rixl's google.protobuf.Empty: `{}` (a nil map would be `null`).
func done() models.RixlEmpty { return models.RixlEmpty{} }

// requiresAction is the step a session's user still has to take: verify the address, or none.
func requiresAction(verified bool) models.RixlRequiresAction {
	if verified {
		return models.RixlRequiresActionEmpty
	}
	return models.RixlRequiresActionVerifyEmail
}

// tokens is Rixl's TokenResponse; expires_in counts from the core's clock.
func tokens(t account.SessionTokens, verified bool, now time.Time) models.RixlTokenResponse {
	return models.RixlTokenResponse{AccessToken: t.AccessToken, RefreshToken: t.RefreshToken, ExpiresIn: expiresIn(t, now),
		RequiresAction: requiresAction(verified), TokenType: models.RixlTokenTypeBearer}
}

func expiresIn(t account.SessionTokens, now time.Time) int64 {
	return int64(t.AccessExpiresAt.Sub(now).Round(time.Second).Seconds())
}

// ticket is Rixl's VerificationSentResponse.
func ticket(t account.EmailChangeTicket) models.RixlVerificationSentResponse {
	return models.RixlVerificationSentResponse{CanResendAt: wholeSecondUp(t.CanResendAt), CodeSent: true,
		Message: msgCodeSent, VerificationId: t.ID}
}

// wholeSecondUp rounds up to whole seconds in UTC: a client that waits until can_resend_at is
// never refused.
func wholeSecondUp(at time.Time) time.Time {
	at = at.UTC()
	if whole := at.Truncate(time.Second); whole.Before(at) {
		return whole.Add(time.Second)
	}
	return at
}

// self is the caller, when userID (Rixl's optional user_id) names nobody else.
func self(ctx context.Context, userID *string) (account.Principal, error) {
	p, err := httpapi.PrincipalFrom(ctx)
	if err != nil {
		return p, err
	}
	if userID != nil {
		return p, account.RequireSelf(p, *userID)
	}
	return p, nil
}

func (x *Rixl) RixlEmailServiceRegister(ctx context.Context, req server.RixlEmailServiceRegisterRequestObject) (server.RixlEmailServiceRegisterResponseObject, error) {
	res, err := x.core.Register(ctx, account.RegisterInput{Email: req.Body.Email, Password: req.Body.Password,
		TOSAccepted:            true, // Rixl's sign-up has no terms field
		MarketingEmailAccepted: req.Body.SubscribeToBlog != nil && *req.Body.SubscribeToBlog,
		NoCredential:           true, Client: httpapi.InfoFrom(ctx).ClientIP,
		Activation: account.Delivery{Digits: account.VerificationCodeDigits}})
	if err != nil {
		return nil, err
	}
	return server.RixlEmailServiceRegister200JSONResponse{Message: msgCodeSent, UserId: res.UserID, EmailVerificationSent: true,
		VerificationId: res.Activation.ID}, nil
}

func (x *Rixl) RixlEmailServiceLogin(ctx context.Context, req server.RixlEmailServiceLoginRequestObject) (server.RixlEmailServiceLoginResponseObject, error) {
	t, err := x.core.LoginSession(ctx, req.Body.Email, req.Body.Password, httpapi.InfoFrom(ctx).ClientIP, session)
	if err != nil {
		return nil, err
	}
	status := models.RixlLoginResponseStatusOk
	if !t.EmailVerified {
		status = models.RixlLoginResponseStatusEmailNotVerified
	}
	return server.RixlEmailServiceLogin200JSONResponse{Headers: server.RixlEmailServiceLogin200ResponseHeaders{CacheControl: noStore},
		Body: models.RixlLoginResponse{Status: status, SessionId: t.SessionID, Email: t.Email,
			AccessToken: t.AccessToken, RefreshToken: t.RefreshToken, ExpiresIn: expiresIn(t, x.core.Now()),
			TokenType: models.RixlTokenTypeBearer, RequiresAction: requiresAction(t.EmailVerified)}}, nil
}

func (x *Rixl) RixlTokenServiceRefreshToken(ctx context.Context, req server.RixlTokenServiceRefreshTokenRequestObject) (server.RixlTokenServiceRefreshTokenResponseObject, error) {
	t, err := x.core.RefreshSession(ctx, req.Body.RefreshToken, account.RefreshSpec{Audience: sessionAudience, Lifetimes: session.Lifetimes})
	if err != nil {
		return nil, err
	}
	st, err := x.core.GetEmailStatus(ctx, account.Principal{UserID: t.UserID})
	if err != nil {
		return nil, err
	}
	return server.RixlTokenServiceRefreshToken200JSONResponse{Headers: server.RixlTokenServiceRefreshToken200ResponseHeaders{CacheControl: noStore},
		Body: tokens(t, st.Verified, x.core.Now())}, nil
}

// RixlLogout ends the session named by the body's token, or else the bearer token's own.
func (x *Rixl) RixlTokenServiceLogout(ctx context.Context, req server.RixlTokenServiceLogoutRequestObject) (server.RixlTokenServiceLogoutResponseObject, error) {
	if req.Body.Token != nil && *req.Body.Token != "" {
		p, err := httpapi.PrincipalFrom(ctx)
		if err != nil {
			return nil, err
		}
		if err := x.core.EndOwnSession(ctx, p, sessionAudience, *req.Body.Token); err != nil {
			return nil, err
		}
		return server.RixlTokenServiceLogout200JSONResponse(done()), nil
	}
	sessionID, _ := httpapi.InfoFrom(ctx).Extra.(string) // set by the RixlBearer scheme
	if sessionID == "" {
		return nil, errors.New("rixl: no session id on an authenticated logout")
	}
	if err := x.core.EndSession(ctx, sessionID); err != nil {
		return nil, err
	}
	return server.RixlTokenServiceLogout200JSONResponse(done()), nil
}

// current is the caller (when userID names nobody else) and its primary address.
func (x *Rixl) current(ctx context.Context, userID *string) (account.Principal, account.EmailStatus, error) {
	p, err := self(ctx, userID)
	if err != nil {
		return p, account.EmailStatus{}, err
	}
	st, err := x.core.GetEmailStatus(ctx, p)
	return p, st, err
}

func (x *Rixl) RixlUserServiceGetUser(ctx context.Context, req server.RixlUserServiceGetUserRequestObject) (server.RixlUserServiceGetUserResponseObject, error) {
	p, st, err := x.current(ctx, req.Params.UserId)
	if err != nil {
		return nil, err
	}
	return server.RixlUserServiceGetUser200JSONResponse{UserId: p.UserID, Email: st.Email, EmailVerified: st.Verified}, nil
}

func (x *Rixl) RixlUserServiceGetUserInfo(ctx context.Context, req server.RixlUserServiceGetUserInfoRequestObject) (server.RixlUserServiceGetUserInfoResponseObject, error) {
	p, st, err := x.current(ctx, req.Params.UserId)
	if err != nil {
		return nil, err
	}
	org, err := x.core.FirstOrganization(ctx, p.UserID)
	if err != nil {
		return nil, err
	}
	info := server.RixlUserServiceGetUserInfo200JSONResponse{Id: p.UserID, Email: st.Email, EmailVerified: st.Verified}
	if org != "" {
		info.ActiveOrgId = &org
	}
	return info, nil
}

func (x *Rixl) RixlEmailServiceInitiateEmailChange(ctx context.Context, req server.RixlEmailServiceInitiateEmailChangeRequestObject) (server.RixlEmailServiceInitiateEmailChangeResponseObject, error) {
	p, err := self(ctx, req.Body.UserId)
	if err != nil {
		return nil, err
	}
	t, err := x.core.StartEmailChange(ctx, account.EmailChange{UserID: p.UserID, NewEmail: req.Body.NewEmail,
		Delivery: account.Delivery{Digits: account.VerificationCodeDigits}})
	if err != nil {
		return nil, err
	}
	return server.RixlEmailServiceInitiateEmailChange200JSONResponse{RixlVerificationSentJSONResponse: server.RixlVerificationSentJSONResponse(ticket(t))}, nil
}

func (x *Rixl) RixlEmailServiceAddEmail(ctx context.Context, req server.RixlEmailServiceAddEmailRequestObject) (server.RixlEmailServiceAddEmailResponseObject, error) {
	p, err := self(ctx, req.Body.UserId)
	if err != nil {
		return nil, err
	}
	t, err := x.core.StartAddEmail(ctx, p, req.Body.Email)
	if err != nil {
		return nil, err
	}
	return server.RixlEmailServiceAddEmail200JSONResponse{RixlVerificationSentJSONResponse: server.RixlVerificationSentJSONResponse(ticket(t))}, nil
}

func (x *Rixl) RixlEmailServiceGetUserEmailStatus(ctx context.Context, req server.RixlEmailServiceGetUserEmailStatusRequestObject) (server.RixlEmailServiceGetUserEmailStatusResponseObject, error) {
	_, st, err := x.current(ctx, req.Params.UserId)
	if err != nil {
		return nil, err
	}
	return server.RixlEmailServiceGetUserEmailStatus200JSONResponse{Email: st.Email, HasEmail: st.HasEmail, Verified: st.Verified}, nil
}

func (x *Rixl) RixlEmailServiceVerifyEmail(ctx context.Context, req server.RixlEmailServiceVerifyEmailRequestObject) (server.RixlEmailServiceVerifyEmailResponseObject, error) {
	v, err := x.core.VerifyEmail(ctx, req.Body.VerificationId, req.Body.Code, &session)
	if err != nil {
		return nil, err
	}
	body := models.RixlVerifyEmailResponse{Email: v.Email, Message: msgVerified, Verified: true}
	if v.Session != nil {
		t := tokens(*v.Session, true, x.core.Now())
		body.Tokens = &t
	}
	return server.RixlEmailServiceVerifyEmail200JSONResponse{Headers: server.RixlEmailServiceVerifyEmail200ResponseHeaders{CacheControl: noStore}, Body: body}, nil
}

func (x *Rixl) RixlEmailServiceResendVerification(ctx context.Context, req server.RixlEmailServiceResendVerificationRequestObject) (server.RixlEmailServiceResendVerificationResponseObject, error) {
	if err := x.core.ResendVerification(ctx, req.Body.Email); err != nil {
		return nil, err
	}
	return server.RixlEmailServiceResendVerification200JSONResponse{Message: msgResent}, nil
}

func (x *Rixl) RixlEmailServiceSendPasswordReset(ctx context.Context, req server.RixlEmailServiceSendPasswordResetRequestObject) (server.RixlEmailServiceSendPasswordResetResponseObject, error) {
	if err := x.core.RequestPasswordReset(ctx, req.Body.Email, x.reset); err != nil {
		return nil, err
	}
	return server.RixlEmailServiceSendPasswordReset200JSONResponse(done()), nil
}

func (x *Rixl) RixlEmailServiceResetPassword(ctx context.Context, req server.RixlEmailServiceResetPasswordRequestObject) (server.RixlEmailServiceResetPasswordResponseObject, error) {
	if err := x.core.ConfirmPasswordReset(ctx, req.Body.Token, req.Body.NewPassword); err != nil {
		return nil, err
	}
	return server.RixlEmailServiceResetPassword200JSONResponse(done()), nil
}

// RixlLeaveOrganization is POST .../leave (Rixl's OpenAPI); RixlLeaveOrganizationDelete is
// DELETE (Rixl's doc page). Both leave the same way.
func (x *Rixl) RixlMembershipServiceLeaveOrganization(ctx context.Context, req server.RixlMembershipServiceLeaveOrganizationRequestObject) (server.RixlMembershipServiceLeaveOrganizationResponseObject, error) {
	if err := x.leave(ctx, req.OrgId, req.Params.UserId); err != nil {
		return nil, err
	}
	return server.RixlMembershipServiceLeaveOrganization200JSONResponse(done()), nil
}

func (x *Rixl) RixlMembershipServiceLeaveOrganizationDelete(ctx context.Context, req server.RixlMembershipServiceLeaveOrganizationDeleteRequestObject) (server.RixlMembershipServiceLeaveOrganizationDeleteResponseObject, error) {
	if err := x.leave(ctx, req.OrgId, req.Params.UserId); err != nil {
		return nil, err
	}
	return server.RixlMembershipServiceLeaveOrganizationDelete200JSONResponse(done()), nil
}

func (x *Rixl) leave(ctx context.Context, orgID string, userID *string) error {
	p, err := self(ctx, userID)
	if err != nil {
		return err
	}
	return x.core.LeaveOrganization(ctx, p, orgID)
}
