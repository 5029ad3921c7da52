// Command smtpsink is a real SMTP server (mail/mailtest's, outside a test) that accepts every
// mail and prints one line per message: the contract run (`make contract`) gives it to
// `accountd serve` as ACCOUNTD_SMTP_URL, so the mails the flows cause are really sent.
//
//	go run ./tools/smtpsink -addr 127.0.0.1:2525
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"syscall"

	"github.com/accountd/accountd/mail/mailtest"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:2525", "listen address")
	flag.Parse()
	s, err := mailtest.Listen(*addr, log.New(os.Stderr, "smtpsink: ", 0))
	if err != nil {
		log.Fatalf("smtpsink: %v", err)
	}
	fmt.Fprintln(os.Stderr, "smtpsink: listening on", s.URL())
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	for {
		m, err := s.Next(ctx)
		if err != nil {
			break
		}
		fmt.Printf("smtpsink: mail to %v: %q\n", m.To, m.Subject)
	}
	_ = s.Close()
}
