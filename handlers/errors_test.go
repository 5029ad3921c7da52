package handlers

import (
	"bytes"
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/accountd/accountd/account"
	"github.com/accountd/accountd/gen/spec"
	"github.com/accountd/accountd/handlers/akana"
	"github.com/accountd/accountd/handlers/httpapi"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/labstack/echo/v4"
)

// A request whose client has gone (its context ended while it waited for a hashing slot or
// the database) is not a server failure: logged at INFO with 499, never as a 500 ERROR.
func TestClientGoneIsNotAServerError(t *testing.T) {
	doc, err := spec.Load()
	if err != nil {
		t.Fatal(err)
	}
	_, vendors := compose(httpapi.Deps{}, akana.Settings{})
	rt, err := newRoutes(doc, vendors)
	if err != nil {
		t.Fatal(err)
	}
	cancelled := account.AsError(context.Canceled) // what the core returns when the hasher gave up
	for _, tc := range []struct {
		name      string
		gone      bool
		err       error
		wantLevel string
		status    int
	}{
		{"client gone, cancellation", true, cancelled, "INFO", statusClientClosedRequest},
		{"client gone, deadline", true, account.AsError(context.DeadlineExceeded), "INFO", statusClientClosedRequest},
		// database/sql's own signs of a cancelled request: the transaction it rolled back when the
		// context ended, a connection cut mid-query (also inside a security scheme's failure).
		{"client gone, transaction rolled back", true, account.AsError(sql.ErrTxDone), "INFO", statusClientClosedRequest},
		{"client gone, connection cut", true, account.AsError(driver.ErrBadConn), "INFO", statusClientClosedRequest},
		{"client gone, connection cut in a security scheme", true, &echo.HTTPError{Code: http.StatusBadRequest,
			Internal: &openapi3filter.SecurityRequirementsError{Errors: []error{
				&echo.HTTPError{Code: http.StatusUnauthorized, Internal: account.AsError(driver.ErrBadConn)}}}},
			"INFO", statusClientClosedRequest},
		// With the client there, a cut connection is the database going away: 503, a warning.
		{"client there, connection cut", false, account.AsError(driver.ErrBadConn), "WARN", http.StatusServiceUnavailable},
		{"client gone, another failure", true, account.AsError(errors.New("disk full")), "ERROR", http.StatusInternalServerError},
		{"client there, cancellation from elsewhere", false, cancelled, "ERROR", http.StatusInternalServerError},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var logs bytes.Buffer
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tc.gone {
				cancel()
			}
			rec := httptest.NewRecorder()
			c := echo.New().NewContext(httptest.NewRequest(http.MethodPost, "/api/v2/login/", nil).WithContext(ctx), rec)
			rt.errorHandler(slog.New(slog.NewTextHandler(&logs, nil)))(tc.err, c)
			if rec.Code != tc.status {
				t.Errorf("status %d, want %d", rec.Code, tc.status)
			}
			if !strings.Contains(logs.String(), "level="+tc.wantLevel) {
				t.Errorf("log %q lacks level %s", logs.String(), tc.wantLevel)
			}
			if tc.wantLevel == "INFO" && strings.Contains(logs.String(), "level=ERROR") {
				t.Errorf("a gone client logged an error: %s", logs.String())
			}
		})
	}
}
