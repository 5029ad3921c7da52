package handlers

import (
	"strings"

	"github.com/labstack/echo/v4"
)

// secretParams are the path parameters that carry a mailed code (the Pages operations): the
// logs write their name in place of their value.
var secretParams = map[string]bool{"token": true, "code": true}

// secretSegment is the length from which a segment of a path no route matched is taken for a
// code (link codes are 36 to 43 characters; no vendor's fixed segment is that long).
const secretSegment = 20

// loggedPath is the request path as every log line writes it: no code or token in it. The
// query string is never logged.
func loggedPath(c echo.Context) string {
	path := c.Request().URL.Path
	names, vals := c.ParamNames(), c.ParamValues()
	redacted := false
	for i, n := range names {
		if secretParams[n] && i < len(vals) && vals[i] != "" {
			path = strings.Replace(path, vals[i], ":"+n, 1)
			redacted = true
		}
	}
	if redacted || (len(names) > 0 && names[0] != "*") {
		// A route with parameters matched: only the secret ones are codes.
		return path
	}
	// No route with parameters matched (a 404 perhaps): a long segment may be a mistyped link.
	segs := strings.Split(path, "/")
	for i, s := range segs {
		if len(s) >= secretSegment {
			segs[i] = ":redacted"
		}
	}
	return strings.Join(segs, "/")
}
