package handlers

import (
	"github.com/accountd/accountd/handlers/httpapi"
	"github.com/labstack/echo/v4"
)

// requestID gives every request its id (the client's X-Request-ID when sane, a new one
// otherwise) before anything else runs: it is on every answer, and on every log line written
// with the request's context (app's logger adds it).
func requestID(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		id := httpapi.RequestID(req.Header.Get(httpapi.HeaderRequestID))
		c.Response().Header().Set(httpapi.HeaderRequestID, id)
		c.SetRequest(req.WithContext(httpapi.WithRequestID(req.Context(), id)))
		return next(c)
	}
}
