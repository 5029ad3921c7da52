package rixl

import (
	"context"

	"github.com/accountd/accountd/account"
	"github.com/accountd/accountd/handlers/httpapi"
)

var _ httpapi.Vendor = (*Rixl)(nil)

// Name is Rixl's tag in openapi.yaml.
func (x *Rixl) Name() string { return "Rixl" }

// Schemes: RixlBearer is `Authorization: Bearer <access_token>`, an access token of a session;
// the session id rides along in Auth.Extra (logout ends that session). Rixl's X-API-Key is no
// scheme here: accountd issues no Rixl API keys, so a call with only that header is a 401.
func (x *Rixl) Schemes() map[string]httpapi.Scheme {
	return map[string]httpapi.Scheme{
		"RixlBearer": func(ctx context.Context, in httpapi.SchemeInput) (httpapi.Auth, error) {
			token, presented := httpapi.HeaderToken(in.Request, "Authorization", "Bearer")
			if !presented {
				return httpapi.Auth{}, httpapi.NoCredential()
			}
			sp, err := x.core.AuthenticateSession(ctx, sessionAudience, token)
			if err != nil {
				return httpapi.Auth{}, err
			}
			return httpapi.Auth{Principal: sp.Principal, Extra: sp.SessionID}, nil
		},
	}
}

// fields renames the core's generic fields to each operation's request fields.
var fields = httpapi.FieldTable{
	"rixlEmailServiceInitiateEmailChange": {account.FieldEmail: "new_email"},
	"rixlEmailServiceResetPassword":       {account.FieldCode: "token", account.FieldPassword: "new_password"},
	// The address is not a field of this request: a lost race for it is not about a field.
	"rixlEmailServiceVerifyEmail": {account.FieldEmail: ""},
}

// Fields returns Rixl's field table.
func (x *Rixl) Fields() httpapi.FieldTable { return fields }

// sessionAudience marks the sessions Rixl opens: the core accepts their tokens only here, so
// a Payway or Akana token is never a Rixl bearer token (and the reverse).
const sessionAudience = "rixl"
