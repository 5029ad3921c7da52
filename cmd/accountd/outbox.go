package main

import (
	"context"
	"encoding/json"
	"flag"
	"io"
	"strings"
	"time"

	"github.com/accountd/accountd/account"
	"github.com/accountd/accountd/models"
)

// outboxList prints {"stats": {"mail": {...}, "webhook": {...}}, "messages": [...]}: the counts
// by channel and state, and up to --limit messages (newest first, each with its channel), never
// their bodies.
func outboxList(ctx context.Context, args []string, out io.Writer) error {
	fs, cfg := dbFlags("outbox list")
	status := fs.String("status", "", "only messages with this status: pending, dead, sent or logged")
	channel := channelFlag(fs)
	limit := fs.Int("limit", 100, "at most this many messages")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := checkStatus(*status, true); err != nil {
		return err
	}
	if err := checkChannel(*channel); err != nil {
		return err
	}
	return withCore(ctx, cfg, func(core *account.Service) error {
		stats, err := core.OutboxStats(ctx)
		if err != nil {
			return err
		}
		msgs, err := core.ListOutbox(ctx, account.OutboxFilter{Channel: *channel, Status: *status}, max(*limit, 1))
		if err != nil {
			return err
		}
		if msgs == nil {
			msgs = []account.OutboxRow{}
		}
		return json.NewEncoder(out).Encode(map[string]any{"stats": stats, "messages": msgs})
	})
}

// outboxRetry makes messages due again with a fresh attempt count and prints {"retried": n}.
func outboxRetry(ctx context.Context, args []string, out io.Writer) error {
	fs, cfg := dbFlags("outbox retry")
	ids := fs.String("id", "", "comma-separated ids of dead or waiting messages (from outbox list)")
	dead := fs.Bool("dead", false, "every dead letter (of --channel, when given)")
	channel := channelFlag(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	list := splitIDs(*ids)
	if (len(list) == 0) == !*dead {
		return usagef("accountd outbox retry: give --id ID[,ID...] or --dead (one of them)")
	}
	if err := checkChannel(*channel); err != nil {
		return err
	}
	if *channel != "" && !*dead {
		return usagef("accountd outbox retry: --channel goes with --dead")
	}
	return withCore(ctx, cfg, func(core *account.Service) error {
		n, err := core.RetryOutbox(ctx, *channel, list...)
		if err != nil {
			return err
		}
		return json.NewEncoder(out).Encode(map[string]int64{"retried": n})
	})
}

// outboxPurge deletes finished messages older than --older-than and prints {"purged": n}.
func outboxPurge(ctx context.Context, args []string, out io.Writer) error {
	fs, cfg := dbFlags("outbox purge")
	status := fs.String("status", "", "dead, sent or logged (pending mail is never purged)")
	older := fs.Duration("older-than", 30*24*time.Hour, "only messages queued longer ago than this")
	channel := channelFlag(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := checkChannel(*channel); err != nil {
		return err
	}
	if *status == "" || *status == models.OutboxPending {
		return usagef("accountd outbox purge: --status must be dead, sent or logged")
	}
	if err := checkStatus(*status, false); err != nil {
		return err
	}
	return withCore(ctx, cfg, func(core *account.Service) error {
		n, err := core.PurgeOutbox(ctx, account.OutboxFilter{Channel: *channel, Status: *status}, time.Now().Add(-*older))
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

func channelFlag(fs *flag.FlagSet) *string {
	return fs.String("channel", "", "only this channel: mail or webhook (default both)")
}

func checkChannel(channel string) error {
	switch channel {
	case "", models.ChannelMail, models.ChannelWebhook:
		return nil
	}
	return usagef("unknown channel %q: mail or webhook", channel)
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
