package pages

import (
	"context"

	"github.com/labstack/echo/v4"
)

// Attach is the Echo middleware that hands the pages what the generated handlers do not
// pass on: the form cookie's nonce, the page's path and whether the request came over HTTPS.
func Attach(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := request{path: c.Request().URL.Path, secure: c.Scheme() == "https"}
		if ck, err := c.Cookie(cookieName); err == nil && validNonce(ck.Value) {
			r.nonce = ck.Value
		}
		c.SetRequest(c.Request().WithContext(context.WithValue(c.Request().Context(), requestKey{}, r)))
		return next(c)
	}
}
