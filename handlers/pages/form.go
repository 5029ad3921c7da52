package pages

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"time"
)

// The form's token. GET sets a random nonce in a cookie of the page's own path
// (HttpOnly, SameSite=Strict, Secure over HTTPS) and puts into the form
//
//	csrf_token = base64url(HMAC_k("page" 0 "link value" 0 "nonce" 0))
//
// with k a key of its own derived from the server secret (account.Service.PageToken). A POST
// acts only when the cookie came back and the token matches it. So a form posted from another
// site fails twice over (no SameSite=Strict cookie; no token without the secret), and a token
// seen once is worth nothing for another link or another browser. The nonce is reused while
// the cookie lives, so two tabs of one page both work.
const (
	cookieName = "accountd_page"
	nonceBytes = 32
	cookieTTL  = 30 * time.Minute
)

func newNonce() string {
	b := make([]byte, nonceBytes)
	_, _ = rand.Read(b) // crypto/rand never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}

func validNonce(s string) bool {
	b, err := base64.RawURLEncoding.DecodeString(s)
	return err == nil && len(b) == nonceBytes
}

// formCookie is the cookie that carries nonce for the page at path.
func formCookie(r request, nonce string) *http.Cookie {
	return &http.Cookie{Name: cookieName, Value: nonce, Path: r.path, MaxAge: int(cookieTTL / time.Second),
		HttpOnly: true, Secure: r.secure, SameSite: http.SameSiteStrictMode}
}

// token is the form's token for page and link under nonce.
func (p *Pages) token(page, link, nonce string) string {
	return base64.RawURLEncoding.EncodeToString(p.core.PageToken(page, link, nonce))
}

// formOK tells whether a POST carries the token of its page, link and cookie.
func (p *Pages) formOK(r request, page, link string, got *string) bool {
	if r.nonce == "" || got == nil {
		return false
	}
	want := p.token(page, link, r.nonce)
	return subtle.ConstantTimeCompare([]byte(want), []byte(*got)) == 1
}
