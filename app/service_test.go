package app_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/accountd/accountd/app"
	"github.com/accountd/accountd/gen/models"
	"github.com/accountd/accountd/testkit"
)

func TestHealthAndSpec(t *testing.T) {
	e := newEnv(t, t.TempDir()+"/a.db")
	h, err := e.api.GetHealthWithResponse(ctx)
	if err != nil || h.StatusCode() != http.StatusOK || h.JSON200.Status != models.HealthStatusOk {
		t.Fatalf("healthz: %v %d %s", err, h.StatusCode(), h.Body)
	}
	if r, err := e.api.GetReadinessWithResponse(ctx); err != nil || r.StatusCode() != http.StatusOK || r.JSON200.Status != models.HealthStatusOk {
		t.Fatalf("readyz: %v %s", err, r.Body)
	}
	y, err := e.api.GetOpenAPIYAMLWithResponse(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := os.ReadFile("../openapi.yaml")
	if y.StatusCode() != http.StatusOK || string(y.Body) != string(want) {
		t.Fatalf("/openapi.yaml is not openapi.yaml (%d, %d bytes)", y.StatusCode(), len(y.Body))
	}
	j, err := e.api.GetOpenAPIJSONWithResponse(ctx)
	if err != nil || j.StatusCode() != http.StatusOK || (*j.JSON200)["openapi"] != "3.0.3" {
		t.Fatalf("/openapi.json: %v %d", err, j.StatusCode())
	}
	t.Run("a body over the limit is refused on any route", func(t *testing.T) {
		resp, body := e.raw("GET", "/healthz", "application/json", `{"x":"`+strings.Repeat("x", 70<<10)+`"}`)
		if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(body, `"detail"`) {
			t.Fatalf("got %d %s", resp.StatusCode, body)
		}
	})
	t.Run("database gone: alive, and not ready once the cached answer (200 ms) is over", func(t *testing.T) {
		e.app.DB.Close()
		h, err := e.api.GetHealthWithResponse(ctx)
		if err != nil || h.StatusCode() != http.StatusOK {
			t.Fatalf("healthz (liveness never asks the database): %v %d %s", err, h.StatusCode(), h.Body)
		}
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			r, err := e.api.GetReadinessWithResponse(ctx)
			if err == nil && r.StatusCode() == http.StatusServiceUnavailable && r.JSON503.Status == models.HealthStatusUnavailable {
				break
			}
			if err != nil || r.StatusCode() != http.StatusOK || time.Now().After(deadline) {
				t.Fatalf("readyz: %v %d %s", err, r.StatusCode(), r.Body)
			}
		}
	})
}

func TestRecaptchaIsVerifiedWhenConfigured(t *testing.T) {
	verify := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		if r.Form.Get("secret") == "site-secret" && r.Form.Get("response") == "human" {
			_, _ = io.WriteString(w, `{"success":true}`)
			return
		}
		_, _ = io.WriteString(w, `{"success":false}`)
	}))
	defer verify.Close()
	e := newEnv(t, t.TempDir()+"/a.db", func(c *app.Config) {
		c.RecaptchaSecret, c.RecaptchaVerifyURL = "site-secret", verify.URL
	})
	r, err := e.api.WebshareRegisterWithResponse(ctx, models.WebshareRegisterRequest{Email: "bot@example.com", Password: goodPassword, Recaptcha: "robot", TosAccepted: true})
	if err != nil {
		t.Fatal(err)
	}
	fieldErrors(t, r.StatusCode(), r.JSON400, r.Body, "recaptcha", "Invalid recaptcha. Please try again.")
	r, err = e.api.WebshareRegisterWithResponse(ctx, models.WebshareRegisterRequest{Email: "human@example.com", Password: goodPassword, Recaptcha: "human", TosAccepted: true})
	if err != nil || r.StatusCode() != http.StatusCreated {
		t.Fatalf("register: %v %d %s", err, r.StatusCode(), r.Body)
	}
}

// A mail the SMTP server refuses stays in the outbox and goes out on a later attempt.
func TestMailIsRetried(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		e.smtp.FailNext(1)
		e.register("retry@example.com", goodPassword)
		if n := e.deliver(); n != 0 || len(e.smtp.For("retry@example.com")) != 0 {
			t.Fatalf("delivered %d despite the failure", n)
		}
		if n := e.deliver(); n != 0 {
			t.Fatalf("retried before the backoff: %d", n)
		}
		e.clock.Advance(time.Minute)
		if n := e.deliver(); n != 1 {
			t.Fatalf("delivered %d after the backoff, want 1", n)
		}
		e.lastLink("retry@example.com", "/activation/")
	})
}

func TestPostgresNeedsASecret(t *testing.T) {
	_, err := app.New(context.Background(), app.Config{DatabaseURL: testkit.PostgresURL(t)})
	if !errors.Is(err, app.ErrSecretRequired) {
		t.Fatalf("got %v, want ErrSecretRequired", err)
	}
}

func TestSQLiteSecretIsGeneratedOnceAndKept(t *testing.T) {
	dir := t.TempDir()
	var secrets []string
	for range 2 {
		a, err := app.New(context.Background(), app.Config{DatabaseURL: dir + "/accountd.db", MailInterval: -1, Dev: "true"})
		if err != nil {
			t.Fatal(err)
		}
		a.Close()
		b, err := os.ReadFile(dir + "/accountd.secret")
		if err != nil {
			t.Fatal(err)
		}
		secrets = append(secrets, string(b))
	}
	info, err := os.Stat(dir + "/accountd.secret")
	if err != nil || info.Mode().Perm() != 0o600 || info.Size() < 32 {
		t.Fatalf("secret file: %v %v", err, info)
	}
	if secrets[0] != secrets[1] {
		t.Fatal("the secret changed between two starts: every code and sealed mail would be lost")
	}
}

// GET /healthz is answered before the API stack (app/liveness.go); the answer must stay the
// one the generated handler gives, so both are compared byte for byte.
func TestLivenessFastPathMatchesTheHandler(t *testing.T) {
	e := newEnv(t, t.TempDir()+"/a.db")
	fast, fastBody := e.raw("GET", "/healthz", "", "")
	rec := httptest.NewRecorder()
	e.app.HTTP.ServeHTTP(rec, httptest.NewRequest("GET", "/healthz", nil))
	// Trimmed: `make contract` runs this suite through Prism, which re-encodes JSON bodies.
	if fast.StatusCode != rec.Code || strings.TrimSpace(fastBody) != strings.TrimSpace(rec.Body.String()) ||
		fast.Header.Get("Content-Type") != rec.Header().Get("Content-Type") {
		t.Fatalf("fast path %d %q %q, handler %d %q %q", fast.StatusCode, fast.Header.Get("Content-Type"), fastBody,
			rec.Code, rec.Header().Get("Content-Type"), rec.Body.String())
	}
}
