package handlers

import (
	"log/slog"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// accessLog writes one line per request (and counts it in the metrics): method, operationId,
// path (never the query; a code or token in it replaced: loggedPath), status,
// duration and client address; the request id comes with the request's context. Bodies,
// headers and queries are never logged: they carry passwords, codes and tokens.
func (rt *routes) accessLog(log *slog.Logger) echo.MiddlewareFunc {
	return middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		// Liveness probes come every few seconds from every orchestrator and always answer 200;
		// a log line each would be most of the log and a write per probe (load benchmark).
		Skipper:     func(c echo.Context) bool { return c.Request().URL.Path == "/healthz" },
		HandleError: true, // run the error handler first, so the logged status is the one sent
		LogMethod:   true, LogStatus: true, LogLatency: true, LogRemoteIP: true,
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			op, _ := rt.operation(c)
			vendor, _ := rt.vendorOf(c)
			rt.metrics.Request(op.id, vendor.Name(), v.Status, v.Latency)
			log.LogAttrs(c.Request().Context(), slog.LevelInfo, "request", slog.String("method", v.Method),
				slog.String("operation", op.id), slog.String("path", loggedPath(c)), slog.Int("status", v.Status),
				slog.Float64("duration_ms", float64(v.Latency.Microseconds())/1000), slog.String("client_ip", v.RemoteIP))
			return nil
		},
	})
}
