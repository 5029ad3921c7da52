// Package mailtest runs a real SMTP server for tests.
//
// End-to-end tests point the service's mail transport (ACCOUNTD_SMTP_URL) at
// [Server.URL] and read back what the service actually sent over SMTP, fully
// decoded: subject (RFC 2047), body (quoted-printable, base64,
// multipart/alternative), envelope sender and recipients. Because the mail
// really crosses a socket, the tests cover the same code path as production,
// not a stub.
//
//	srv := mailtest.Start(t)
//	// ... start the service with ACCOUNTD_SMTP_URL=srv.URL() and trigger a signup ...
//	msg, err := srv.Next(ctx)
//	link, ok := mailtest.FindLink(msg.Text, "https://accounts.example/activate?")
//
// The server listens on 127.0.0.1 only, accepts any AUTH (or none) and keeps
// every message in memory until the test ends.
package mailtest
