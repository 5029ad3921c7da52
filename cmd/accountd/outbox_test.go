package main

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/accountd/accountd/models"
	"github.com/accountd/accountd/testkit"
)

const testSecret = "--secret=cmd-test-secret-0123456789abcdef-ABCDEFGHIJ"

// outbox list shows the dead letters of both channels (mail and webhook deliveries), retry makes
// them due again, purge deletes finished messages; on both databases.
func TestOutboxCommands(t *testing.T) {
	for _, b := range testkit.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			dsn := b.DSN(t)
			db := "--database-url=" + dsn
			runJSON(t, "migrate", db, testSecret)
			seedOutbox(t, dsn)

			list := runJSON(t, "outbox", "list", db, testSecret, "--status", "dead")
			stats := list["stats"].(map[string]any)
			if msgs := list["messages"].([]any); len(msgs) != 3 || stats["mail"].(map[string]any)["dead"] != float64(2) ||
				stats["webhook"].(map[string]any)["dead"] != float64(1) {
				t.Fatalf("dead letters: %v", list)
			}
			hook := list["messages"].([]any)[0].(map[string]any) // the newest
			if hook["channel"] != "webhook" || hook["kind"] != "password.changed" || hook["recipient"] != "https://hooks.example.com/in" {
				t.Fatalf("a dead webhook delivery as listed (channel, event type, endpoint without its query): %v", hook)
			}
			mails := runJSON(t, "outbox", "list", db, testSecret, "--status", "dead", "--channel", "mail")["messages"].([]any)
			first := mails[0].(map[string]any)
			if len(mails) != 2 || first["channel"] != "mail" || first["last_error"] == "" || first["recipient"] == "" || first["sealed"] != nil {
				t.Fatalf("dead mail as listed: %v", mails)
			}
			if got := runJSON(t, "outbox", "retry", db, testSecret, "--id", first["id"].(string)); got["retried"] != float64(1) {
				t.Fatalf("retry --id: %v", got)
			}
			if got := runJSON(t, "outbox", "retry", db, testSecret, "--dead", "--channel", "webhook"); got["retried"] != float64(1) {
				t.Fatalf("retry --dead --channel webhook: %v", got)
			}
			if got := runJSON(t, "outbox", "retry", db, testSecret, "--dead"); got["retried"] != float64(1) {
				t.Fatalf("retry --dead: %v", got)
			}
			stats = runJSON(t, "outbox", "list", db, testSecret)["stats"].(map[string]any)
			if m, w := stats["mail"].(map[string]any), stats["webhook"].(map[string]any); m["dead"] != float64(0) || m["pending"] != float64(3) ||
				w["dead"] != float64(0) || w["pending"] != float64(1) {
				t.Fatalf("after retry: %v", stats)
			}
			if got := runJSON(t, "outbox", "purge", db, testSecret, "--status", "sent", "--older-than", "1h"); got["purged"] != float64(1) {
				t.Fatalf("purge: %v", got)
			}
			for _, args := range [][]string{
				{"outbox", "retry", db},                        // neither --id nor --dead
				{"outbox", "purge", db, "--status", "pending"}, // pending mail is never purged
				{"outbox", "list", db, "--status", "lost"},
				{"outbox", "list", db, "--channel", "sms"},
				{"outbox", "retry", db, "--id", "x", "--channel", "mail"}, // --channel only with --dead
			} {
				if code := exitCode(run(context.Background(), args, io.Discard, quiet()), io.Discard); code != 2 {
					t.Errorf("%v: exit %d, want 2", args, code)
				}
			}
		})
	}
}

// seedOutbox writes two dead letters, one sent and one pending mail, and one dead webhook
// delivery, queued two hours ago.
func seedOutbox(t *testing.T, dsn string) {
	t.Helper()
	db, err := models.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	at := time.Now().Add(-2 * time.Hour).UTC()
	for i, st := range []string{models.OutboxDead, models.OutboxDead, models.OutboxSent, models.OutboxPending} {
		m := models.OutboxMessage{ID: models.NewID(), Channel: models.ChannelMail, Kind: "activation", Recipient: "ann@example.com", Sealed: []byte{1},
			Status: st, Attempts: 8, NextAttemptAt: at, CreatedAt: at.Add(time.Duration(i) * time.Second)}
		if st == models.OutboxDead {
			m.LastError = "mail: send: 550 mailbox unavailable"
		}
		if err := db.Create(&m).Error; err != nil {
			t.Fatal(err)
		}
	}
	hook := models.OutboxMessage{ID: models.NewID(), Channel: models.ChannelWebhook, Kind: "password.changed",
		Recipient: "https://user:pw@hooks.example.com/in?token=s3cret", Sealed: []byte{1}, Status: models.OutboxDead, Attempts: 8,
		NextAttemptAt: at, CreatedAt: at.Add(time.Minute), LastError: "webhook: 500 Internal Server Error"}
	if err := db.Create(&hook).Error; err != nil {
		t.Fatal(err)
	}
}
