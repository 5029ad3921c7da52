package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/accountd/accountd/account"
	"github.com/accountd/accountd/account/password"
	"github.com/accountd/accountd/captcha"
	"github.com/accountd/accountd/handlers"
	"github.com/accountd/accountd/handlers/akana"
	"github.com/accountd/accountd/handlers/httpapi"
	"github.com/accountd/accountd/mail"
	"github.com/accountd/accountd/mail/templates"
	"github.com/accountd/accountd/metrics"
	"github.com/accountd/accountd/models"
	"github.com/accountd/accountd/webhook"
	"github.com/labstack/echo/v4"
)

// App is a configured accountd.
type App struct {
	DB         *models.DB
	Core       *account.Service
	HTTP       *echo.Echo
	Dispatcher *Dispatcher
	Metrics    *metrics.Metrics
	active     *httpapi.ActiveLimit // requests worked on at once (ACCOUNTD_ACTIVE_REQUESTS)
	cfg        Config
	log        *slog.Logger
}

// New opens and migrates the database and builds the service. Close releases it.
func New(ctx context.Context, cfg Config) (*App, error) {
	cfg.setDefaults()
	log := cfg.Logger
	if cfg.envErr != nil {
		return nil, cfg.envErr
	}
	// The mail settings are checked first, whatever the mode: a malformed URL is a
	// configuration error, not something to find when the first mail fails.
	sender, err := mail.NewSender(cfg.SMTPURL, cfg.MailFrom, log)
	if err != nil {
		return nil, fmt.Errorf("ACCOUNTD_SMTP_URL: %w", err)
	}
	db, err := models.Open(ctx, cfg.DatabaseURL, models.Pool{MaxConns: cfg.DBMaxConns})
	if err != nil {
		return nil, err
	}
	a, err := build(ctx, cfg, db, sender, log)
	if err != nil {
		db.Close()
		return nil, err
	}
	return a, nil
}

func build(ctx context.Context, cfg Config, db *models.DB, sender mail.Sender, log *slog.Logger) (*App, error) {
	secret, err := resolveSecret(cfg, db)
	if err != nil {
		return nil, err
	}
	if err := cfg.checkProductionSafe(log); err != nil {
		return nil, err
	}
	if _, err := models.Migrate(ctx, db); err != nil {
		return nil, err
	}
	if err := cfg.checkLimits(); err != nil {
		return nil, err
	}
	endpoints, err := webhook.ParseEndpoints(cfg.WebhookURL)
	if err != nil {
		return nil, err
	}
	hooks, err := webhook.NewSender(endpoints, nil)
	if err != nil {
		return nil, err
	}
	acfg := account.Config{Webhooks: webhook.Subscriptions(endpoints), Secret: secret, Now: cfg.Now, Logger: log, ResetFloor: cfg.ResetFloor,
		APITokenIdleTimeout: cfg.APITokenIdleTimeout, APITokenLifetime: cfg.APITokenLifetime,
		ResendCooldown: cfg.CodeCooldown, SendsPerHour: cfg.CodesPerHour}
	links := httpapi.NewLinks(cfg.PublicURL)
	acfg.UndoEmailChangeLink = links.UndoEmailChange
	params := password.DefaultParams
	if cfg.PasswordParams != nil {
		params = *cfg.PasswordParams
	}
	hasher := password.NewHasher(params)
	m := metrics.New()
	acfg.Hasher, acfg.OnAudit, acfg.OnMailQueued, acfg.OnLimit = hasher, m.Event, m.MailQueued, m.LimitHit
	core, err := account.New(db, acfg)
	if err != nil {
		return nil, err
	}
	sqlDB, err := db.DB.DB()
	if err != nil {
		return nil, err
	}
	m.Watch(sqlDB, hasher, core)
	active := httpapi.NewActiveLimit(cfg.ActiveRequests)
	m.WatchRequests(active)
	if err := core.RekeyAddresses(ctx); err != nil {
		return nil, fmt.Errorf("normalising stored addresses: %w", err)
	}
	renderer, err := templates.New(templates.Config{From: cfg.MailFrom, FromByVendor: cfg.MailFromByVendor, Dir: cfg.MailTemplates})
	if err != nil {
		return nil, fmt.Errorf("mail (ACCOUNTD_MAIL_FROM*, ACCOUNTD_MAIL_TEMPLATES): %w", err)
	}
	e, err := handlers.New(handlers.Config{Core: core, Captcha: captcha.New(cfg.RecaptchaSecret, cfg.RecaptchaVerifyURL, nil),
		PublicURL: cfg.PublicURL, Logger: log, TrustedProxies: splitList(cfg.TrustedProxies),
		Akana: akana.Settings{Tenant: cfg.AkanaTenant, SessionTTL: cfg.AkanaSessionTTL}, CORSOrigins: splitList(cfg.CORSOrigins),
		Metrics: m, ServeMetrics: cfg.MetricsAddr == ""})
	if err != nil {
		return nil, err
	}
	d := newDispatcher(core, sender, renderer, hooks, cfg.SMTPURL == "", log, cfg.MailLease)
	d.metrics = m
	return &App{DB: db, Core: core, HTTP: e, Dispatcher: d, Metrics: m, active: active, cfg: cfg, log: log}, nil
}

// Close releases the database.
func (a *App) Close() error { return a.DB.Close() }

// Serve answers HTTP on l and dispatches mail until ctx ends (SIGTERM), then shuts down
// gracefully: no new connections or batches, and the requests in flight and the outbox batch
// in hand get the grace period (ACCOUNTD_SHUTDOWN_GRACE, default 15 s) to finish.
func (a *App) Serve(ctx context.Context, l net.Listener) error {
	// Outside in: probes answered at once; floored answers held once their work is done
	// (outside the request slots); at most ACCOUNTD_ACTIVE_REQUESTS requests worked on at once.
	srv := &http.Server{Handler: liveness(httpapi.HoldAnswers(a.active.Wrap(a.HTTP))), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute}
	dispatchDone := make(chan struct{})
	dctx, stopDispatch := context.WithCancel(context.WithoutCancel(ctx))
	go func() {
		defer close(dispatchDone)
		if interval := a.cfg.MailInterval; interval >= 0 {
			if interval == 0 {
				interval = time.Second
			}
			a.Dispatcher.Run(dctx, interval)
		}
	}()
	if a.cfg.MetricsAddr != "" {
		stopMetrics, err := serveMetrics(a.cfg.MetricsAddr, a.Metrics, a.log)
		if err != nil {
			stopDispatch()
			<-dispatchDone
			return fmt.Errorf("ACCOUNTD_METRICS_ADDR: %w", err)
		}
		defer stopMetrics()
	}
	if a.cfg.DebugAddr != "" {
		stopDebug, err := serveDebug(a.cfg.DebugAddr, a.log)
		if err != nil {
			stopDispatch()
			<-dispatchDone
			return fmt.Errorf("ACCOUNTD_DEBUG_ADDR: %w", err)
		}
		defer stopDebug()
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(l) }()
	a.logStartup(l)
	var err error
	select {
	case err = <-serveErr:
		stopDispatch()
		<-dispatchDone
	case <-ctx.Done():
		err = a.shutdown(srv, stopDispatch, dispatchDone)
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// ListenAndServe listens on the configured address and serves until ctx ends.
func (a *App) ListenAndServe(ctx context.Context) error {
	l, err := net.Listen("tcp", a.cfg.Addr)
	if err != nil {
		return err
	}
	return a.Serve(ctx, l)
}

// splitList splits a comma-separated setting, dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, item := range strings.Split(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}
