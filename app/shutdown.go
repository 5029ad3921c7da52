package app

import (
	"context"
	"errors"
	"net/http"
	"time"
)

// defaultShutdownGrace is how long requests in flight get after SIGTERM when
// ACCOUNTD_SHUTDOWN_GRACE is not set: well inside Kubernetes' default 30 s before SIGKILL.
const defaultShutdownGrace = 15 * time.Second

// shutdown stops taking connections and claiming mail, then waits, within the grace period,
// for the requests in flight and the outbox batch in hand (each mail of it recorded as the
// server accepts it). Past the grace period the remaining connections are cut: their clients
// see the connection close, and mail not yet recorded goes again, with its Message-ID, when
// its lease ends.
func (a *App) shutdown(srv *http.Server, stopDispatch func(), dispatchDone <-chan struct{}) error {
	grace := a.cfg.ShutdownGrace
	if grace <= 0 {
		grace = defaultShutdownGrace
	}
	start := time.Now()
	a.log.Info("shutting down", "grace", grace.String())
	stopDispatch()
	ctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	err := srv.Shutdown(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		a.log.Warn("grace period over: cutting the requests still in flight", "grace", grace.String())
		err = srv.Close()
	}
	select {
	case <-dispatchDone:
	case <-ctx.Done():
		a.log.Warn("grace period over: the outbox batch in hand is not finished; its unrecorded mail goes again when its lease ends")
	}
	a.log.Info("stopped", "after", time.Since(start).Round(time.Millisecond).String())
	return err
}
