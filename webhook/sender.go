package webhook

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

// Timeout bounds one delivery: a receiver that does not answer in time is tried again later.
const Timeout = 10 * time.Second

// Sender posts events to the configured endpoints.
type Sender struct {
	client    *http.Client
	endpoints map[string]signer // by URL
	now       func() time.Time
}

type signer struct {
	endpoint Endpoint
	wh       *standardwebhooks.Webhook
}

// NewSender builds a sender for endpoints; client nil means a client with Timeout that follows
// no redirect (a receiver that moved is a configuration to fix, not a place to post events to).
func NewSender(endpoints []Endpoint, client *http.Client) (*Sender, error) {
	if client == nil {
		client = &http.Client{Timeout: Timeout, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	s := &Sender{client: client, endpoints: map[string]signer{}, now: time.Now}
	for _, e := range endpoints {
		wh, err := standardwebhooks.NewWebhook(e.Secret)
		if err != nil {
			return nil, fmt.Errorf("webhook %s: %w", e.URL, err)
		}
		s.endpoints[e.URL] = signer{endpoint: e, wh: wh}
	}
	return s, nil
}

// ErrUnknownEndpoint marks an event queued for an endpoint that is no longer configured: no
// retry can deliver it, so it goes to the dead letters at once.
var ErrUnknownEndpoint = errors.New("webhook endpoint no longer configured")

// Deliver posts one event, id its webhook-id (the same on every retry, so the receiver can
// deduplicate), signed with the endpoint's secret at the time of this attempt. Any answer but
// 2xx is an error.
func (s *Sender) Deliver(ctx context.Context, url, id string, body []byte) error {
	sg, ok := s.endpoints[url]
	if !ok {
		return fmt.Errorf("%w: %s", ErrUnknownEndpoint, url)
	}
	ts := s.now()
	sig, err := sg.wh.Sign(id, ts, body)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "accountd-webhooks")
	req.Header.Set("webhook-id", id)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(ts.Unix(), 10))
	req.Header.Set("webhook-signature", sig)
	resp, err := s.client.Do(req)
	if err != nil {
		return fmt.Errorf("webhook %s: %w", url, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // let the connection be reused
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("webhook %s answered %s", url, resp.Status)
	}
	return nil
}

// decodeKey decodes the base64 after "whsec_" (standard or URL alphabet, padded or not).
func decodeKey(s string) ([]byte, error) {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return b, nil
		}
	}
	return nil, errors.New("not base64")
}
