package app

import (
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"
)

// serveDebug answers Go's runtime profiles (net/http/pprof) on addr, a listener of its own and
// never the API's: profiles show code paths and timings, so operators bind it to loopback or a
// private interface (ACCOUNTD_DEBUG_ADDR; empty: off). The load benchmark takes its CPU and
// allocation profiles here, from the server under load (bench/results.md).
func serveDebug(addr string, log *slog.Logger) (stop func(), err error) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	if host, _, _ := net.SplitHostPort(l.Addr().String()); !net.ParseIP(host).IsLoopback() {
		log.Warn("debug listener is not on loopback: profiles reveal code paths and timings", "addr", l.Addr().String())
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index) // also heap, allocs, goroutine, mutex, block
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	// A CPU profile or trace runs as long as asked (?seconds=), so there is no write timeout.
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("debug listener", "err", err)
		}
	}()
	log.Info("debug listener (pprof)", "addr", l.Addr().String())
	return func() { _ = srv.Close() }, nil
}
