package payway

import (
	"github.com/accountd/accountd/account"
	"github.com/accountd/accountd/handlers/httpapi"
)

var (
	_ httpapi.Vendor   = (*Payway)(nil)
	_ httpapi.Preparer = (*Payway)(nil)
)

// Name is Payway's tag in openapi.yaml.
func (p *Payway) Name() string { return "Payway" }

// Schemes: both are `Authorization: Bearer <token>`; the scheme decides which kind it accepts.
func (p *Payway) Schemes() map[string]httpapi.Scheme {
	return map[string]httpapi.Scheme{
		"PaywayUserToken":        p.userScheme,
		"PaywayApplicationToken": p.applicationScheme,
	}
}

// fields renames the core's fields to each operation's request fields. Payway names the
// address of the password reset operations `contact_email` in its errors (its docs' examples).
var fields = httpapi.FieldTable{
	"paywayRequestEmailChange":         {account.FieldEmail: "new_email"},
	"paywayVerifyEmailChange":          {account.FieldCode: "confirmation_code", account.FieldEmail: "new_email"},
	"paywayVerifyEmailChangePost":      {account.FieldCode: "confirmation_code", account.FieldEmail: "new_email"},
	"paywayRequestPasswordReset":       {account.FieldEmail: "contact_email"},
	"paywayCustomRequestPasswordReset": {account.FieldEmail: "contact_email"},
	"paywayCreatePasswordReset":        {account.FieldEmail: "contact_email"},
	"paywayCompletePasswordReset":      {account.FieldCode: "confirmation_code", account.FieldNewPassword: "new_password"},
	"paywayGetMe":                      {"": ""},
}

// Fields returns Payway's field table.
func (p *Payway) Fields() httpapi.FieldTable { return fields }
