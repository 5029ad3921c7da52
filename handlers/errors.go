package handlers

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"log/slog"
	"net/http"

	"github.com/accountd/accountd/account"
	"github.com/accountd/accountd/handlers/httpapi"
	"github.com/labstack/echo/v4"
)

// The one error path: every error, from validation, authentication, a handler, the body limit,
// the router or a recovered panic, reaches Echo's error handler as it was returned (the
// generated strict wrapper passes a handler's error through), is sorted by classify, its core
// field renamed through the operation's field table, and rendered by the vendor of the
// operation (or of the path).

// render turns err into the vendor's reply.
func (rt *routes) render(c echo.Context, err error) *httpapi.Reply {
	vendor, op := rt.vendorOf(c)
	f := classify(err)
	if f.Kind == httpapi.FailInternal && account.DatabaseUnavailable(err) {
		f.Kind = httpapi.FailUnavailable
	}
	f.Operation = op
	f.Accept = c.Request().Header.Get(echo.HeaderAccept)
	if f.Kind == httpapi.FailCore {
		rt.metrics.Refusal(op, f.Core.Code)
		f.Field = vendor.Fields().Rename(op, f.Core.Field)
	}
	r := vendor.Render(f)
	if r == nil {
		r = &httpapi.Reply{Status: http.StatusInternalServerError, Cause: err}
	}
	if r.Status >= 500 && r.Cause == nil {
		r.Cause = err
	}
	return r
}

// errorHandler is Echo's HTTPErrorHandler: it sends what render makes of any error.
func (rt *routes) errorHandler(log *slog.Logger) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		r := rt.render(c, err)
		if r.Status >= 500 && clientGone(c, r.Cause) {
			// The client cancelled or hung up while the request waited (for a hashing slot, the
			// database): nobody reads an answer, and it is not a server failure. 499 is nginx's
			// "client closed request", for the access log only.
			log.InfoContext(c.Request().Context(), "client went away", "method", c.Request().Method, "path", loggedPath(c), "err", r.Cause)
			c.Response().WriteHeader(statusClientClosedRequest)
			return
		}
		if r.Status == http.StatusServiceUnavailable {
			log.WarnContext(c.Request().Context(), "database unavailable", "method", c.Request().Method, "path", loggedPath(c), "err", r.Cause)
		} else if r.Status >= 500 {
			log.ErrorContext(c.Request().Context(), "request failed", "method", c.Request().Method, "path", loggedPath(c),
				"status", r.Status, "err", r.Cause)
		}
		for k, v := range r.Headers {
			c.Response().Header().Set(k, v)
		}
		if r.HTML != nil && c.Request().Method != http.MethodHead {
			// The same Content-Type as the pages' own answers (Echo's HTMLBlob says "UTF-8").
			if werr := c.Blob(r.Status, "text/html; charset=utf-8", r.HTML); werr != nil {
				log.ErrorContext(c.Request().Context(), "writing error response", "err", werr)
			}
			return
		}
		if c.Request().Method == http.MethodHead || r.Body == nil {
			_ = c.NoContent(r.Status)
			return
		}
		if werr := c.JSON(r.Status, r.Body); werr != nil {
			log.ErrorContext(c.Request().Context(), "writing error response", "err", werr)
		}
	}
}

// statusClientClosedRequest is what the access log shows for a request its client abandoned.
const statusClientClosedRequest = 499

// clientGone tells whether err is the request's own context ending (the client cancelled or
// disconnected), as opposed to a failure of the server. database/sql does not always say so:
// it rolls a transaction back the moment its context ends, so the transaction's next statement
// fails with sql.ErrTxDone, and a query cut off mid-flight leaves driver.ErrBadConn. With the
// request's context over, those are the cancellation too (the load benchmark's runs ended
// with a few of them logged as 500s).
func clientGone(c echo.Context, err error) bool {
	return c.Request().Context().Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, sql.ErrTxDone) || errors.Is(err, driver.ErrBadConn))
}
