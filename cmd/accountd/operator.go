package main

import (
	"context"
	"encoding/json"
	"io"

	"github.com/accountd/accountd/account"
)

// The operator commands over users, organisations, clients and sessions. Each prints one JSON
// object; a user is named by --user: its id or any of its addresses.

func usersList(ctx context.Context, args []string, out io.Writer) error {
	fs, cfg := dbFlags("users list")
	limit := fs.Int("limit", 100, "at most this many users, newest first")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	return withCore(ctx, cfg, func(core *account.Service) error {
		users, err := core.ListUsers(ctx, max(*limit, 1))
		if err != nil {
			return err
		}
		return json.NewEncoder(out).Encode(map[string]any{"users": users})
	})
}

// userCommand runs fn on the user named by --user.
func userCommand(ctx context.Context, name string, args []string, out io.Writer, fn func(core *account.Service, id string) (any, error)) error {
	fs, cfg := dbFlags(name)
	ref := fs.String("user", "", "the user: its id or one of its addresses")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *ref == "" {
		return usagef("accountd %s: --user is required", name)
	}
	return withCore(ctx, cfg, func(core *account.Service) error {
		id, err := core.FindUser(ctx, *ref)
		if err != nil {
			return describe(err)
		}
		v, err := fn(core, id)
		if err != nil {
			return describe(err)
		}
		return json.NewEncoder(out).Encode(v)
	})
}

func usersShow(ctx context.Context, args []string, out io.Writer) error {
	return userCommand(ctx, "users show", args, out, func(core *account.Service, id string) (any, error) {
		return core.ShowUser(ctx, id)
	})
}

func usersDisable(ctx context.Context, args []string, out io.Writer) error {
	return userCommand(ctx, "users disable", args, out, func(core *account.Service, id string) (any, error) {
		if err := core.DisableUser(ctx, id); err != nil {
			return nil, err
		}
		return map[string]string{"user_id": id, "status": "suspended"}, nil
	})
}

func sessionsRevoke(ctx context.Context, args []string, out io.Writer) error {
	return userCommand(ctx, "sessions revoke", args, out, func(core *account.Service, id string) (any, error) {
		sessions, creds, err := core.RevokeAllLogins(ctx, id)
		return map[string]any{"user_id": id, "sessions_revoked": sessions, "tokens_revoked": creds}, err
	})
}

func orgsList(ctx context.Context, args []string, out io.Writer) error {
	fs, cfg := dbFlags("orgs list")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	return withCore(ctx, cfg, func(core *account.Service) error {
		orgs, err := core.ListOrganizations(ctx)
		if err != nil {
			return err
		}
		return json.NewEncoder(out).Encode(map[string]any{"organizations": orgs})
	})
}

func clientsList(ctx context.Context, args []string, out io.Writer) error {
	fs, cfg := dbFlags("clients list")
	org := fs.String("org", "", "only the clients of this organisation")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	return withCore(ctx, cfg, func(core *account.Service) error {
		clients, err := core.ListClients(ctx, *org)
		if err != nil {
			return err
		}
		if clients == nil {
			clients = []account.ClientRow{}
		}
		return json.NewEncoder(out).Encode(map[string]any{"clients": clients})
	})
}

func clientsRevoke(ctx context.Context, args []string, out io.Writer) error {
	fs, cfg := dbFlags("clients revoke")
	id := fs.String("client", "", "the client_id to revoke")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *id == "" {
		return usagef("accountd clients revoke: --client is required")
	}
	return withCore(ctx, cfg, func(core *account.Service) error {
		if err := core.RevokeClient(ctx, *id); err != nil {
			return describe(err)
		}
		return json.NewEncoder(out).Encode(map[string]any{"client_id": *id, "revoked": true})
	})
}

func usersDelete(ctx context.Context, args []string, out io.Writer) error {
	return userCommand(ctx, "users delete", args, out, func(core *account.Service, id string) (any, error) {
		if err := core.DeleteUser(ctx, id); err != nil {
			return nil, err
		}
		return map[string]any{"user_id": id, "deleted": true}, nil
	})
}

func usersAddMember(ctx context.Context, args []string, out io.Writer) error {
	fs, cfg := dbFlags("users add-member")
	ref := fs.String("user", "", "the user: its id or one of its addresses")
	org := fs.String("org", "", "organisation id")
	role := fs.String("role", "member", "member, site_admin or business_admin")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *ref == "" || *org == "" {
		return usagef("accountd users add-member: --user and --org are required")
	}
	return withCore(ctx, cfg, func(core *account.Service) error {
		id, err := core.FindUser(ctx, *ref)
		if err != nil {
			return describe(err)
		}
		r, err := core.AddMember(ctx, *org, id, *role)
		if err != nil {
			return describe(err)
		}
		return json.NewEncoder(out).Encode(map[string]string{"user_id": id, "organization_id": *org, "role": r})
	})
}

func clientsRotateSecret(ctx context.Context, args []string, out io.Writer) error {
	fs, cfg := dbFlags("clients rotate-secret")
	id := fs.String("client", "", "the client_id")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *id == "" {
		return usagef("accountd clients rotate-secret: --client is required")
	}
	return withCore(ctx, cfg, func(core *account.Service) error {
		secret, err := core.RotateClientSecret(ctx, *id)
		if err != nil {
			return describe(err)
		}
		return json.NewEncoder(out).Encode(map[string]string{"client_id": *id, "client_secret": secret})
	})
}
