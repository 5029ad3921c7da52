package webshare

import (
	"net/http"

	"github.com/accountd/accountd/account"
	"github.com/accountd/accountd/handlers/httpapi"
)

var _ httpapi.Vendor = (*Webshare)(nil)

// Name is Webshare's tag in openapi.yaml.
func (w *Webshare) Name() string { return "Webshare" }

// Schemes: WebshareToken is `Authorization: Token <token>`, an API token.
func (w *Webshare) Schemes() map[string]httpapi.Scheme {
	return map[string]httpapi.Scheme{
		"WebshareToken": httpapi.TokenScheme(w.core, func(r *http.Request) (string, bool) {
			return httpapi.HeaderToken(r, "Authorization", "Token")
		}, account.CredentialAPIToken),
	}
}

// fields renames the core's generic fields to each operation's request fields; the
// per-operation 400 schemas of spec/webshare.yaml list the fields each may name.
var fields = httpapi.FieldTable{
	"webshareResetPasswordComplete": {account.FieldCode: "password_reset_token"},
	"webshareChangeEmail":           {account.FieldEmail: "new_email"},
	// The new address is not a field of this request: a lost race for it is a non-field error.
	"webshareChangeEmailComplete": {account.FieldCode: "confirmation_code", account.FieldEmail: ""},
	"webshareCompleteActivation":  {account.FieldCode: "activation_token"},
}

// Fields returns Webshare's field table.
func (w *Webshare) Fields() httpapi.FieldTable { return fields }
