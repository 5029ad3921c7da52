package payway

import (
	"context"

	"github.com/accountd/accountd/account"
	"github.com/accountd/accountd/gen/models"
	"github.com/accountd/accountd/gen/server"
)

// The /me operations act for the account of a user token, within the token's organisation.

func (p *Payway) PaywayGetMe(ctx context.Context, _ server.PaywayGetMeRequestObject) (server.PaywayGetMeResponseObject, error) {
	c, err := callerFrom(ctx)
	if err != nil {
		return nil, err
	}
	acct, err := p.core.OrgAccount(ctx, c.Client.OrganizationID, c.UserID)
	if err != nil {
		return nil, err
	}
	return server.PaywayGetMe200JSONResponse{Item: models.PaywayAccount{Id: acct.ID, Email: acct.Email,
		EmailVerified: acct.EmailVerified, CreatedAt: acct.CreatedAt.UTC()}}, nil
}

// PaywayRequestEmailChange returns the confirmation code, and mails it to the new address
// (inside confirmation_url when given) unless the client sends its own mail.
func (p *Payway) PaywayRequestEmailChange(ctx context.Context, req server.PaywayRequestEmailChangeRequestObject) (server.PaywayRequestEmailChangeResponseObject, error) {
	c, err := callerFrom(ctx)
	if err != nil {
		return nil, err
	}
	// Without a confirmation_url the mail links to accountd's own page (handlers/pages).
	in := account.EmailChange{UserID: c.UserID, OrgID: c.Client.OrganizationID, NewEmail: req.Body.NewEmail,
		Delivery: account.Delivery{UUID: true, Link: p.emailChangeLink}, NoMail: c.Client.SendsOwnMail}
	if u := req.Body.ConfirmationUrl; u != nil {
		if err := checkURL("confirmation_url", *u); err != nil {
			return nil, err
		}
		in.Delivery.Link = withQuery(*u, "confirmation_code={code}")
	}
	ch, err := p.core.StartEmailChange(ctx, in)
	if err != nil {
		return nil, err
	}
	return server.PaywayRequestEmailChange200JSONResponse{CurrentEmail: ch.CurrentEmail, NewEmail: ch.NewEmail,
		ConfirmationUrl: req.Body.ConfirmationUrl, ConfirmationCode: ch.Code}, nil
}

func (p *Payway) PaywayVerifyEmailChange(ctx context.Context, req server.PaywayVerifyEmailChangeRequestObject) (server.PaywayVerifyEmailChangeResponseObject, error) {
	if err := p.verifyEmailChange(ctx, req.Body.ConfirmationCode); err != nil {
		return nil, err
	}
	return server.PaywayVerifyEmailChange200JSONResponse(models.PaywayEmptyResponse{}), nil
}

func (p *Payway) PaywayVerifyEmailChangePost(ctx context.Context, req server.PaywayVerifyEmailChangePostRequestObject) (server.PaywayVerifyEmailChangePostResponseObject, error) {
	if err := p.verifyEmailChange(ctx, req.Body.ConfirmationCode); err != nil {
		return nil, err
	}
	return server.PaywayVerifyEmailChangePost200JSONResponse(models.PaywayEmptyResponse{}), nil
}

func (p *Payway) verifyEmailChange(ctx context.Context, code string) error {
	c, err := callerFrom(ctx)
	if err != nil {
		return err
	}
	return p.core.CompleteEmailChangeInOrg(ctx, c.Client.OrganizationID, account.Principal{UserID: c.UserID}, code)
}
