package main

import (
	"context"
	"fmt"
	"net/url"
	"path/filepath"

	"github.com/accountd/accountd/mail/mailtest"
)

// Floors a flow is compared with.
const (
	floorHTTP = "http" // bare net/http handler answering 204
	floorDB   = "db"   // pgbench, the minimal email-change transaction
	floorHash = "hash" // raw argon2id verifications per second at the production parameters
)

// flow is one hot request of one vendor, as bench/lua/flow.lua sends it.
type flow struct {
	vendor, name string
	floor        string
	method, path string
	ctype        string
	body         string            // templates (path too): {fresh}, {1}, {2}, ... (see flow.lua)
	headers      map[string]string // header templates
	rows         string            // rows file
	once         bool              // each row once (single-use codes)
	conns        int               // 0: the default concurrency
	plain        bool              // a plain GET through plain.lua (no per-request Lua)
	// prepare, when set, runs just before the flow (rows that earlier flows would spoil).
	prepare func(context.Context) error
}

// benchEnv is what seeding needs: the server, its environment for operator commands, a place
// for rows files.
type benchEnv struct {
	o     *options
	env   []string // the server's ACCOUNTD_* settings, for operator commands
	base  string
	work  string
	stamp string
	smtp  *mailtest.Standalone
}

const benchPassword = "correct-horse-battery-staple"

// vendorSeeds make each vendor's accounts and return its flows, in the order they run.
var vendorSeeds = []struct {
	vendor string
	seed   func(context.Context, *benchEnv) ([]flow, error)
}{
	{"Service", seedService},
	{"Webshare", seedWebshare},
	{"Payway", seedPayway},
	{"Rixl", seedRixl},
	{"Akana", seedAkana},
}

func seedService(context.Context, *benchEnv) ([]flow, error) {
	return []flow{{vendor: "Service", name: "GET /healthz", floor: floorHTTP, method: "GET", path: "/healthz", plain: true}}, nil
}

// createUsers makes n verified accounts with the operator command (optionally in an organisation)
// and returns their addresses.
func createUsers(ctx context.Context, e *benchEnv, prefix string, n int, org string) ([]string, error) {
	emails := make([]string, n)
	err := parallel(n, 4, func(i int) error {
		emails[i] = fmt.Sprintf("%s%d@bench.io", prefix, i)
		args := []string{"users", "create", "--email", emails[i], "--password", benchPassword, "--verified"}
		if org != "" {
			args = append(args, "--org", org)
		}
		_, err := operator(ctx, e.o.accountd, e.env, args...)
		return err
	})
	return emails, err
}

func seedWebshare(ctx context.Context, e *benchEnv) ([]flow, error) {
	emails, err := createUsers(ctx, e, "ws", e.o.users, "")
	if err != nil {
		return nil, err
	}
	rows := make([][]string, len(emails))
	err = parallel(len(emails), 4, func(i int) error {
		var out struct{ Token string }
		err := call("POST", e.base+"/api/v2/login/", "application/json",
			fmt.Sprintf(`{"email":%q,"password":%q,"recaptcha":"x"}`, emails[i], benchPassword), nil, 200, &out)
		rows[i] = []string{emails[i], out.Token}
		return err
	})
	if err != nil {
		return nil, err
	}
	file := filepath.Join(e.work, "webshare.rows")
	if err := writeRows(file, rows); err != nil {
		return nil, err
	}
	pw := fmt.Sprintf("%q", benchPassword)
	return []flow{
		{vendor: "Webshare", name: "login", floor: floorHash, method: "POST", path: "/api/v2/login/", ctype: "application/json",
			body: `{"email":"{1}","password":` + pw + `,"recaptcha":"x"}`, rows: file},
		{vendor: "Webshare", name: "changeemail (password check)", floor: floorHash, method: "POST", path: "/api/v2/changeemail/",
			ctype: "application/json", headers: map[string]string{"Authorization": "Token {2}"}, body: `{"password":` + pw + `,"new_email":"chg{fresh}@bench.io"}`, rows: file},
		{vendor: "Webshare", name: "resetpassword, known address", floor: floorDB, method: "POST", path: "/api/v2/resetpassword/",
			ctype: "application/json", body: `{"email":"{1}","recaptcha":"x"}`, rows: file, conns: e.o.resetConns},
		{vendor: "Webshare", name: "resetpassword, unknown address", floor: floorDB, method: "POST", path: "/api/v2/resetpassword/",
			ctype: "application/json", body: `{"email":"nx{fresh}@bench.io","recaptcha":"x"}`, conns: e.o.resetConns},
	}, nil
}

const paywayScopes = "/external/me/r /external/me/w /external/account/r /external/account/w"

func seedPayway(ctx context.Context, e *benchEnv) ([]flow, error) {
	org, err := operator(ctx, e.o.accountd, e.env, "orgs", "create", "--name", "Bench")
	if err != nil {
		return nil, err
	}
	orgID, _ := org["organization_id"].(string)
	cl, err := operator(ctx, e.o.accountd, e.env, "clients", "create", "--org", orgID, "--name", "Bench site", "--scopes", paywayScopes)
	if err != nil {
		return nil, err
	}
	cid, _ := cl["client_id"].(string)
	secret, _ := cl["client_secret"].(string)
	emails, err := createUsers(ctx, e, "pw", e.o.users, orgID)
	if err != nil {
		return nil, err
	}
	rows := make([][]string, len(emails))
	err = parallel(len(emails), 4, func(i int) error {
		username := url.QueryEscape(orgID + "^" + emails[i])
		form := fmt.Sprintf("grant_type=password&client_id=%s&client_secret=%s&username=%s&password=%s&scope=%s",
			url.QueryEscape(cid), url.QueryEscape(secret), username, url.QueryEscape(benchPassword), url.QueryEscape("/external/me/r /external/me/w"))
		var out struct {
			AccessToken string `json:"access_token"`
		}
		err := call("POST", e.base+"/api/authorization/access_token", "application/x-www-form-urlencoded", form, nil, 200, &out)
		rows[i] = []string{username, out.AccessToken}
		return err
	})
	if err != nil {
		return nil, err
	}
	file := filepath.Join(e.work, "payway.rows")
	if err := writeRows(file, rows); err != nil {
		return nil, err
	}
	grant := fmt.Sprintf("grant_type=password&client_id=%s&client_secret=%s&username={1}&password=%s&scope=%s",
		url.QueryEscape(cid), url.QueryEscape(secret), url.QueryEscape(benchPassword), url.QueryEscape("/external/me/r /external/me/w"))
	return []flow{
		{vendor: "Payway", name: "password grant", floor: floorHash, method: "POST", path: "/api/authorization/access_token",
			ctype: "application/x-www-form-urlencoded", body: grant, rows: file},
		{vendor: "Payway", name: "request_email_change", floor: floorDB, method: "POST", path: "/external/api/v1/me/request_email_change",
			ctype: "application/json", headers: map[string]string{"Authorization": "Bearer {2}"}, rows: file,
			body: `{"new_email":"chg{fresh}@bench.io","confirmation_url":"https://www.example.com/confirm"}`},
	}, nil
}
