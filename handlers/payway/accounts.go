package payway

import (
	"context"
	"net/url"

	"github.com/accountd/accountd/account"
	"github.com/accountd/accountd/gen/models"
	"github.com/accountd/accountd/gen/server"
)

// The accounts operations act for an API client (application token) on the accounts of its
// organisation. Reset codes are UUIDs, bound to the account (complete_password_reset names it).

func (p *Payway) PaywayRequestPasswordReset(ctx context.Context, req server.PaywayRequestPasswordResetRequestObject) (server.PaywayRequestPasswordResetResponseObject, error) {
	c, err := callerFrom(ctx)
	if err != nil {
		return nil, err
	}
	link := p.resetLink
	if r := req.Body.ReturnUrl; r != nil {
		if err := checkURL("return_url", *r); err != nil {
			return nil, err
		}
		link = withQuery(link, "return_url="+url.QueryEscape(*r))
	}
	if err := p.core.RequestPasswordResetInOrg(ctx, c.Client.OrganizationID, req.Body.Email, account.Delivery{UUID: true, Link: link}); err != nil {
		return nil, err
	}
	return server.PaywayRequestPasswordReset204Response{}, nil
}

func (p *Payway) PaywayCustomRequestPasswordReset(ctx context.Context, req server.PaywayCustomRequestPasswordResetRequestObject) (server.PaywayCustomRequestPasswordResetResponseObject, error) {
	c, err := callerFrom(ctx)
	if err != nil {
		return nil, err
	}
	b := req.Body
	if err := checkURL("reset_password_url", b.ResetPasswordUrl); err != nil {
		return nil, err
	}
	if err := checkURL("return_url", b.ReturnUrl); err != nil {
		return nil, err
	}
	link := withQuery(b.ResetPasswordUrl, "id={user_id}&confirmation_code={code}&return_url="+url.QueryEscape(b.ReturnUrl))
	if err := p.core.RequestPasswordResetInOrg(ctx, c.Client.OrganizationID, b.Email, account.Delivery{UUID: true, Link: link}); err != nil {
		return nil, err
	}
	return server.PaywayCustomRequestPasswordReset200JSONResponse(models.PaywayEmptyResponse{}), nil
}

func (p *Payway) PaywayCreatePasswordReset(ctx context.Context, req server.PaywayCreatePasswordResetRequestObject) (server.PaywayCreatePasswordResetResponseObject, error) {
	c, err := callerFrom(ctx)
	if err != nil {
		return nil, err
	}
	rc, err := p.core.CreatePasswordResetCode(ctx, c.Client.OrganizationID, req.Body.Email)
	if err != nil {
		return nil, err
	}
	var out server.PaywayCreatePasswordReset200JSONResponse
	out.Item.AccountId, out.Item.ConfirmationCode = rc.UserID, rc.Code
	return out, nil
}

func (p *Payway) PaywayCompletePasswordReset(ctx context.Context, req server.PaywayCompletePasswordResetRequestObject) (server.PaywayCompletePasswordResetResponseObject, error) {
	c, err := callerFrom(ctx)
	if err != nil {
		return nil, err
	}
	b := req.Body
	// Payway's only password rule is the length the spec checks (6 to 1024 characters).
	if err := p.core.CompletePasswordResetByID(ctx, c.Client.OrganizationID, b.Id, b.ConfirmationCode, b.NewPassword, account.ResetOptions{}); err != nil {
		return nil, err
	}
	return server.PaywayCompletePasswordReset200JSONResponse{Id: b.Id}, nil
}

func (p *Payway) PaywayGetAuthenticationAttempts(ctx context.Context, req server.PaywayGetAuthenticationAttemptsRequestObject) (server.PaywayGetAuthenticationAttemptsResponseObject, error) {
	c, err := callerFrom(ctx)
	if err != nil {
		return nil, err
	}
	st, err := p.core.AuthenticationAttempts(ctx, c.Client.OrganizationID, req.Params.Email)
	if err != nil {
		return nil, err
	}
	return server.PaywayGetAuthenticationAttempts200JSONResponse(attempts(st)), nil
}

func (p *Payway) PaywayCreateAuthenticationAttempt(ctx context.Context, req server.PaywayCreateAuthenticationAttemptRequestObject) (server.PaywayCreateAuthenticationAttemptResponseObject, error) {
	c, err := callerFrom(ctx)
	if err != nil {
		return nil, err
	}
	st, err := p.core.RecordAuthenticationAttempt(ctx, c.Client, req.Body.Email, req.Body.LoginSuccessful)
	if err != nil {
		return nil, err
	}
	return server.PaywayCreateAuthenticationAttempt200JSONResponse(attempts(st)), nil
}

func attempts(st account.AttemptStatus) models.PaywayAuthenticationAttemptsResponse {
	var out models.PaywayAuthenticationAttemptsResponse
	out.Item.AccountFrozen, out.Item.FailedAttempts = st.Frozen, st.FailedAttempts
	return out
}
