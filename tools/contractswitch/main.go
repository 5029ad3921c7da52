// Command contractswitch is the one upstream of the Prism proxy that `make contract` puts in
// front of the end-to-end tests. Every test starts its own server on a random port, and Prism
// forwards to one fixed upstream, so each request names its server in X-Accountd-Upstream
// (testkit.PrismTransport sets it) and contractswitch passes it on there, unchanged otherwise:
// it adds no X-Forwarded-For and keeps the client's, so the server sees the client address it
// would see without it.
// Only servers on loopback are reached.
//
//	go run ./tools/contractswitch -addr 127.0.0.1:4012
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"os"
	"time"
)

const upstreamHeader = "X-Accountd-Upstream" // testkit.UpstreamHeader

func main() {
	addr := flag.String("addr", "127.0.0.1:4012", "listen address")
	flag.Parse()
	proxy := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.Out.URL.Scheme, r.Out.URL.Host = "http", r.In.Header.Get(upstreamHeader)
			r.Out.Host = r.Out.URL.Host
			r.Out.Header.Del(upstreamHeader)
			// Rewrite drops the forwarding headers from the outbound request; the tests send
			// X-Forwarded-For themselves (a client behind a trusted proxy), so put them back.
			for _, h := range []string{"Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto"} {
				if v, ok := r.In.Header[h]; ok {
					r.Out.Header[h] = v
				}
			}
		},
		ErrorLog: log.New(os.Stderr, "contractswitch: ", 0),
	}
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !loopback(r.Header.Get(upstreamHeader)) {
			http.Error(w, "contractswitch: "+upstreamHeader+" must name a server on loopback (host:port)", http.StatusBadGateway)
			return
		}
		proxy.ServeHTTP(w, r)
	})
	srv := &http.Server{Addr: *addr, Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintln(os.Stderr, "contractswitch: listening on", *addr)
	log.Fatal(srv.ListenAndServe())
}

func loopback(hostport string) bool {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return host == "localhost" || (ip != nil && ip.IsLoopback())
}
