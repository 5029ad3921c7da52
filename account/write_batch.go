package account

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"github.com/accountd/accountd/models"
	"gorm.io/gorm"
)

// Writes in one statement. A mailed code is four writes whose results nobody reads: the
// revocation of the user's earlier codes, the code, its mail in the outbox and the audit row
// (and the webhook rows the audit kind announces). On PostgreSQL, batchWrites sends such writes
// as ONE statement, a chain of data-modifying CTEs (WITH w1 AS (UPDATE ...), w2 AS (INSERT ...)
// INSERT ...), which is atomic by itself: the known-address reset needs no transaction at all
// (BEGIN, four writes, COMMIT → one statement; load benchmark, bench/results.md). The writes are
// built by GORM as usual; only their execution is deferred, by a connection pool that collects
// each Exec and sends the collection when the block ends or before anything is read (a read
// sees every write before it, as it would unbatched). SQLite runs the block as it is (in
// process, a statement costs no round trip).
//
// What a block may hold: writes to distinct rows (PostgreSQL runs a statement's CTEs on one
// snapshot, so a CTE does not see another's rows, and one row must not be written twice) whose
// result is not read. A batched Exec reports no rows affected, so a conditional write that
// checks its row (oneRow) fails loudly inside a block instead of passing.

// batchWrites runs fn with its writes batched (see above). db is a transaction or the pool: on
// the pool, the block is atomic too, as one statement when fn only writes, else in a
// transaction begun at fn's first read.
func (s *Service) batchWrites(db *gorm.DB, fn func(db *gorm.DB) error) error {
	if s.db.Dialect != models.Postgres {
		if _, inTx := db.Statement.ConnPool.(*sql.Tx); inTx {
			return fn(db)
		}
		return db.Transaction(fn)
	}
	if _, nested := db.Statement.ConnPool.(*batchPool); nested {
		return fn(db) // part of the enclosing block's statement
	}
	p := &batchPool{base: db.Statement.ConnPool}
	if t, ok := db.Dialector.(gorm.ErrorTranslator); ok && db.Config.TranslateError {
		p.translate = t.Translate // a unique violation is gorm.ErrDuplicatedKey, as unbatched
	}
	if sqlDB, ok := p.base.(*sql.DB); ok {
		p.pool = sqlDB
	}
	ctx := db.Statement.Context
	if ctx == nil {
		ctx = context.Background()
	}
	// A session with a context of its own has a statement of its own: the batching pool must
	// not replace the connection of the transaction (or pool) db, which commits after.
	b := db.Session(&gorm.Session{Context: ctx})
	b.Statement.ConnPool = p
	err := fn(b)
	return p.finish(ctx, err)
}

// errBatched is what a batched write says about its rows affected: not known yet.
var errBatched = errors.New("account: a batched write's rows affected are not known before the batch is sent")

type batchedResult struct{}

func (batchedResult) LastInsertId() (int64, error) { return 0, errBatched }
func (batchedResult) RowsAffected() (int64, error) { return 0, errBatched }

type batchedStmt struct {
	sql  string
	args []any
}

// batchPool collects Execs and sends them, as one statement, before the next read and at the end.
type batchPool struct {
	base    gorm.ConnPool // the transaction or pool the block runs on
	pool    *sql.DB       // base, when it is the pool: the block's transaction begins at its first read
	tx      *sql.Tx       // that transaction, once begun
	pending []batchedStmt
	err     error // the first failed send (the block fails with it)
	// translate is GORM's translation of database errors (nil: none).
	translate func(error) error
}

// conn is where statements go now.
func (p *batchPool) conn(ctx context.Context) (gorm.ConnPool, error) {
	if p.tx != nil || p.pool == nil {
		if p.tx != nil {
			return p.tx, nil
		}
		return p.base, nil
	}
	tx, err := p.pool.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	p.tx = tx
	return tx, nil
}

// send sends the pending writes on c as one statement.
func (p *batchPool) send(ctx context.Context, c gorm.ConnPool) error {
	if len(p.pending) == 0 || p.err != nil {
		return p.err
	}
	query, args := chainWrites(p.pending)
	p.pending = nil
	if _, err := c.ExecContext(ctx, query, args...); err != nil {
		if p.translate != nil {
			err = p.translate(err)
		}
		p.err = err
	}
	return p.err
}

// flush sends the pending writes before a read (beginning the block's transaction first when
// it runs on the pool) and returns where the read goes.
func (p *batchPool) flush(ctx context.Context) (gorm.ConnPool, error) {
	if p.err != nil {
		return nil, p.err
	}
	c, err := p.conn(ctx)
	if err != nil {
		p.err = err
		return nil, err
	}
	return c, p.send(ctx, c)
}

// finish ends the block: the pending writes are sent (on the pool, with no transaction when
// nothing was read: one statement is atomic by itself), then the block's own transaction, if
// it began one, commits, or rolls back when fn or a send failed.
func (p *batchPool) finish(ctx context.Context, fnErr error) error {
	if fnErr == nil && p.err == nil {
		c := p.base
		if p.tx != nil {
			c = p.tx
		}
		_ = p.send(ctx, c)
	}
	err := fnErr
	if err == nil {
		err = p.err
	}
	if p.tx != nil {
		if err != nil {
			_ = p.tx.Rollback()
		} else {
			err = p.tx.Commit()
		}
	}
	return err
}

func (p *batchPool) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if p.err != nil {
		return nil, p.err
	}
	if !batchable(query) {
		c, err := p.flush(ctx)
		if err != nil {
			return nil, err
		}
		return c.ExecContext(ctx, query, args...)
	}
	p.pending = append(p.pending, batchedStmt{sql: query, args: args})
	return batchedResult{}, nil
}

func (p *batchPool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	c, err := p.flush(ctx)
	if err != nil {
		return nil, err
	}
	return c.QueryContext(ctx, query, args...)
}

// QueryRowContext cannot return an error of its own: a failed send is the block's error, and
// the row is read where the send was (a failed transaction then refuses the read too).
func (p *batchPool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	c, err := p.flush(ctx)
	if err != nil {
		c = p.base
	}
	return c.QueryRowContext(ctx, query, args...)
}

func (p *batchPool) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	c, err := p.flush(ctx)
	if err != nil {
		return nil, err
	}
	return c.PrepareContext(ctx, query)
}

// batchable: a plain INSERT, UPDATE or DELETE can be a CTE of the chain (one that has a WITH
// of its own, or anything else, is sent on its own, after the pending ones).
func batchable(query string) bool {
	q := strings.TrimSpace(query)
	if len(q) < 6 {
		return false
	}
	switch strings.ToUpper(q[:6]) {
	case "INSERT", "UPDATE", "DELETE":
		return true
	}
	return false
}

// chainWrites makes one statement of writes: all but the last become CTEs of the last, each
// one's placeholders ($n) renumbered after the ones before.
func chainWrites(ws []batchedStmt) (string, []any) {
	if len(ws) == 1 {
		return ws[0].sql, ws[0].args
	}
	var b strings.Builder
	var args []any
	for i, w := range ws {
		switch {
		case i == 0:
			b.WriteString("WITH ")
		case i < len(ws)-1:
			b.WriteString(", ")
		}
		last := i == len(ws)-1
		if !last {
			b.WriteString("w" + strconv.Itoa(i) + " AS (")
		} else {
			b.WriteString(" ")
		}
		renumber(&b, w.sql, len(args))
		if !last {
			b.WriteString(")")
		}
		args = append(args, w.args...)
	}
	return b.String(), args
}

// renumber writes query with each placeholder $n as $(n+offset), leaving quoted text alone.
func renumber(b *strings.Builder, query string, offset int) {
	var quote byte
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '$' && i+1 < len(query) && query[i+1] >= '0' && query[i+1] <= '9':
			j := i + 1
			for j < len(query) && query[j] >= '0' && query[j] <= '9' {
				j++
			}
			n, _ := strconv.Atoi(query[i+1 : j])
			b.WriteString("$" + strconv.Itoa(n+offset))
			i = j - 1
			continue
		}
		b.WriteByte(c)
	}
}
