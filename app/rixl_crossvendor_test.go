package app_test

import (
	"net/http"
	"testing"

	"github.com/accountd/accountd/gen/models"
)

// A Rixl sign-up code is 6 digits and only works with its verification id. Webshare's
// activation complete looks 256-bit tokens up by value with no attempt count; a typed code
// must not be found there, or anyone could walk the million values to verify accounts and
// get their API tokens.
func TestRixlCodesDoNotWorkAsWebshareTokens(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		id := e.rixlRegister("cross@example.com")
		code := e.rixlCode("cross@example.com")
		r, err := e.api.WebshareCompleteActivationWithResponse(ctx, models.WebshareCompleteActivationRequest{ActivationToken: code})
		if err != nil {
			t.Fatal(err)
		}
		if r.StatusCode() != http.StatusBadRequest {
			t.Fatalf("a Rixl code at Webshare's activation complete: %d %s", r.StatusCode(), r.Body)
		}
		if v := e.rixlVerify(id, code); v.StatusCode() != http.StatusOK {
			t.Fatalf("the code with its id: %d %s", v.StatusCode(), v.Body)
		}
	})
}
