package handlers

import (
	"strings"

	"github.com/accountd/accountd/account"
	"github.com/labstack/echo/v4"
	"golang.org/x/text/language"
)

// maxLocaleTags bounds how much of an Accept-Language header is kept with queued mail.
const maxLocaleTags = 5

// audience tells the core, as data in the request's context, whom the request's mail and
// events are for: the operation's vendor and the caller's languages (Accept-Language). The
// core stores both with the outbox rows; the mail renderer picks the vendor's voice and the
// best language it has (de-AT -> de -> en).
func (rt *routes) audience(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		v, _ := rt.vendorOf(c)
		a := account.Audience{Vendor: strings.ToLower(v.Name()), Locale: preferredLanguages(c.Request().Header.Get("Accept-Language"))}
		c.SetRequest(c.Request().WithContext(account.WithAudience(c.Request().Context(), a)))
		return next(c)
	}
}

// preferredLanguages returns the languages of an Accept-Language header, most wanted first,
// as a clean Accept-Language value ("de-AT,de,en"); "" for none or a header that does not parse.
func preferredLanguages(header string) string {
	if header == "" || len(header) > 512 {
		return ""
	}
	tags, _, err := language.ParseAcceptLanguage(header) // sorted by weight; q=0 dropped
	if err != nil {
		return ""
	}
	out := make([]string, 0, min(len(tags), maxLocaleTags))
	for _, t := range tags {
		if len(out) == maxLocaleTags {
			break
		}
		if t != language.Und && t != language.MustParse("mul") { // "*" parses as mul: any language, nothing to choose by
			out = append(out, t.String())
		}
	}
	return strings.Join(out, ",")
}
