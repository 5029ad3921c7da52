// Package captcha checks reCAPTCHA response tokens with a siteverify service.
package captcha

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// DefaultVerifyURL is Google's reCAPTCHA siteverify endpoint.
const DefaultVerifyURL = "https://www.google.com/recaptcha/api/siteverify"

// ErrRejected means the token is not valid: the caller's mistake, not the server's.
var ErrRejected = errors.New("captcha rejected")

// Verifier checks a captcha response token.
type Verifier interface {
	// Verify returns nil for a good token, ErrRejected for a bad one, and any other error when
	// the check itself could not be made.
	Verify(ctx context.Context, token, remoteIP string) error
}

// New returns a Verifier. With no secret it accepts any non-empty token (development); the
// caller should warn about that once at start.
func New(secret, verifyURL string, client *http.Client) Verifier {
	if secret == "" {
		return acceptAny{}
	}
	if verifyURL == "" {
		verifyURL = DefaultVerifyURL
	}
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	return &siteVerify{secret: secret, url: verifyURL, client: client}
}

type acceptAny struct{}

func (acceptAny) Verify(_ context.Context, token, _ string) error {
	if strings.TrimSpace(token) == "" {
		return ErrRejected
	}
	return nil
}

type siteVerify struct {
	secret, url string
	client      *http.Client
}

func (v *siteVerify) Verify(ctx context.Context, token, remoteIP string) error {
	if strings.TrimSpace(token) == "" {
		return ErrRejected
	}
	form := url.Values{"secret": {v.secret}, "response": {token}}
	if remoteIP != "" {
		form.Set("remoteip", remoteIP)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, v.url, strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := v.client.Do(req)
	if err != nil {
		return fmt.Errorf("siteverify: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("siteverify: status %d", resp.StatusCode)
	}
	var out struct {
		Success bool `json:"success"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 64<<10)).Decode(&out); err != nil {
		return fmt.Errorf("siteverify: %w", err)
	}
	if !out.Success {
		return ErrRejected
	}
	return nil
}
