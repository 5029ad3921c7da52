package app_test

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/accountd/accountd/app"
	"github.com/accountd/accountd/mail/mailtest"
	dbmodels "github.com/accountd/accountd/models"
)

// SIGTERM (the context ending) lets the requests in flight finish within the grace period
// (ACCOUNTD_SHUTDOWN_GRACE), and cuts them past it; Serve returns cleanly either way.
func TestShutdownFinishesRequestsInFlight(t *testing.T) {
	for _, tc := range []struct {
		name         string
		grace, delay time.Duration
		answered     bool
	}{
		{"within the grace period: answered", 20 * time.Second, 300 * time.Millisecond, true},
		{"past the grace period: cut", 50 * time.Millisecond, 5 * time.Second, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			params := cheapHashing
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			a, err := app.New(ctx, app.Config{DatabaseURL: t.TempDir() + "/a.db", Secret: testSecret, Dev: "true",
				PasswordParams: &params, MailInterval: -1, ResetFloor: -1, ShutdownGrace: tc.grace,
				Logger: slog.New(suiteHandler(t))})
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			pool := injectFaultsInto(t, a, nil)
			l, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- a.Serve(ctx, l) }()
			base := "http://" + l.Addr().String()
			pool.delay.Store(int64(tc.delay))
			const inFlight = 5
			var wg sync.WaitGroup
			statuses := make([]int, inFlight)
			for i := range inFlight {
				wg.Add(1)
				go func() {
					defer wg.Done()
					resp, err := http.Post(base+"/api/v2/login/", "application/json",
						strings.NewReader(`{"email":"nobody@example.com","password":"correct-horse-battery","recaptcha":"x"}`))
					if err == nil {
						statuses[i] = resp.StatusCode
						resp.Body.Close()
					}
				}()
			}
			waitFor(t, "the requests to reach the database", func() bool { return pool.delayed.Load() >= inFlight })
			cancel() // what SIGTERM does in cmd/accountd
			if err := <-done; err != nil {
				t.Fatalf("Serve: %v", err)
			}
			wg.Wait()
			pool.delay.Store(0)
			for i, s := range statuses {
				if tc.answered && s != http.StatusBadRequest || !tc.answered && s != 0 {
					t.Errorf("request %d: status %d (0: cut), want answered %v", i, s, tc.answered)
				}
			}
		})
	}
}

// SIGTERM while the dispatcher is in the middle of its batches: every mail of the batches in
// hand is still delivered, once, and recorded as sent before Serve returns; nothing is left
// leased for another replica to send again when the lease runs out.
func TestShutdownFinishesTheMailBatchInHand(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn) // queues the mail; its own dispatcher is off
		addrs := registerMany(e, "term", 15)

		// Each worker's first mail is held at the SMTP server until SIGTERM has been given.
		held, release := make(chan struct{}, 16), make(chan struct{})
		smtp := mailtest.StartWith(t, mailtest.Options{BeforeAccept: func(mailtest.Received) {
			held <- struct{}{}
			<-release
		}})
		params := cheapHashing
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		a, err := app.New(ctx, app.Config{DatabaseURL: dsn, Secret: testSecret, SMTPURL: smtp.URL(), Dev: "true",
			PasswordParams: &params, MailInterval: time.Hour, ResetFloor: -1, ShutdownGrace: 20 * time.Second,
			Logger: slog.New(suiteHandler(t))})
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- a.Serve(ctx, l) }()
		// Batches of 10: two workers hold the 15 mails, each blocked on its first.
		<-held
		<-held
		cancel() // what SIGTERM does in cmd/accountd
		close(release)
		if err := <-done; err != nil {
			t.Fatalf("Serve: %v", err)
		}
		c := countDeliveries(t, smtp, addrs)
		var left int64
		if err := e.app.DB.Model(&dbmodels.OutboxMessage{}).Where("status <> ?", dbmodels.OutboxSent).Count(&left).Error; err != nil {
			t.Fatal(err)
		}
		t.Logf("mails %d, delivered %d, duplicates %d, not recorded as sent %d", len(addrs), c.received, c.duplicates, left)
		if c.received != len(addrs) || c.duplicates != 0 || left != 0 {
			t.Fatalf("after SIGTERM mid-batch: %d of %d delivered, %d twice, %d not recorded as sent", c.received, len(addrs), c.duplicates, left)
		}
	})
}
