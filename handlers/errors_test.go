package handlers

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/accountd/accountd/account"
	"github.com/labstack/echo/v4"
)

// A request whose client has gone (its context cancelled while it waited for a hashing slot)
// is not a server failure: logged at INFO, no 500.
func TestClientGoneIsNotAServerError(t *testing.T) {
	for _, tc := range []struct {
		name      string
		cancelled bool
		err       error
		wantLevel string
		status    int
	}{
		{"cancelled caller, core error", true, webshareFail(&account.Error{Kind: account.KindInternal, Code: "internal"}), "", 500},
		{"cancelled caller, cancel error from the core", true, webshareFail(hashErr(context.Canceled)), "INFO", statusClientClosedRequest},
		{"live caller, cancel error", false, webshareFail(hashErr(context.Canceled)), "ERROR", 500},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var logs bytes.Buffer
			log := slog.New(slog.NewTextHandler(&logs, nil))
			ctx, cancel := context.WithCancel(context.Background())
			if tc.cancelled {
				cancel()
			} else {
				defer cancel()
			}
			req := httptest.NewRequest(http.MethodPost, "/api/v2/login/", nil).WithContext(ctx)
			rec := httptest.NewRecorder()
			c := echo.New().NewContext(req, rec)
			errorHandler(log)(tc.err, c)
			if rec.Code != tc.status {
				t.Errorf("status %d, want %d", rec.Code, tc.status)
			}
			if tc.wantLevel != "" && !strings.Contains(logs.String(), "level="+tc.wantLevel) {
				t.Errorf("log %q lacks level %s", logs.String(), tc.wantLevel)
			}
			if tc.wantLevel == "INFO" && strings.Contains(logs.String(), "level=ERROR") {
				t.Errorf("a gone client logged an error: %s", logs.String())
			}
		})
	}
}

// hashErr is what the core returns when the hasher gave up because the caller's context ended.
func hashErr(cause error) error {
	return errors.Join(&account.Error{Kind: account.KindInternal, Code: "internal"}, cause)
}
