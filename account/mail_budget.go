package account

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/accountd/accountd/models"
	"gorm.io/gorm"
)

// spendMail is the one budget of every mailed code: one mail of flow per ResendCooldown for
// subject (a cooldown measured from the last mail) and SendsPerHour per hour. flow is the
// code's purpose and subject the account for every flow of an account, whichever vendor's
// endpoint mails it, so one account has one clock per flow; flows that must not tell whether
// an address is known (a password reset, Rixl's resend by address) use the address's key as
// subject and drop a refused request silently.
//
// The hourly budget counts only mails the cooldown let through. Run inside the transaction
// that makes the code, the cooldown serialises parallel requests on its row, so exactly one
// passes, and a request refused or failing later rolls both counts back; run on its own (db not
// a transaction), the counts commit at once (spendMailNow shares the statement with parallel
// requests).
//
// On PostgreSQL both counts are one statement (budgetSQL; the load benchmark's mailed flows
// each lost a round trip), on SQLite two (gate, then hit: in process, a statement costs no
// round trip). Both are the same rule: TestSpendMailIsOneRule runs them side by side.
func (s *Service) spendMail(db *gorm.DB, flow, subject string) error {
	if s.db.Dialect != models.Postgres {
		return s.spendMailSteps(db, flow, subject)
	}
	ask := s.budgetAsk(flow, subject)
	if err := s.spendBudgets(db, []*budgetAsk{ask}); err != nil {
		return err
	}
	return ask.verdict
}

// spendMailNow is spendMail on its own (each count committed at once) for a request that
// spends before anything else, and that reads with it the owner of the address whose key is
// ownerKey ("": nothing to read) and its membership of orgID, as ownerRead: the password reset
// (whose owner lookup rides in the budget's statement) and the email change. Such requests
// arrive at the rate unauthenticated callers choose, so on PostgreSQL parallel ones share one
// statement (s.budgets: their round trips, commits and planning); on SQLite the owner is read
// after the budget, when it passes. found says whether the read found its row; when the
// budget refuses, row is not to be trusted. The counts are written even when ctx ends: other
// requests may share the statement.
func (s *Service) spendMailNow(ctx context.Context, flow, subject, ownerKey, orgID string) (row memberRow, found bool, err error) {
	if s.db.Dialect != models.Postgres {
		db := s.db.WithContext(ctx)
		if err := s.spendMailSteps(db, flow, subject); err != nil || ownerKey == "" {
			return row, false, err
		}
		read := ownerRead(ownerKey, orgID)
		found, err = rawRow(db, &row, read.SQL, read.Vars...)
		return row, found, err
	}
	ask := s.budgetAsk(flow, subject)
	ask.Owner, ask.Org = ownerKey, orgID
	if err := s.budgets.add(ctx, ask); err != nil {
		return row, false, err
	}
	return ask.row.Row, ask.verdict == nil && ask.row.Budget.ReadFound.Bool, ask.verdict
}

func mailCooldownScope(flow string) string { return "mail-cooldown/" + flow }

// spendMailSteps is spendMail in two statements: the cooldown (gate), then the hourly count.
func (s *Service) spendMailSteps(db *gorm.DB, flow, subject string) error {
	if err := s.gate(db, mailCooldownScope(flow), subject, s.cfg.ResendCooldown); err != nil {
		return err
	}
	hourly := s.mailHourly(flow)
	hits, rest, err := s.hit(db, hourly, subject)
	if err != nil {
		return err
	}
	if hits > hourly.Max {
		return s.limited(hourly.Scope, rest)
	}
	return nil
}

// budgetAsk is one request's spend in budgetSQL: its rows' keys (and the owner to read) in,
// the statement's answer and the budget's verdict out.
type budgetAsk struct {
	N     int    `json:"n"` // its place in the batch: the answer's rows are matched by it
	Gate  string `json:"gate"`
	Hour  string `json:"hour"`
	Owner string `json:"owner"`
	Org   string `json:"org"`

	flow    string
	written bool // its statement succeeded: a batch written again item by item skips it
	row     budgetAndRow
	verdict error // nil: the budget passed; else the refusal (KindRateLimited)
}

// budgetAsk is the ask of subject's budget for flow (nothing to read).
func (s *Service) budgetAsk(flow, subject string) *budgetAsk {
	return &budgetAsk{Gate: s.keys.limitKey(mailCooldownScope(flow), subject),
		Hour: s.keys.limitKey(s.mailHourly(flow).Scope, subject), flow: flow}
}

// budgetSQL is gate and hit of spendMail in one statement, for every ask of a batch (the
// JSON array @asks, each of its subjects once): a cooldown row is stamped when its last stamp
// is old enough (gate), its hourly row is counted only when the cooldown passed (hour reads
// gate's RETURNING, so it runs after it), and the cooldown's stamp as it was before the
// statement comes back for the refusal's Retry-After. Beside each answer, the owner of the
// ask's address (ownerRead, "": none) with its primary address and membership: read_found and
// the read's columns, or NULLs when it finds nothing. The read sees the statement's snapshot,
// as a statement of its own sent after the budget would (the budget writes no row it reads).
var budgetSQL = sync.OnceValue(func() string {
	return `WITH ask AS (
  SELECT * FROM json_to_recordset(CAST(@asks AS json)) AS a(n int, gate text, hour text, owner text, org text)
), gate AS (
  INSERT INTO rate_limits (key, window_start, hits) SELECT gate, @now, 1 FROM ask
  ON CONFLICT (key) DO UPDATE SET window_start = @now, hits = 1 WHERE rate_limits.window_start <= @cooled
  RETURNING key
), hour AS (
  INSERT INTO rate_limits (key, window_start, hits) SELECT ask.hour, @now, 1 FROM ask JOIN gate ON gate.key = ask.gate
  ON CONFLICT (key) DO UPDATE SET
    hits = CASE WHEN rate_limits.window_start > @open THEN rate_limits.hits + 1 ELSE 1 END,
    window_start = CASE WHEN rate_limits.window_start > @open THEN rate_limits.window_start ELSE @now END
  RETURNING key, hits, window_start
)
SELECT ask.n, gate.key IS NOT NULL AS passed, hour.hits, hour.window_start AS hour_start,
  (SELECT window_start FROM rate_limits WHERE key = ask.gate) AS last_stamp, got.*
FROM ask LEFT JOIN gate ON gate.key = ask.gate LEFT JOIN hour ON hour.key = ask.hour
LEFT JOIN LATERAL (SELECT true AS read_found, ` + ownerSelect("ask.owner", "ask.org <> '' AND "+memberColumnOf("ask.org")) + `
  WHERE ask.owner <> '' LIMIT 1) AS got ON true`
})

// budgetAnswer is what budgetSQL returns for one ask.
type budgetAnswer struct {
	Passed    bool
	Hits      sql.NullInt64
	HourStart sql.NullTime
	LastStamp sql.NullTime
	ReadFound sql.NullBool
}

// budgetAndRow is budgetSQL's row: one struct for every column, so GORM's scanner finds each
// column's field at once (two scans of one row, each skipping the other's columns, cost a
// third of the request's allocations in name lookups).
type budgetAndRow struct {
	N      int
	Budget budgetAnswer `gorm:"embedded"`
	Row    memberRow    `gorm:"embedded"`
}

// budgetCombiner shares budgetSQL among the asks of parallel spendMailNow calls.
func (s *Service) budgetCombiner() *combiner[*budgetAsk] {
	return &combiner[*budgetAsk]{max: 500, write: func(ctx context.Context, batch []*budgetAsk) error {
		return s.spendBudgets(s.db.WithContext(ctx), batch)
	}}
}

// spendBudgets runs budgetSQL (PostgreSQL) for asks not yet written and sets each one's
// answer and verdict. One statement may hold a subject once (its rows are updated once), so a
// subject asked for again goes to the next statement, after the first: it sees the first's
// stamp, as a request arriving just after it would.
func (s *Service) spendBudgets(db *gorm.DB, asks []*budgetAsk) error {
	for pending := asks; len(pending) > 0; {
		var now []*budgetAsk
		now, pending = firstOfEachGate(pending)
		if err := s.spendBudgetsOnce(db, now); err != nil {
			return err
		}
	}
	return nil
}

// firstOfEachGate splits asks (those not yet written) into the first ask of each cooldown row
// and the rest, in order.
func firstOfEachGate(asks []*budgetAsk) (first, rest []*budgetAsk) {
	seen := make(map[string]bool, len(asks))
	for _, a := range asks {
		switch {
		case a.written:
		case seen[a.Gate]:
			rest = append(rest, a)
		default:
			seen[a.Gate] = true
			first = append(first, a)
		}
	}
	return first, rest
}

// spendBudgetsOnce is one budgetSQL statement for asks, each of its subjects once.
func (s *Service) spendBudgetsOnce(db *gorm.DB, asks []*budgetAsk) error {
	if len(asks) == 0 {
		return nil
	}
	for i, a := range asks {
		a.N = i
	}
	list, err := json.Marshal(asks)
	if err != nil {
		return err
	}
	now, cooldown := s.now(), s.cfg.ResendCooldown
	hourly := s.mailHourly("") // the window is every flow's
	rows, err := db.Raw(budgetSQL(), map[string]any{"asks": string(list), "now": now,
		"cooled": now.Add(-cooldown), "open": now.Add(-hourly.Window)}).Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	answered := 0
	for rows.Next() {
		var out budgetAndRow
		if err := db.ScanRows(rows, &out); err != nil {
			return err
		}
		if out.N < 0 || out.N >= len(asks) {
			return fmt.Errorf("budget answer for ask %d of %d", out.N, len(asks))
		}
		asks[out.N].row = out
		answered++
	}
	if err := rows.Close(); err != nil {
		return err
	}
	if answered != len(asks) {
		return fmt.Errorf("budget answered %d of %d asks", answered, len(asks))
	}
	for _, a := range asks {
		a.written, a.verdict = true, s.budgetVerdict(now, a.flow, a.row.Budget)
	}
	return nil
}

// budgetVerdict is the budget's answer b read as spendMail's: nil when it passed, else the
// refusal with its Retry-After.
func (s *Service) budgetVerdict(now time.Time, flow string, b budgetAnswer) error {
	cooldown, hourly := s.cfg.ResendCooldown, s.mailHourly(flow)
	if !b.Passed {
		// The stamp read is the statement's snapshot: a parallel request that passed just
		// before may have stamped the row since, so a stamp that reads as old means "now".
		rest := cooldown
		if b.LastStamp.Valid && b.LastStamp.Time.After(now.Add(-cooldown)) {
			rest = b.LastStamp.Time.Add(cooldown).Sub(now)
		}
		return s.limited(mailCooldownScope(flow), rest)
	}
	if int(b.Hits.Int64) > hourly.Max {
		return s.limited(hourly.Scope, b.HourStart.Time.Add(hourly.Window).Sub(now))
	}
	return nil
}
