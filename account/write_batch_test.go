package account

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/accountd/accountd/models"
	"gorm.io/gorm"
)

// A block of batched writes (batchWrites, writeTx) is atomic and reads its own writes, on both
// backends, on the pool and inside a transaction; on PostgreSQL its writes are one statement.
func TestBatchedWrites(t *testing.T) {
	forEachService(t, func(t *testing.T, s *Service, clk *testClock) {
		ctx := context.Background()
		event := func(id, kind string) models.AuditEvent {
			return models.AuditEvent{ID: id, Kind: kind, Detail: "{}", CreatedAt: s.now()}
		}
		count := func(kind string) int64 {
			t.Helper()
			var n int64
			if err := s.db.Model(&models.AuditEvent{}).Where("kind = ?", kind).Count(&n).Error; err != nil {
				t.Fatal(err)
			}
			return n
		}
		onPool := func(fn func(tx *gorm.DB) error) error { return s.writeTx(ctx, fn) }
		inTx := func(fn func(tx *gorm.DB) error) error {
			return s.tx(ctx, func(tx *gorm.DB) error { return s.batchWrites(tx, fn) })
		}
		for name, run := range map[string]func(func(tx *gorm.DB) error) error{"on the pool": onPool, "in a transaction": inTx} {
			t.Run(name, func(t *testing.T) {
				kind := "batch " + name
				// Writes only: all of them land.
				if err := run(func(tx *gorm.DB) error {
					for _, id := range []string{models.NewID(), models.NewID(), models.NewID()} {
						if err := tx.Create(&[]models.AuditEvent{event(id, kind)}).Error; err != nil {
							return err
						}
					}
					return nil
				}); err != nil {
					t.Fatal(err)
				}
				if n := count(kind); n != 3 {
					t.Fatalf("%d rows, want 3", n)
				}
				// A read sees the writes before it.
				var seen int64
				if err := run(func(tx *gorm.DB) error {
					if err := tx.Create(&[]models.AuditEvent{event(models.NewID(), kind+" read")}).Error; err != nil {
						return err
					}
					return tx.Model(&models.AuditEvent{}).Where("kind = ?", kind+" read").Count(&seen).Error
				}); err != nil || seen != 1 {
					t.Fatalf("read inside the block saw %d rows (%v), want 1", seen, err)
				}
				// A failing write undoes the block, before and after a read.
				dup := models.NewID()
				for _, read := range []bool{false, true} {
					err := run(func(tx *gorm.DB) error {
						if err := tx.Create(&[]models.AuditEvent{event(models.NewID(), kind+" failed"), event(dup, kind+" failed")}).Error; err != nil {
							return err
						}
						if read {
							var n int64
							if err := tx.Model(&models.AuditEvent{}).Where("kind = ?", kind+" failed").Count(&n).Error; err != nil {
								return err
							}
						}
						return tx.Create(&[]models.AuditEvent{event(dup, kind+" failed")}).Error // duplicate key
					})
					if err == nil {
						t.Fatal("a duplicate key committed")
					}
					if n := count(kind + " failed"); n != 0 {
						t.Fatalf("after a failed block (read %v): %d rows", read, n)
					}
				}
				// An error of fn undoes it too.
				boom := errors.New("boom")
				if err := run(func(tx *gorm.DB) error {
					if err := tx.Create(&[]models.AuditEvent{event(models.NewID(), kind+" boom")}).Error; err != nil {
						return err
					}
					return boom
				}); !errors.Is(err, boom) && AsError(err).Kind != KindInternal {
					t.Fatalf("got %v", err)
				}
				if n := count(kind + " boom"); n != 0 {
					t.Fatalf("after fn failed: %d rows", n)
				}
			})
		}
		// A conditional write that checks its row cannot pass unseen inside a block.
		if s.db.Dialect == models.Postgres {
			err := s.writeTx(ctx, func(tx *gorm.DB) error {
				return oneRow(tx.Model(&models.AuditEvent{}).Where("kind = ?", "batch on the pool").Update("detail", "{}"), errInvalidCode(FieldCode))
			})
			if err == nil {
				t.Fatal("oneRow passed inside a batch")
			}
		}
	})
}

func TestChainWrites(t *testing.T) {
	q, args := chainWrites([]batchedStmt{
		{`UPDATE "a" SET "x"=$1 WHERE y = $2`, []any{1, 2}},
		{`INSERT INTO "b" ("s") VALUES ($1)`, []any{"$1"}},
		{`INSERT INTO "c" ("t","u") VALUES ('$1',$1) `, []any{3}},
	})
	want := `WITH w0 AS (UPDATE "a" SET "x"=$1 WHERE y = $2), w1 AS (INSERT INTO "b" ("s") VALUES ($3)) INSERT INTO "c" ("t","u") VALUES ('$1',$4) `
	if q != want || len(args) != 4 || args[2] != "$1" {
		t.Fatalf("got\n%s\n%v\nwant\n%s", q, args, want)
	}
	if strings.Contains(q, ";") {
		t.Fatal("one statement")
	}
}
