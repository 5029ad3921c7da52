package akana

import (
	"context"
	"net/http"
	"time"

	"github.com/accountd/accountd/account"
	"github.com/accountd/accountd/gen/models"
	"github.com/accountd/accountd/gen/server"
	"github.com/accountd/accountd/handlers/httpapi"
)

// Akana's handlers decode the request, call the core and encode the answer; rules live in the
// core, and errors go back as the core's errors (see errors.go).

func (a *Akana) AkanaLogin(ctx context.Context, req server.AkanaLoginRequestObject) (server.AkanaLoginResponseObject, error) {
	mt := mediaType(ctx)
	b, err := firstBody(req.JSONBody, req.ApplicationVndSoaV71PlusJSONBody, req.ApplicationVndSoaV72PlusJSONBody,
		req.ApplicationVndSoaV80PlusJSONBody, req.ApplicationVndSoaV81PlusJSONBody)
	if err != nil {
		return nil, err
	}
	tok, err := a.core.LoginSession(ctx, b.Email, b.Password, httpapi.InfoFrom(ctx).ClientIP, a.sessionSpec())
	if err != nil {
		return nil, err
	}
	return a.loggedIn(ctx, mt, tok, true)
}

func (a *Akana) AkanaGetLoginStatus(ctx context.Context, _ server.AkanaGetLoginStatusRequestObject) (server.AkanaGetLoginStatusResponseObject, error) {
	mt := mediaType(ctx)
	p := optionalSession(ctx)
	if p == nil {
		return loginReply{mediaType: mt, body: &models.AkanaLoginInfo{LoginState: models.AkanaLoginInfoLoginStateLoggedOut,
			PendingTasks: []string{}}}, nil
	}
	body, err := a.loginInfo(ctx, p.UserID, "", p.ExpiresAt)
	if err != nil {
		return nil, err
	}
	return loginReply{mediaType: mt, body: body}, nil
}

func (a *Akana) AkanaRenewToken(ctx context.Context, _ server.AkanaRenewTokenRequestObject) (server.AkanaRenewTokenResponseObject, error) {
	mt := mediaType(ctx)
	p, err := sessionOf(ctx)
	if err != nil {
		return nil, err
	}
	tok, err := a.core.RenewSession(ctx, p, a.sessionSpec().Lifetimes)
	if err != nil {
		return nil, err
	}
	return a.loggedIn(ctx, mt, tok, false)
}

func (a *Akana) AkanaLogout(ctx context.Context, _ server.AkanaLogoutRequestObject) (server.AkanaLogoutResponseObject, error) {
	return a.endSession(ctx)
}

func (a *Akana) AkanaEndSession(ctx context.Context, _ server.AkanaEndSessionRequestObject) (server.AkanaEndSessionResponseObject, error) {
	return a.endSession(ctx)
}

// endSession ends the caller's session, if there is one, and expires both cookies.
func (a *Akana) endSession(ctx context.Context) (loginReply, error) {
	if p := optionalSession(ctx); p != nil {
		if err := a.core.EndSession(ctx, p.SessionID); err != nil {
			return loginReply{}, err
		}
	}
	return loginReply{cookies: a.expiredCookies()}, nil
}

func (a *Akana) AkanaSendEmailChangeCode(ctx context.Context, req server.AkanaSendEmailChangeCodeRequestObject) (server.AkanaSendEmailChangeCodeResponseObject, error) {
	p, target, err := a.onUser(ctx, req.UserID)
	if err != nil {
		return nil, err
	}
	if req.Body == nil {
		return nil, errNoBody
	}
	if _, err := a.core.StartEmailChange(ctx, account.EmailChange{UserID: target, ActorID: p.UserID,
		NewEmail: req.Body.NewEmailAddress, NotifyCurrent: true, Delivery: a.emailChange}); err != nil {
		return nil, err
	}
	return server.AkanaSendEmailChangeCode200Response{}, nil
}

func (a *Akana) AkanaValidateEmailChangeCode(ctx context.Context, req server.AkanaValidateEmailChangeCodeRequestObject) (server.AkanaValidateEmailChangeCodeResponseObject, error) {
	p, err := sessionOf(ctx)
	if err != nil {
		return nil, err
	}
	b, err := firstBody(req.JSONBody, req.ApplicationVndSoaV71PlusJSONBody, req.ApplicationVndSoaV72PlusJSONBody,
		req.ApplicationVndSoaV80PlusJSONBody, req.ApplicationVndSoaV81PlusJSONBody)
	if err != nil {
		return nil, err
	}
	if err := a.core.ApplyEmailChangeCode(ctx, p.Principal, b.ChangeCode, b.NewEmailAddress); err != nil {
		return nil, err
	}
	return server.AkanaValidateEmailChangeCode200Response{}, nil
}

func (a *Akana) AkanaSendPasswordResetCode(ctx context.Context, req server.AkanaSendPasswordResetCodeRequestObject) (server.AkanaSendPasswordResetCodeResponseObject, error) {
	// The code is mailed as text, with the page that asks for it with the address.
	if err := a.core.RequestPasswordReset(ctx, req.Params.EmailAddress, a.reset); err != nil {
		return nil, err
	}
	return server.AkanaSendPasswordResetCode200Response{}, nil
}

func (a *Akana) AkanaValidatePasswordResetCode(ctx context.Context, req server.AkanaValidatePasswordResetCodeRequestObject) (server.AkanaValidatePasswordResetCodeResponseObject, error) {
	if err := a.core.CheckPasswordResetCode(ctx, req.Params.EmailAddress, req.Params.PasswordResetCode); err != nil {
		return nil, err
	}
	return server.AkanaValidatePasswordResetCode200Response{}, nil
}

func (a *Akana) AkanaAuthenticateWithPasswordResetCode(ctx context.Context, req server.AkanaAuthenticateWithPasswordResetCodeRequestObject) (server.AkanaAuthenticateWithPasswordResetCodeResponseObject, error) {
	mt := mediaType(ctx)
	b, err := firstBody(req.JSONBody, req.ApplicationVndSoaV71PlusJSONBody, req.ApplicationVndSoaV72PlusJSONBody,
		req.ApplicationVndSoaV80PlusJSONBody, req.ApplicationVndSoaV81PlusJSONBody)
	if err != nil {
		return nil, err
	}
	tok, err := a.core.ResetPasswordWithCode(ctx, b.EmailAddress, b.PasswordResetCode, b.NewPassword, a.sessionSpec())
	if err != nil {
		return nil, err
	}
	return a.loggedIn(ctx, mt, tok, true)
}

func (a *Akana) AkanaChangePassword(ctx context.Context, req server.AkanaChangePasswordRequestObject) (server.AkanaChangePasswordResponseObject, error) {
	p, target, err := a.onUser(ctx, req.UserID)
	if err != nil {
		return nil, err
	}
	b, err := firstBody(req.JSONBody, req.ApplicationVndSoaV71PlusJSONBody, req.ApplicationVndSoaV72PlusJSONBody,
		req.ApplicationVndSoaV80PlusJSONBody, req.ApplicationVndSoaV81PlusJSONBody)
	if err != nil {
		return nil, err
	}
	if err := a.core.ChangeOwnPassword(ctx, p, target, b.OldPassword, b.NewPassword); err != nil {
		return nil, err
	}
	return server.AkanaChangePassword200Response{}, nil
}

// onUser begins an operation of a logged-in caller on the user named by userFDN: the userFDN
// must name a user of this tenant.
func (a *Akana) onUser(ctx context.Context, userFDN string) (p account.SessionPrincipal, targetID string, err error) {
	if p, err = sessionOf(ctx); err != nil {
		return p, "", err
	}
	targetID, ok := userIDFromFDN(userFDN, a.tenant)
	if !ok {
		return p, "", errNoSuchUser
	}
	return p, targetID, nil
}

// loggedIn answers a login, renewal or reset with the login body and the session cookie, and
// the CSRF cookie when the session is new (its secret is known only then).
func (a *Akana) loggedIn(ctx context.Context, mt string, tok account.SessionTokens, newSession bool) (loginReply, error) {
	body, err := a.loginInfo(ctx, tok.UserID, tok.Email, tok.AccessExpiresAt)
	if err != nil {
		return loginReply{}, err
	}
	cookies := []*http.Cookie{a.sessionCookie(tok.AccessToken)}
	if newSession {
		cookies = append(cookies, a.csrfCookie(tok.Secret))
	}
	return loginReply{mediaType: mt, cookies: cookies, body: body}, nil
}

// loginInfo is the login body of userID; email is its primary address when the core has
// returned it (a password login), "" to read it.
func (a *Akana) loginInfo(ctx context.Context, userID, email string, validUntil time.Time) (*models.AkanaLoginInfo, error) {
	if email == "" {
		var err error
		if email, err = a.core.PrimaryEmail(ctx, userID); err != nil {
			return nil, err
		}
	}
	fdn := UserFDN(userID, a.tenant)
	return &models.AkanaLoginInfo{LoginState: models.AkanaLoginInfoLoginStateLoggedIn, UserName: &email, UserFDN: &fdn,
		AuthTokenValidUntil: ptr(validUntil.UnixMilli()), Status: ptr(models.AkanaLoginInfoStatusActive), LoginDomainId: &a.tenant,
		PendingNotifications: 0, PendingTasks: []string{}}, nil
}

// firstBody returns whichever of the operation's media-type bodies was sent; they are all the
// same schema.
func firstBody[T any](bodies ...*T) (*T, error) {
	for _, b := range bodies {
		if b != nil {
			return b, nil
		}
	}
	return nil, errNoBody
}

func ptr[T any](v T) *T { return &v }
