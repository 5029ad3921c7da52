// Package handlers is the HTTP side of accountd: one Echo server that validates every request
// against openapi.yaml, authenticates it with the security schemes of the operation's vendor,
// and hands it to that vendor's handlers (one package per vendor under handlers/, composed in
// compose.go), which call the account core. Every error leaves through one path (errors.go) in
// the body of the operation's vendor, which is read from openapi.yaml (routes.go).
package handlers

import (
	"fmt"
	"log/slog"
	"net"
	"strings"

	"github.com/accountd/accountd/account"
	"github.com/accountd/accountd/captcha"
	"github.com/accountd/accountd/gen/server"
	"github.com/accountd/accountd/gen/spec"
	"github.com/accountd/accountd/handlers/akana"
	"github.com/accountd/accountd/handlers/httpapi"
	"github.com/accountd/accountd/handlers/pages"
	"github.com/accountd/accountd/metrics"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	echomiddleware "github.com/oapi-codegen/echo-middleware"
)

// Config wires the HTTP layer to the core.
type Config struct {
	Core    *account.Service
	Captcha captcha.Verifier
	// PublicURL is the base of links in mails (ACCOUNTD_PUBLIC_URL).
	PublicURL string
	Logger    *slog.Logger
	// TrustedProxies are the networks (CIDRs) of the load balancers in front of the server:
	// X-Forwarded-For is believed only from them. Empty: the peer address is the client.
	TrustedProxies []string
	// BodyLimit caps request bodies (Echo size syntax, default "64KB"): the validator reads the
	// whole body into memory, so the cap must come first.
	BodyLimit string
	// Metrics counts requests and refusals (nil: none); ServeMetrics answers GET /metrics
	// from it on this listener (false: ACCOUNTD_METRICS_ADDR serves them elsewhere).
	Metrics      *metrics.Metrics
	ServeMetrics bool
	// Akana is Akana's own configuration (tenant, session lifetime).
	Akana akana.Settings
	// CORSOrigins are the browser origins allowed to call the API with credentials
	// (ACCOUNTD_CORS_ORIGINS; cors.go). Empty: CORS is off.
	CORSOrigins []string
}

// New builds the HTTP server.
func New(cfg Config) (*echo.Echo, error) {
	if cfg.Core == nil || cfg.Captcha == nil {
		return nil, fmt.Errorf("handlers: Core and Captcha are required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.BodyLimit == "" {
		cfg.BodyLimit = "64KB"
	}
	doc, err := spec.Load()
	if err != nil {
		return nil, fmt.Errorf("load openapi.yaml: %w", err)
	}
	registerFormats()
	registerStrictJSON()

	if err := cfg.Akana.Check(); err != nil {
		return nil, err
	}
	deps := httpapi.Deps{Core: cfg.Core, Captcha: cfg.Captcha, PublicURL: strings.TrimRight(cfg.PublicURL, "/"),
		Links: httpapi.NewLinks(cfg.PublicURL), Logger: cfg.Logger}
	if cfg.ServeMetrics && cfg.Metrics != nil {
		deps.Metrics = cfg.Metrics.Registry
	}
	api, vendors := compose(deps, cfg.Akana)
	rt, err := newRoutes(doc, vendors)
	if err != nil {
		return nil, fmt.Errorf("openapi.yaml and the composed vendors disagree: %w", err)
	}
	rt.metrics = cfg.Metrics

	cors, err := newCORS(cfg.CORSOrigins, doc, cfg.Akana.CSRFHeaderName())
	if err != nil {
		return nil, err
	}

	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	if e.IPExtractor, err = ipExtractor(cfg.TrustedProxies); err != nil {
		return nil, err
	}
	e.HTTPErrorHandler = rt.errorHandler(cfg.Logger)

	e.Use(requestID)
	e.Use(rt.accessLog(cfg.Logger))
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{DisablePrintStack: true,
		LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
			cfg.Logger.ErrorContext(c.Request().Context(), "panic", "path", loggedPath(c), "err", err, "stack", string(stack))
			return err
		}}))
	e.Use(cors)
	e.Use(middleware.BodyLimit(cfg.BodyLimit))
	e.Use(echomiddleware.OapiRequestValidatorWithOptions(doc, &echomiddleware.Options{
		// Every failure goes to the error handler, which answers in the vendor's body.
		ErrorHandler: func(_ echo.Context, err *echo.HTTPError) error { return err },
		Options: openapi3filter.Options{
			AuthenticationFunc: rt.authenticate,
			MultiError:         true,
			// Bind exactly what was validated (closes the case-insensitive JSON key bypass).
			KeepValidatedValue:      true,
			SchemaValidationOptions: []openapi3.SchemaValidationOption{openapi3.DisableSchemaErrorDetails()},
		},
		SilenceServersWarning: true,
		DoNotValidateServers:  true,
	}))
	e.Use(rt.attach)
	e.Use(rt.audience)
	e.Use(pages.Attach)

	server.RegisterHandlers(e, server.NewStrictHandler(api, nil))
	return e, nil
}

// ipExtractor finds the client address (used by the failed-login limits and recaptcha). With no
// trusted proxies it is the peer address, so a client cannot claim another's address.
func ipExtractor(trusted []string) (echo.IPExtractor, error) {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect(), nil
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, cidr := range trusted {
		_, n, err := net.ParseCIDR(strings.TrimSpace(cidr))
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q: %w", cidr, err)
		}
		opts = append(opts, echo.TrustIPRange(n))
	}
	return echo.ExtractIPFromXFFHeader(opts...), nil
}

// registerFormats makes kin-openapi check `format: email` with the core's own rule, so the
// spec, the validator and the core agree on what an address is. Formats are global in kin.
func registerFormats() {
	openapi3.DefineStringFormatValidator("email", openapi3.NewCallbackValidator(func(s string) error {
		if !account.ValidEmail(s) {
			return fmt.Errorf("not a valid email address")
		}
		return nil
	}))
}
