package account

import (
	"bytes"
	"strconv"
	"strings"
	"text/template"
	"time"
)

// Mail kinds, also the outbox row's kind.
const (
	MailActivation     = "activation"
	MailEmailChange    = "email_change"
	MailEmailChanged   = "email_changed"
	MailPasswordReset  = "password_reset"
	MailPasswordChange = "password_changed"
	MailAccountDeleted = "account_deleted"
	MailEmailAdd       = "email_add"

	// MailEmailChangeRequested tells the current address that a change to another was asked for.
	MailEmailChangeRequested = "email_change_requested"
)

type mailTemplate struct {
	subject string
	text    *template.Template
}

// The texts name the link when the vendor gives one and the code otherwise.
var mailTemplates = map[string]mailTemplate{
	MailActivation: {"Confirm your email address", template.Must(template.New("").Parse(
		`Welcome! Please confirm that {{.Email}} is your email address.
{{if .Link}}
Open this link to confirm it:

{{.Link}}
{{else}}
Your confirmation code is: {{.Code}}
{{end}}
The {{if .Link}}link{{else}}code{{end}} expires in {{.TTL}}. If you did not create an account, ignore this mail.
`))},
	MailEmailChange: {"Confirm your new email address", template.Must(template.New("").Parse(
		`Someone, hopefully you, asked to change the email address of an account to {{.Email}}.
{{if .Link}}
Open this link while logged in to confirm the change:

{{.Link}}
{{else}}
Your confirmation code is: {{.Code}}
{{if .CodePage}}
Enter it at {{.CodePage}}
{{end}}{{end}}
The {{if .Link}}link{{else}}code{{end}} expires in {{.TTL}}. If this was not you, ignore this mail: nothing changes.
`))},
	MailEmailAdd: {"Confirm your email address", template.Must(template.New("").Parse(
		`Someone, hopefully you, asked to add {{.Email}} to an account.

Your confirmation code is: {{.Code}}

The code expires in {{.TTL}}. If this was not you, ignore this mail: nothing changes.
`))},
	MailEmailChanged: {"Your email address was changed", template.Must(template.New("").Parse(
		`The email address of your account was changed from {{.Email}} to {{.NewEmail}}.
{{if .Link}}
If you did not do this, open this link within {{.TTL}} to undo the change: {{.Email}} becomes the
account's address again, every session ends, and a password reset is mailed here.

{{.Link}}
{{else}}
If you did not do this, reset your password at once and contact support.
{{end}}`))},
	MailEmailChangeUndone: {"The change of your email address was undone", template.Must(template.New("").Parse(
		`The email address of the account was changed back from {{.Email}} to {{.NewEmail}}, from a link
mailed to {{.NewEmail}}. Every session was ended; {{.Email}} is no longer the account's address.

If that was not meant to happen, contact support.
`))},
	MailEmailChangeRequested: {"A change of your email address was requested", template.Must(template.New("").Parse(
		`Someone asked to change the email address of your account from {{.Email}} to {{.NewEmail}}.
A confirmation code was sent to {{.NewEmail}}; nothing changes until it is used.

If you did not ask for this, reset your password at once and contact support.
`))},
	MailPasswordReset: {"Reset your password", template.Must(template.New("").Parse(
		`Someone, hopefully you, asked to reset the password of the account for {{.Email}}.
{{if .Link}}
Open this link to choose a new password:

{{.Link}}
{{else}}
Your reset code is: {{.Code}}
{{if .CodePage}}
Enter it at {{.CodePage}}
{{end}}{{end}}
The {{if .Link}}link{{else}}code{{end}} expires in {{.TTL}} and works once. If this was not you, ignore this mail: your password stays as it is.
`))},
	MailPasswordChange: {"Your password was changed", template.Must(template.New("").Parse(
		`The password of the account for {{.Email}} was changed, and other sessions were signed out.

If you did not do this, reset your password at once and contact support.
`))},
	MailAccountDeleted: {"Your account was deleted", template.Must(template.New("").Parse(
		`The account for {{.Email}} was deleted. Its email addresses are released.

If you did not do this, contact support.
`))},
}

type mailData struct {
	Email, NewEmail, Code, Link, TTL string
	CodePage                         string // where a bare code can be typed (Config.CodeEntryPages)
}

func renderMail(kind string, d mailData) (MailContent, error) {
	t := mailTemplates[kind]
	var b bytes.Buffer
	if err := t.text.Execute(&b, d); err != nil {
		return MailContent{}, err
	}
	return MailContent{Subject: t.subject, Text: b.String()}, nil
}

// linkFor puts code into the vendor's link pattern ("" when the vendor mails bare codes).
func linkFor(d Delivery, code string) string {
	if d.Link == "" {
		return ""
	}
	return strings.ReplaceAll(d.Link, "{code}", code)
}

// humanTTL renders a lifetime for mail texts ("60 minutes", "24 hours").
func humanTTL(d time.Duration) string {
	if d > time.Hour && d%time.Hour == 0 {
		return strconv.Itoa(int(d/time.Hour)) + " hours"
	}
	return strconv.Itoa(int(d/time.Minute)) + " minutes"
}
