package app

import (
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/accountd/accountd/metrics"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// serveMetrics answers GET /metrics on addr, a listener of its own (ACCOUNTD_METRICS_ADDR),
// for deployments that keep metrics off the public API.
func serveMetrics(addr string, m *metrics.Metrics, log *slog.Logger) (stop func(), err error) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{}))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("metrics listener", "err", err)
		}
	}()
	log.Info("metrics listener", "addr", l.Addr().String())
	return func() { _ = srv.Close() }, nil
}
