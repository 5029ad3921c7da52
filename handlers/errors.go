package handlers

import (
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// reply is a finished error response in one vendor's format.
type reply struct {
	status  int
	body    any
	headers map[string]string
	cause   error // logged for 5xx, never sent
}

func (r *reply) Error() string {
	if r.cause != nil {
		return http.StatusText(r.status) + ": " + r.cause.Error()
	}
	return http.StatusText(r.status)
}

// vendorStyle renders failures as one vendor does.
type vendorStyle func(failure) *reply

// styleFor picks the error style by path prefix, so even requests that match no operation
// (404, 405) are answered in the style of the API they were aimed at.
func styleFor(path string) vendorStyle {
	switch {
	case strings.HasPrefix(path, "/api/v2/"):
		return webshareReply
	case strings.HasPrefix(path, "/auth/v1/"):
		return rixlReply
	default:
		return webshareReply // the service endpoints share Django REST Framework's plain {"detail"} body
	}
}

// errorHandler is Echo's HTTPErrorHandler: every error, from validation, authentication, the
// handlers, the body limit or a recovered panic, ends here and leaves in the vendor's body.
func errorHandler(log *slog.Logger) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		var r *reply
		if !errors.As(err, &r) {
			r = styleFor(c.Request().URL.Path)(classify(err))
		}
		if r.status >= 500 {
			log.Error("request failed", "method", c.Request().Method, "path", c.Request().URL.Path,
				"status", r.status, "err", err)
		}
		for k, v := range r.headers {
			c.Response().Header().Set(k, v)
		}
		if c.Request().Method == http.MethodHead {
			_ = c.NoContent(r.status)
			return
		}
		if werr := c.JSON(r.status, r.body); werr != nil {
			log.Error("writing error response", "err", werr)
		}
	}
}

// accessLog writes one line per request.
func accessLog(log *slog.Logger) echo.MiddlewareFunc {
	return middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		HandleError: true, // run the error handler first, so the logged status is the one sent
		LogMethod:   true, LogURIPath: true, LogStatus: true, LogLatency: true, LogRemoteIP: true,
		LogValuesFunc: func(_ echo.Context, v middleware.RequestLoggerValues) error {
			log.Info("request", "method", v.Method, "path", v.URIPath, "status", v.Status,
				"latency_ms", float64(v.Latency)/float64(time.Millisecond), "remote_ip", v.RemoteIP)
			return nil
		},
	})
}
