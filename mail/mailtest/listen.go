package mailtest

import (
	"fmt"
	"io"
	"log"
	"net"
)

// Standalone is a plain SMTP server (no TLS) outside a test, for tools that need a real SMTP
// peer for `accountd serve`: the load benchmark (tools/loadbench) and the contract run's sink
// (tools/smtpsink). It is never part of the production binary.
type Standalone struct {
	*Server
	ln     net.Listener
	served chan struct{}
}

// Listen starts a Standalone server on addr ("127.0.0.1:0" picks a free port). errorLog
// receives the server's errors (nil: discarded). Messages are kept in memory until Reset;
// Close stops it.
func Listen(addr string, errorLog *log.Logger) (*Standalone, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("mailtest: listen: %w", err)
	}
	s := &Server{arrived: make(chan struct{}), mechs: []string{"PLAIN", "LOGIN"}}
	if errorLog == nil {
		errorLog = log.New(io.Discard, "", 0)
	}
	s.smtp = newSMTPServer(s, errorLog)
	s.url = "smtp://" + ln.Addr().String()
	st := &Standalone{Server: s, ln: ln, served: make(chan struct{})}
	go func() {
		defer close(st.served)
		_ = s.smtp.Serve(ln)
	}()
	return st, nil
}

// Reset forgets every stored message (a long run would otherwise keep them all) and returns
// how many there were.
func (st *Standalone) Reset() int {
	st.mu.Lock()
	defer st.mu.Unlock()
	n := len(st.msgs)
	st.msgs, st.next = nil, 0
	return n
}

// Close stops the server and waits for it.
func (st *Standalone) Close() error {
	err := st.smtp.Close()
	_ = st.ln.Close()
	<-st.served
	return err
}
