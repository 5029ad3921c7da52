package handlers

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"
)

func TestLoggedPath(t *testing.T) {
	const code = "Zk3v0QbL2m7tYx1nA9sWqE4rT6uI8oP0aSdFgHjKlZx"
	for _, c := range []struct {
		name, path string
		params     []string // name, value pairs the router matched
		want       string
	}{
		{"a page's code", "/changeemail/" + code + "/confirm/", []string{"code", code}, "/changeemail/:code/confirm/"},
		{"a page's token", "/activation/" + code + "/confirm/", []string{"token", code}, "/activation/:token/confirm/"},
		{"other parameters stay", "/api/users/6b0a7430-f081-81cd-8ce8-f26fc5000000.acme/changePassword",
			[]string{"userID", "6b0a7430-f081-81cd-8ce8-f26fc5000000.acme"}, "/api/users/6b0a7430-f081-81cd-8ce8-f26fc5000000.acme/changePassword"},
		{"no route: a long segment may be a mistyped link", "/activation/" + code + "/confirm", nil, "/activation/:redacted/confirm"},
		{"no route, short segments", "/api/v2/nope/", nil, "/api/v2/nope/"},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := echo.New().NewContext(httptest.NewRequest(http.MethodGet, c.path, nil), httptest.NewRecorder())
			var names, vals []string
			for i := 0; i+1 < len(c.params); i += 2 {
				names, vals = append(names, c.params[i]), append(vals, c.params[i+1])
			}
			ctx.SetParamNames(names...)
			ctx.SetParamValues(vals...)
			if got := loggedPath(ctx); got != c.want {
				t.Errorf("loggedPath(%s) = %s, want %s", c.path, got, c.want)
			}
		})
	}
}
