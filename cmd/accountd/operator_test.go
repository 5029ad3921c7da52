package main

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/accountd/accountd/testkit"
)

// users list|show|disable, orgs list, clients list|revoke and sessions revoke, end to end on
// both databases.
func TestUserOrgClientSessionCommands(t *testing.T) {
	for _, b := range testkit.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			db := "--database-url=" + b.DSN(t)
			org := runJSON(t, "orgs", "create", db, testSecret, "--name", "Acme")["organization_id"].(string)
			u := runJSON(t, "users", "create", db, testSecret, "--email", "Ann@Example.com", "--password", "a-long-passphrase", "--verified", "--org", org, "--role", "member")
			id := u["user_id"].(string)
			c := runJSON(t, "clients", "create", db, testSecret, "--org", org, "--name", "site", "--scopes", "/external/me/r")
			secret := c["client_secret"].(string)

			users := runJSON(t, "users", "list", db, testSecret)["users"].([]any)
			if len(users) != 1 || users[0].(map[string]any)["email"] != "Ann@Example.com" || users[0].(map[string]any)["verified"] != true {
				t.Fatalf("users list: %v", users)
			}
			show := runJSON(t, "users", "show", db, testSecret, "--user", "ann@example.COM") // any spelling of the address
			if show["user_id"] != id || len(show["memberships"].([]any)) != 1 || len(show["addresses"].([]any)) != 1 || show["status"] != "active" {
				t.Fatalf("users show: %v", show)
			}
			orgs := runJSON(t, "orgs", "list", db, testSecret)["organizations"].([]any)
			if len(orgs) != 1 || orgs[0].(map[string]any)["members"] != float64(1) {
				t.Fatalf("orgs list: %v", orgs)
			}
			clients := runJSON(t, "clients", "list", db, testSecret, "--org", org)["clients"].([]any)
			if len(clients) != 1 || clients[0].(map[string]any)["client_id"] != c["client_id"] {
				t.Fatalf("clients list: %v", clients)
			}
			if got := runJSON(t, "sessions", "revoke", db, testSecret, "--user", id); got["user_id"] != id || got["sessions_revoked"] != float64(0) {
				t.Fatalf("sessions revoke: %v", got)
			}
			if got := runJSON(t, "users", "disable", db, testSecret, "--user", id); got["status"] != "suspended" {
				t.Fatalf("users disable: %v", got)
			}
			if s := runJSON(t, "users", "show", db, testSecret, "--user", id)["status"]; s != "suspended" {
				t.Fatalf("status after disable: %v", s)
			}
			if got := runJSON(t, "clients", "revoke", db, testSecret, "--client", c["client_id"].(string)); got["revoked"] != true {
				t.Fatalf("clients revoke: %v", got)
			}
			listed := runJSON(t, "clients", "list", db, testSecret)["clients"].([]any)[0].(map[string]any)
			if listed["revoked_at"] == nil {
				t.Fatalf("a revoked client listed as %v", listed)
			}
			for _, out := range []string{show["user_id"].(string)} {
				if strings.Contains(out, secret) {
					t.Fatal("a client secret in the output")
				}
			}
			org2 := runJSON(t, "orgs", "create", db, testSecret, "--name", "Beta")["organization_id"].(string)
			if got := runJSON(t, "users", "add-member", db, testSecret, "--user", id, "--org", org2, "--role", "site_admin"); got["role"] != "site_admin" {
				t.Fatalf("add-member: %v", got)
			}
			if m := runJSON(t, "users", "show", db, testSecret, "--user", id)["memberships"].([]any); len(m) != 2 {
				t.Fatalf("memberships after add-member: %v", m)
			}
			c2 := runJSON(t, "clients", "create", db, testSecret, "--org", org2, "--name", "app", "--scopes", "/external/me/r")
			rotated := runJSON(t, "clients", "rotate-secret", db, testSecret, "--client", c2["client_id"].(string))
			if s, _ := rotated["client_secret"].(string); len(s) < 40 || s == c2["client_secret"] {
				t.Fatalf("rotate-secret: %v", rotated)
			}
			bob := runJSON(t, "users", "create", db, testSecret, "--email", "bob@example.com", "--password", "a-long-passphrase")["user_id"].(string)
			if got := runJSON(t, "users", "delete", db, testSecret, "--user", "bob@example.com"); got["deleted"] != true || got["user_id"] != bob {
				t.Fatalf("users delete: %v", got)
			}
			if d := runJSON(t, "users", "show", db, testSecret, "--user", bob); d["status"] != "deleted" || len(d["addresses"].([]any)) != 0 {
				t.Fatalf("a deleted user: %v", d)
			}
			for _, tc := range []struct {
				args []string
				code int
				want string
			}{
				{[]string{"users", "add-member", db, testSecret, "--user", id, "--org", org2, "--role", "king"}, 1, "role"},
				{[]string{"users", "add-member", db, testSecret, "--user", id, "--org", org2}, 1, "already a member"},
				{[]string{"users", "delete", db, testSecret, "--user", "bob@example.com"}, 1, "no such"}, // the address is released
				{[]string{"users", "show", db, testSecret, "--user", "nobody@example.com"}, 1, "no such"},
				{[]string{"users", "disable", db, testSecret}, 2, "--user is required"},
				{[]string{"clients", "revoke", db, testSecret, "--client", c["client_id"].(string)}, 1, "no such"},
			} {
				err := run(context.Background(), tc.args, io.Discard, quiet())
				var stderr strings.Builder
				if code := exitCode(err, &stderr); code != tc.code || !strings.Contains(stderr.String(), tc.want) {
					t.Errorf("%v: exit %d %q, want %d %q", tc.args[:2], code, stderr.String(), tc.code, tc.want)
				}
			}
		})
	}
}
