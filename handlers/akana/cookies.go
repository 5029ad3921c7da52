package akana

import (
	"net/http"
	"time"
)

// The two cookies of a session, both SameSite=Lax (another site's forms do not carry them on
// POST) and Secure when the server is reached over https:
//   - the session (HttpOnly: no script reads it), living until the session token expires, and
//     replaced by renewToken;
//   - the CSRF token, readable by the page, which copies it into the CSRF header. It is the
//     session's secret, kept only as a hash, so it cannot be sent again at renewal: it is a
//     browser-session cookie (no Max-Age) and outlives no session that matters, since it is
//     worthless without the session cookie.

func (a *Akana) sessionCookie(value string) *http.Cookie {
	return &http.Cookie{Name: a.sessionCookieName, Value: value, Path: "/", MaxAge: int(a.ttl / time.Second), HttpOnly: true,
		Secure: a.secure, SameSite: http.SameSiteLaxMode}
}

func (a *Akana) csrfCookie(value string) *http.Cookie {
	return &http.Cookie{Name: a.csrfCookieName, Value: value, Path: "/", Secure: a.secure, SameSite: http.SameSiteLaxMode}
}

// expiredCookies tell the browser to drop both cookies (Max-Age=0).
func (a *Akana) expiredCookies() []*http.Cookie {
	return []*http.Cookie{
		{Name: a.sessionCookieName, Path: "/", MaxAge: -1, HttpOnly: true, Secure: a.secure, SameSite: http.SameSiteLaxMode},
		{Name: a.csrfCookieName, Path: "/", MaxAge: -1, Secure: a.secure, SameSite: http.SameSiteLaxMode},
	}
}
