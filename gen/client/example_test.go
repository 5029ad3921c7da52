// Not generated: a runnable example of the generated client (check-generated leaves files
// that `make generate` does not write alone).
package client_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"

	"github.com/accountd/accountd/app"
	"github.com/accountd/accountd/gen/client"
	"github.com/accountd/accountd/gen/models"
)

// Register a Webshare account and read its activation status with the generated client. Every
// vendor's operations are methods of the same client (PaywayAccessToken..., RixlLogin...); each
// *WithResponse method decodes the body of each declared status into JSON200, JSON400, ...
func Example() {
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	baseURL := startServer(ctx) // a real accountd on loopback, on a throwaway SQLite database

	api, err := client.NewClientWithResponses(baseURL)
	if err != nil {
		panic(err)
	}
	reg, err := api.WebshareRegisterWithResponse(ctx, models.WebshareRegisterRequest{
		Email: "jane@example.com", Password: "correct-horse-battery", Recaptcha: "any", TosAccepted: true})
	if err != nil {
		panic(err)
	}
	fmt.Println("register:", reg.StatusCode(), "existing user:", reg.JSON201.LoggedInExistingUser)

	// Authenticated calls take a RequestEditorFn that sets the vendor's credential.
	withToken := func(_ context.Context, r *http.Request) error {
		r.Header.Set("Authorization", "Token "+reg.JSON201.Token)
		return nil
	}
	status, err := api.WebshareGetActivationWithResponse(ctx, withToken)
	if err != nil {
		panic(err)
	}
	fmt.Println("activation:", status.StatusCode(), "verified:", status.JSON200.EmailIsVerified)

	// A declared error arrives decoded too.
	bad, err := api.WebshareLoginWithResponse(ctx, models.WebshareLoginRequest{
		Email: "jane@example.com", Password: "wrong-password", Recaptcha: "any"})
	if err != nil {
		panic(err)
	}
	fmt.Println("wrong password:", bad.StatusCode(), bad.JSON400 != nil)
	// Output:
	// register: 201 existing user: false
	// activation: 200 verified: false
	// wrong password: 400 true
}

// startServer runs accountd in development mode (any recaptcha, mail to the log) until ctx ends.
func startServer(ctx context.Context) string {
	dir, err := os.MkdirTemp("", "accountd-example-")
	if err != nil {
		panic(err)
	}
	go func() { <-ctx.Done(); _ = os.RemoveAll(dir) }()
	a, err := app.New(ctx, app.Config{DatabaseURL: filepath.Join(dir, "accountd.db"), Dev: "true",
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		panic(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	go func() { _ = a.Serve(ctx, l); _ = a.Close() }()
	return "http://" + l.Addr().String()
}
