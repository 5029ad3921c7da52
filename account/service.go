package account

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/accountd/accountd/account/password"
	"github.com/accountd/accountd/models"
	"gorm.io/gorm"
)

// Config holds the core's policies. Zero values take the defaults below.
type Config struct {
	// Secret keys code HMACs, sealed mail and rate-limit keys (ACCOUNTD_SECRET).
	Secret []byte
	// Hasher hashes passwords; nil means argon2id with password.DefaultParams.
	Hasher PasswordHasher
	// Now is the clock; tests move it to expire codes without sleeping.
	Now func() time.Time
	// Logger receives operational messages.
	Logger *slog.Logger
	// OnAudit and OnMailQueued, when set, are told of each audit event and each mail written
	// to the outbox, by kind (metrics). They are called as the event is made (inside its
	// transaction, or as it joins a shared INSERT), so an event whose write fails is counted too.
	OnAudit      func(kind string)
	OnMailQueued func(kind string)
	// OnLimit, when set, is told of each request a limit refused, by the limit's scope
	// (login-fail-client, mail-hour/<flow>, ...; never its key).
	OnLimit func(scope string)

	LinkTTL         time.Duration // lifetime of a mailed link token (default 60 min)
	CodeTTL         time.Duration // lifetime of a typed code (default 15 min)
	ResendCooldown  time.Duration // minimum time between two mails of one flow for one account (default 60 s)
	SendsPerHour    int           // mails of one flow per account or address per hour (default 5)
	MaxCodeAttempts int           // wrong tries before a code is burned (default 5)
	// ResetFloor is the least time RequestPasswordReset takes, so known and unknown addresses
	// cannot be told apart by timing (default 250 ms; negative disables).
	ResetFloor time.Duration
	// UndoEmailChangeLink is the undo link of the notice to the old address after an email
	// change, with "{code}" where the code goes (empty: the notice carries none).
	UndoEmailChangeLink string

	// API tokens (CredentialAPIToken) are revocable bearer tokens. Webshare's never expire, so
	// by default neither do these; an operator may bound them:
	APITokenIdleTimeout time.Duration // refused after this long unused (0: never)
	APITokenLifetime    time.Duration // refused this long after issue (0: never)
	// LastUsedInterval is how stale a credential's last_used_at may get: it is written at most
	// once per interval per credential, so busy tokens do not turn every read into a write
	// (default 5 min).
	LastUsedInterval time.Duration
	// AnonymousAuditRetention bounds how long audit events without a known user (failed logins
	// and resets for unknown addresses, lockouts) are kept: unauthenticated callers can create
	// them at will, so Sweep removes them after this (default 30 days). Events of a known user
	// are kept.
	AnonymousAuditRetention time.Duration

	// Webhooks are the endpoints that receive account events (ACCOUNTD_WEBHOOK_URL): each
	// event is queued in the outbox, in the transaction of its change, once per endpoint that
	// wants its type.
	Webhooks []WebhookSubscription
}

// PasswordHasher is what the core needs from password.Hasher. Every method that hashes takes
// the request's context: it waits for a hashing slot only while the caller is still there.
type PasswordHasher interface {
	HashContext(ctx context.Context, plain string) (string, error)
	VerifyContext(ctx context.Context, plain, encoded string) (bool, error)
	VerifyAgainstDummyContext(ctx context.Context, plain string) error
	NeedsRehash(encoded string) bool
}

func (c *Config) setDefaults() {
	if c.Hasher == nil {
		c.Hasher = password.NewHasher(password.DefaultParams)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	setDuration(&c.LinkTTL, time.Hour)
	setDuration(&c.CodeTTL, 15*time.Minute)
	setDuration(&c.ResendCooldown, time.Minute)
	setDuration(&c.ResetFloor, 250*time.Millisecond)
	setDuration(&c.LastUsedInterval, 5*time.Minute)
	setDuration(&c.AnonymousAuditRetention, 30*24*time.Hour)
	if c.SendsPerHour == 0 {
		c.SendsPerHour = 5
	}
	if c.MaxCodeAttempts == 0 {
		c.MaxCodeAttempts = 5
	}
}

func setDuration(d *time.Duration, def time.Duration) {
	if *d == 0 {
		*d = def
	}
}

// Service is the account core.
type Service struct {
	db   *models.DB
	cfg  Config
	keys keys
	// mailQueued wakes the dispatcher when a transaction that wrote mail commits.
	mailQueued chan struct{}
	// openTx counts transactions in progress, so tests can assert that no password is hashed
	// while one is open (argon2id inside a transaction holds its locks for the whole hash).
	openTx atomic.Int32
	// ready caches the readiness answer (ready.go).
	ready readiness
	// alone writes the events of auditAlone.
	alone *combiner[models.AuditEvent]
	// budgets writes the mail budgets of spendMailNow.
	budgets *combiner[*budgetAsk]
}

// New builds the core on an open, migrated database.
func New(db *models.DB, cfg Config) (*Service, error) {
	cfg.setDefaults()
	k, err := deriveKeys(cfg.Secret)
	if err != nil {
		return nil, err
	}
	s := &Service{db: db, cfg: cfg, keys: k, mailQueued: make(chan struct{}, 1)}
	s.alone, s.budgets = s.auditCombiner(), s.budgetCombiner()
	return s, nil
}

// MailQueued receives a value after a transaction that wrote outbox mail commits, so a
// dispatcher can send at once instead of at its next poll. Wake-ups coalesce.
func (s *Service) MailQueued() <-chan struct{} { return s.mailQueued }

// mailFlag marks, in a transaction's context, that the transaction wrote outbox mail.
type mailFlag struct{ wrote bool }

type mailFlagKey struct{}

// Delivery says how a one-time code reaches the user.
type Delivery struct {
	// Link is a URL with "{code}" where the code goes. Empty: the mail shows the code itself.
	Link string
	// Digits > 0 makes a code of that many decimal digits, to be typed by hand (short-lived,
	// attempt-limited). 0 makes a 256-bit URL-safe token, for links.
	Digits int
	// UUID makes the code a random (version 4) UUID, for APIs that document codes of that form.
	UUID bool
	// Page, for a bare code (no Link), is a page where the code can be typed; the mail names
	// it. The page's URL holds no code, so a mail scanner that opens it learns nothing.
	Page string
}

// CredentialSpec says what credential a flow hands out; the vendor decides.
type CredentialSpec struct {
	Kind   string // models.Credential* kind
	Scopes []string
	TTL    time.Duration // 0: no expiry (revocable API tokens)
}

// Session is a credential handed to a caller.
type Session struct {
	UserID string
	Token  string
	// ExpiresAt is nil for credentials that do not expire.
	ExpiresAt *time.Time
}

// Ping checks the database (health checks).
func (s *Service) Ping(ctx context.Context) error { return s.db.Ping(ctx) }

// now is the service clock in UTC (both databases store UTC).
func (s *Service) now() time.Time { return s.cfg.Now().UTC() }

// tx runs fn in a transaction; an *Error returned by fn passes through unchanged.
func (s *Service) tx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	return s.atomically(ctx, func(db *gorm.DB) error { return db.Transaction(fn) })
}

// writeTx is tx for a block of writes whose results it does not read (batchWrites): on
// PostgreSQL one statement, and no transaction around it when fn reads nothing.
func (s *Service) writeTx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	return s.atomically(ctx, func(db *gorm.DB) error { return s.batchWrites(db, fn) })
}

// atomically runs an atomic block (tx, writeTx): the dispatcher is woken when it committed
// mail, and its error is the core's.
func (s *Service) atomically(ctx context.Context, run func(db *gorm.DB) error) error {
	flag := &mailFlag{}
	s.openTx.Add(1)
	err := run(s.db.WithContext(context.WithValue(ctx, mailFlagKey{}, flag)))
	s.openTx.Add(-1)
	if err == nil {
		if flag.wrote {
			select {
			case s.mailQueued <- struct{}{}:
			default: // a wake-up is already pending
			}
		}
		return nil
	}
	return coreError(err)
}

// coreError is the core's error for the error of a statement or block (nil stays nil): its
// own errors as they are, a unique address taken as such, anything else internal.
func coreError(err error) error {
	var e *Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &e):
		return e
	case errors.Is(err, gorm.ErrDuplicatedKey):
		// Only addresses have a unique constraint a caller can hit; ids and hashes are random.
		return errEmailTaken()
	}
	return internal(err)
}

// audit appends a security event inside tx.
func (s *Service) audit(tx *gorm.DB, userID, kind, detail string) error {
	ev := s.auditEvent(userID, kind, detail)
	if err := tx.Create(&ev).Error; err != nil {
		return err
	}
	return s.queueEvent(tx, userID, kind, ev.Detail)
}

func (s *Service) auditEvent(userID, kind, detail string) models.AuditEvent {
	ev := models.AuditEvent{ID: models.NewID(), Kind: kind, Detail: detail, CreatedAt: s.now()}
	if s.cfg.OnAudit != nil {
		s.cfg.OnAudit(kind)
	}
	if userID != "" {
		ev.UserID = &userID
	}
	if ev.Detail == "" {
		ev.Detail = "{}"
	}
	return ev
}

// auditAlone appends a security event that is all its request writes (a failed password
// check, a reset asked for an unknown address). It is stored before it returns and even when
// the caller has gone (the event happened). Such events arrive from unauthenticated callers at
// the rate they choose, so parallel ones share an INSERT (auditCombiner); an event that
// webhooks announce is written with its outbox rows in one transaction instead.
func (s *Service) auditAlone(ctx context.Context, userID, kind, detail string) error {
	if _, subs := s.subscribers(kind); len(subs) > 0 {
		return s.tx(context.WithoutCancel(ctx), func(tx *gorm.DB) error { return s.audit(tx, userID, kind, detail) })
	}
	return s.alone.add(ctx, s.auditEvent(userID, kind, detail))
}

// auditCombiner shares one INSERT among the events of parallel auditAlone calls.
func (s *Service) auditCombiner() *combiner[models.AuditEvent] {
	return &combiner[models.AuditEvent]{max: 500, write: func(ctx context.Context, batch []models.AuditEvent) error {
		return s.db.WithContext(ctx).Create(&batch).Error
	}}
}

// auditNow is auditAlone for a caller that does not fail with it: an error is logged.
func (s *Service) auditNow(ctx context.Context, userID, kind, detail string) {
	if err := s.auditAlone(ctx, userID, kind, detail); err != nil {
		s.cfg.Logger.ErrorContext(ctx, "audit", "kind", kind, "err", err)
	}
}

// auditThrottled records a lockout once per limit window (first), not once per refused try.
func (s *Service) auditThrottled(ctx context.Context, first bool, userID, kind, client string) {
	if first {
		s.auditNow(ctx, userID, kind, clientDetail(client))
	}
}

func clientDetail(client string) string {
	if client == "" {
		return ""
	}
	return auditDetail(map[string]string{"client": client})
}

// auditDetail renders a small JSON object for an audit event.
func auditDetail(kv map[string]string) string {
	b, _ := json.Marshal(kv)
	return string(b)
}
