package templates

import (
	"errors"
	"fmt"
	"time"

	"github.com/nicksnyder/go-i18n/v2/i18n"
)

// view is what a template sees: the mail's data, worded for the reader, and the text lookups.
// Templates may use exactly its exported fields and methods (New checks every template).
type view struct {
	Email, NewEmail, Code, Link, CodePage string
	TTL                                   string // the lifetime in words, in the mail's language ("60 minutes")
	Vendor                                string // the vendor's display name
	Lang                                  string // the language the mail is written in (BCP 47), for <html lang>

	kind, vendor string
	loc          *i18n.Localizer
}

// T is the vendor's text part of this mail kind ("subject", "body").
func (v view) T(part string) (string, error) { return v.text(v.vendor + "." + v.kind + "." + part) }

// V is the vendor's text part shared by its kinds ("signoff", "footer", "code_intro").
func (v view) V(part string) (string, error) { return v.text(v.vendor + "." + part) }

// C is a text shared by every vendor ("ignore", "expires_link", ...).
func (v view) C(part string) (string, error) { return v.text("common." + part) }

// Action is the label of the mail's button.
func (v view) Action() (string, error) { return v.text("common.action." + v.kind) }

func (v view) text(id string) (string, error) {
	s, err := v.loc.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: v})
	var missing *i18n.MessageNotFoundErr
	if errors.As(err, &missing) && s != "" {
		return s, nil // the text exists in the fallback language: better than no mail
	}
	if err != nil {
		return "", fmt.Errorf("text %q: %w", id, err)
	}
	return s, nil
}

// lifetime words d in the mail's language: whole days as days, whole hours as hours, anything
// else as minutes.
func lifetime(loc *i18n.Localizer, d time.Duration) (string, error) {
	const day = 24 * time.Hour
	id, n := "common.minutes", int((d+time.Minute-1)/time.Minute)
	switch {
	case d >= day && d%day == 0:
		id, n = "common.days", int(d/day)
	case d >= time.Hour && d%time.Hour == 0:
		id, n = "common.hours", int(d/time.Hour)
	}
	return loc.Localize(&i18n.LocalizeConfig{MessageID: id, PluralCount: n, TemplateData: map[string]int{"Count": n}})
}
