package webhook

import (
	"fmt"
	"net/url"
	"os"
	"slices"
	"strings"

	"github.com/accountd/accountd/account"
	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

// allTypes subscribes an endpoint to every event type.
const allTypes = "*"

// Subscriptions returns what the account core needs to know of the endpoints: where each
// wants which events (not the secrets).
func Subscriptions(endpoints []Endpoint) []account.WebhookSubscription {
	out := make([]account.WebhookSubscription, len(endpoints))
	for i, e := range endpoints {
		out[i] = account.WebhookSubscription{URL: e.URL, Types: e.Types}
	}
	return out
}

// Endpoint is one receiver of events.
type Endpoint struct {
	URL    string
	Secret string   // "whsec_" + base64 of the signing key, as Standard Webhooks writes it
	Types  []string // the event types it receives; empty: all
}

// ParseEndpoints reads ACCOUNTD_WEBHOOK_URL: one or more endpoints separated by whitespace
// (spaces or new lines), each
//
//	URL|SECRET[|TYPES]
//
// where URL is an absolute http(s) URL, SECRET the endpoint's signing secret ("whsec_" + base64
// of at least 16 random bytes, e.g. "whsec_$(head -c 32 /dev/urandom | base64)") and TYPES a
// comma-separated list of event types (or "*", the default: all). A value starting with "@"
// names a file holding the same list, one endpoint a line; blank lines and lines starting with
// "#" are skipped there. An empty value configures no endpoint (no events are queued). Errors
// never contain a secret.
func ParseEndpoints(value string) ([]Endpoint, error) {
	value = strings.TrimSpace(value)
	origin := "ACCOUNTD_WEBHOOK_URL"
	if path, ok := strings.CutPrefix(value, "@"); ok {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", origin, err)
		}
		origin, value = path, stripComments(string(b))
	}
	var out []Endpoint
	for i, entry := range strings.Fields(value) {
		e, err := parseEndpoint(entry)
		if err != nil {
			return nil, fmt.Errorf("%s: endpoint %d: %w", origin, i+1, err)
		}
		for _, o := range out {
			if o.URL == e.URL {
				return nil, fmt.Errorf("%s: endpoint %d: %s is listed twice", origin, i+1, e.URL)
			}
		}
		out = append(out, e)
	}
	return out, nil
}

func stripComments(s string) string {
	var keep []string
	for _, line := range strings.Split(s, "\n") {
		if t := strings.TrimSpace(line); t != "" && !strings.HasPrefix(t, "#") {
			keep = append(keep, t)
		}
	}
	return strings.Join(keep, "\n")
}

func parseEndpoint(entry string) (Endpoint, error) {
	parts := strings.Split(entry, "|")
	if len(parts) < 2 || len(parts) > 3 {
		return Endpoint{}, fmt.Errorf("want URL|SECRET or URL|SECRET|TYPES, got %d fields", len(parts))
	}
	u, err := url.Parse(parts[0])
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil || u.Fragment != "" {
		return Endpoint{}, fmt.Errorf("URL %q is not an absolute http(s) URL without user info", redact(parts[0]))
	}
	e := Endpoint{URL: parts[0], Secret: parts[1]}
	key, ok := strings.CutPrefix(e.Secret, "whsec_")
	if !ok {
		return Endpoint{}, fmt.Errorf("the secret of %s does not start with whsec_", e.URL)
	}
	if raw, err := decodeKey(key); err != nil || len(raw) < 16 {
		return Endpoint{}, fmt.Errorf("the secret of %s is not whsec_ and the base64 of at least 16 bytes", e.URL)
	}
	if _, err := standardwebhooks.NewWebhook(e.Secret); err != nil {
		return Endpoint{}, fmt.Errorf("the secret of %s: not usable for signing", e.URL)
	}
	if len(parts) == 3 && parts[2] != allTypes && parts[2] != "" {
		for _, t := range strings.Split(parts[2], ",") {
			if !slices.Contains(account.EventTypes(), t) {
				return Endpoint{}, fmt.Errorf("%s: unknown event type %q (known: %s)", e.URL, t, strings.Join(account.EventTypes(), ", "))
			}
			if !slices.Contains(e.Types, t) {
				e.Types = append(e.Types, t)
			}
		}
	}
	return e, nil
}

// redact keeps a malformed URL's errors short and free of what may be a pasted secret.
func redact(s string) string {
	if len(s) > 60 {
		return s[:60] + "..."
	}
	return s
}
