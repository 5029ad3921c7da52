// Package metrics is accountd's Prometheus instrumentation (GET /metrics): requests by
// operationId, vendor and status, latency per operationId, security events and refusals of
// the account flows, mail queued and delivered, the outbox's state, the database pool, the
// argon2id slots and the Go runtime. Labels are operationIds, vendor tags, event kinds and
// error codes: never an address, a token or a code. Every method is safe on a nil *Metrics
// (no instrumentation), so tests and tools can leave it out.
package metrics

import (
	"context"
	"database/sql"
	"strconv"
	"time"

	"github.com/accountd/accountd/account"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Metrics holds the registry and the instruments the service updates.
type Metrics struct {
	Registry   *prometheus.Registry
	requests   *prometheus.CounterVec
	latency    *prometheus.HistogramVec
	events     *prometheus.CounterVec
	refusals   *prometheus.CounterVec
	mailQueued *prometheus.CounterVec
	deliveries *prometheus.CounterVec
	webhooks   *prometheus.CounterVec
	limits     *prometheus.CounterVec
}

// New makes the registry with the Go runtime and process collectors and the service's own.
func New() *Metrics {
	m := &Metrics{Registry: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "accountd_http_requests_total",
		Help: "HTTP requests answered, by operationId (\"\" for no operation: 404, 405), vendor tag and status."},
		[]string{"operation", "vendor", "status"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "accountd_http_request_duration_seconds",
		Help:    "Time to answer a request, by operationId.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}}, []string{"operation"})
	m.events = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "accountd_events_total",
		Help: "Security events of the account flows, as in the audit trail: user_registered, login, login_failed, login_throttled, password_changed, email_change_completed, ..."},
		[]string{"kind"})
	m.refusals = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "accountd_refusals_total",
		Help: "Requests the account core refused, by operationId and reason code: throttled (a limit hit), invalid_code, code_expired, wrong_password, invalid_credentials, ..."},
		[]string{"operation", "code"})
	m.mailQueued = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "accountd_mail_queued_total",
		Help: "Mails written to the outbox (codes and links sent, notices), by kind."}, []string{"kind"})
	m.deliveries = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "accountd_mail_deliveries_total",
		Help: "Delivery attempts of outbox mail, by outcome: sent, failed (retried with backoff or dead-lettered), unreachable (the mail server could not be reached), unrecorded (delivered but not recorded: it goes again with its Message-ID)."},
		[]string{"outcome"})
	m.webhooks = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "accountd_webhook_deliveries_total",
		Help: "Delivery attempts of webhook events, by outcome: sent (a 2xx), failed (retried with backoff or dead-lettered), unrecorded (delivered but not recorded: it goes again with its webhook-id)."},
		[]string{"outcome"})
	m.limits = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "accountd_limits_hit_total",
		Help: "Requests a limit refused, by the limit's scope: login-fail-client, login-fail, auth-fail (Payway's freeze), password-recheck, register-client, mail-cooldown/<flow>, mail-hour/<flow>."},
		[]string{"scope"})
	m.Registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.requests, m.latency, m.events, m.refusals, m.mailQueued, m.deliveries, m.webhooks, m.limits)
	return m
}

// Request records one answered request.
func (m *Metrics) Request(operation, vendor string, status int, d time.Duration) {
	if m == nil {
		return
	}
	m.requests.WithLabelValues(operation, vendor, strconv.Itoa(status)).Inc()
	m.latency.WithLabelValues(operation).Observe(d.Seconds())
}

// Event records a security event (an audit kind).
func (m *Metrics) Event(kind string) {
	if m != nil {
		m.events.WithLabelValues(kind).Inc()
	}
}

// Refusal records a request the core refused with code.
func (m *Metrics) Refusal(operation, code string) {
	if m != nil {
		m.refusals.WithLabelValues(operation, code).Inc()
	}
}

// MailQueued records a mail written to the outbox.
func (m *Metrics) MailQueued(kind string) {
	if m != nil {
		m.mailQueued.WithLabelValues(kind).Inc()
	}
}

// Delivery records the outcome of one delivery attempt.
func (m *Metrics) Delivery(outcome string) {
	if m != nil {
		m.deliveries.WithLabelValues(outcome).Inc()
	}
}

// WebhookDelivery records the outcome of one webhook delivery attempt.
func (m *Metrics) WebhookDelivery(outcome string) {
	if m != nil {
		m.webhooks.WithLabelValues(outcome).Inc()
	}
}

// LimitHit records a request refused by a limit of scope.
func (m *Metrics) LimitHit(scope string) {
	if m != nil {
		m.limits.WithLabelValues(scope).Inc()
	}
}

// Hashing is what the argon2id gauges read (password.Hasher).
type Hashing interface {
	Slots() int
	InUse() int
	Waiting() int
}

// Requests is what the request-slot gauges read (httpapi.ActiveLimit).
type Requests interface {
	Slots() int
	Active() int
	Waiting() int
}

// WatchRequests adds the gauges of the requests worked on at once (ACCOUNTD_ACTIVE_REQUESTS)
// and of those waiting for a slot: a waiting count above zero for long means the replica is
// saturated.
func (m *Metrics) WatchRequests(r Requests) {
	if m == nil || r == nil {
		return
	}
	m.Registry.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "accountd_http_request_slots", Help: "Requests that may be worked on at once."},
			func() float64 { return float64(r.Slots()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "accountd_http_requests_active", Help: "Requests being worked on."},
			func() float64 { return float64(r.Active()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "accountd_http_requests_waiting", Help: "Requests waiting for a slot."},
			func() float64 { return float64(r.Waiting()) }))
}

// Watch adds the gauges read at each scrape: the database pool (database/sql's stats), the
// argon2id slots, and the outbox's state (one query, bounded to a second).
func (m *Metrics) Watch(db *sql.DB, hashing Hashing, core *account.Service) {
	if m == nil {
		return
	}
	m.Registry.MustRegister(collectors.NewDBStatsCollector(db, "accountd"))
	if hashing != nil {
		m.Registry.MustRegister(
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "accountd_argon2_slots", Help: "argon2id computations that may run at once."},
				func() float64 { return float64(hashing.Slots()) }),
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "accountd_argon2_slots_in_use", Help: "argon2id computations running."},
				func() float64 { return float64(hashing.InUse()) }),
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "accountd_argon2_waiting", Help: "argon2id computations waiting for a slot."},
				func() float64 { return float64(hashing.Waiting()) }))
	}
	if core != nil {
		m.Registry.MustRegister(outboxCollector{core})
	}
}

// outboxCollector reports the outbox's state at each scrape.
type outboxCollector struct{ core *account.Service }

var outboxDesc = prometheus.NewDesc("accountd_outbox_messages",
	"Outbox messages by channel (mail, webhook) and state: pending (first attempt due), retrying (after a failed attempt), dead (given up: `accountd outbox list --status dead`), sent, logged.",
	[]string{"channel", "state"}, nil)

func (outboxCollector) Describe(ch chan<- *prometheus.Desc) { ch <- outboxDesc }

func (c outboxCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	stats, err := c.core.OutboxStats(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(outboxDesc, err)
		return
	}
	for channel, st := range stats {
		for state, n := range map[string]int64{"pending": st.Pending, "retrying": st.Retrying, "dead": st.Dead, "sent": st.Sent, "logged": st.Logged} {
			ch <- prometheus.MustNewConstMetric(outboxDesc, prometheus.GaugeValue, float64(n), channel, state)
		}
	}
}
