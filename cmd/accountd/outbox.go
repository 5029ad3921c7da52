package main

import (
	"context"
	"encoding/json"
	"io"
	"strings"
	"time"

	"github.com/accountd/accountd/account"
	"github.com/accountd/accountd/models"
)

// outboxList prints {"stats": {...}, "messages": [...]}: the counts by state and up to --limit
// messages (newest first), never their bodies.
func outboxList(ctx context.Context, args []string, out io.Writer) error {
	fs, cfg := dbFlags("outbox list")
	status := fs.String("status", "", "only messages with this status: pending, dead, sent or logged")
	limit := fs.Int("limit", 100, "at most this many messages")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := checkStatus(*status, true); err != nil {
		return err
	}
	return withCore(ctx, cfg, func(core *account.Service) error {
		stats, err := core.OutboxStats(ctx)
		if err != nil {
			return err
		}
		msgs, err := core.ListMail(ctx, *status, max(*limit, 1))
		if err != nil {
			return err
		}
		if msgs == nil {
			msgs = []account.MailRow{}
		}
		return json.NewEncoder(out).Encode(map[string]any{"stats": stats, "messages": msgs})
	})
}

// outboxRetry makes mail due again with a fresh attempt count and prints {"retried": n}.
func outboxRetry(ctx context.Context, args []string, out io.Writer) error {
	fs, cfg := dbFlags("outbox retry")
	ids := fs.String("id", "", "comma-separated ids of dead or waiting messages (from outbox list)")
	dead := fs.Bool("dead", false, "every dead letter")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	list := splitIDs(*ids)
	if (len(list) == 0) == !*dead {
		return usagef("accountd outbox retry: give --id ID[,ID...] or --dead (one of them)")
	}
	return withCore(ctx, cfg, func(core *account.Service) error {
		n, err := core.RetryMail(ctx, list...)
		if err != nil {
			return err
		}
		return json.NewEncoder(out).Encode(map[string]int64{"retried": n})
	})
}

// outboxPurge deletes finished mail older than --older-than and prints {"purged": n}.
func outboxPurge(ctx context.Context, args []string, out io.Writer) error {
	fs, cfg := dbFlags("outbox purge")
	status := fs.String("status", "", "dead, sent or logged (pending mail is never purged)")
	older := fs.Duration("older-than", 30*24*time.Hour, "only messages queued longer ago than this")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *status == "" || *status == models.OutboxPending {
		return usagef("accountd outbox purge: --status must be dead, sent or logged")
	}
	if err := checkStatus(*status, false); err != nil {
		return err
	}
	return withCore(ctx, cfg, func(core *account.Service) error {
		n, err := core.PurgeMail(ctx, *status, time.Now().Add(-*older))
		if err != nil {
			return err
		}
		return json.NewEncoder(out).Encode(map[string]int64{"purged": n})
	})
}

func checkStatus(status string, empty bool) error {
	switch status {
	case models.OutboxPending, models.OutboxDead, models.OutboxSent, models.OutboxLogged:
		return nil
	case "":
		if empty {
			return nil
		}
	}
	return usagef("unknown status %q: pending, dead, sent or logged", status)
}

func splitIDs(s string) []string {
	var out []string
	for _, id := range strings.Split(s, ",") {
		if id = strings.TrimSpace(id); id != "" {
			out = append(out, id)
		}
	}
	return out
}
