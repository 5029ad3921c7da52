package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// seedRixl: login into a session, emails/change to fresh addresses, and email/verify with the
// right code (one pending change per account, made just before that flow, codes read from the
// SMTP server: each row is used once).
func seedRixl(ctx context.Context, e *benchEnv) ([]flow, error) {
	// email/verify spends one pending change per account, so it gets more accounts than the
	// other flows (-verify-users): 128 codes were answered in a tenth of a second, too short
	// a run to measure.
	emails, err := createUsers(ctx, e, "rx", max(e.o.users, e.o.verifyUsers), "")
	if err != nil {
		return nil, err
	}
	rows := make([][]string, len(emails))
	err = parallel(len(emails), 4, func(i int) error {
		var out struct {
			AccessToken string `json:"access_token"` // Rixl's LoginResponse is flat
		}
		err := call("POST", e.base+"/auth/v1/login", "application/json",
			fmt.Sprintf(`{"email":%q,"password":%q}`, emails[i], benchPassword), nil, 200, &out)
		rows[i] = []string{emails[i], out.AccessToken}
		return err
	})
	if err != nil {
		return nil, err
	}
	file := filepath.Join(e.work, "rixl.rows")
	if err := writeRows(file, rows[:e.o.users]); err != nil {
		return nil, err
	}
	verifyRows := filepath.Join(e.work, "rixl-verify.rows")
	pw := fmt.Sprintf("%q", benchPassword)
	return []flow{
		{vendor: "Rixl", name: "login", floor: floorHash, method: "POST", path: "/auth/v1/login", ctype: "application/json",
			body: `{"email":"{1}","password":` + pw + `}`, rows: file},
		{vendor: "Rixl", name: "emails/change, fresh address", floor: floorDB, method: "PUT", path: "/auth/v1/users/current/emails/change",
			ctype: "application/json", headers: map[string]string{"Authorization": "Bearer {2}"}, rows: file,
			body: `{"new_email":"chg{fresh}@bench.io"}`},
		{vendor: "Rixl", name: "email/verify, right code", floor: floorDB, method: "POST", path: "/auth/v1/email/verify",
			ctype: "application/json", body: `{"verification_id":"{1}","code":"{2}"}`, rows: verifyRows, once: true,
			prepare: func(ctx context.Context) error { return rixlPendingChanges(ctx, e, rows, verifyRows) }},
	}, nil
}

var sixDigits = regexp.MustCompile(`\b(\d{6})\b`)

// rixlPendingChanges starts one email change per account and writes "verification_id<TAB>code"
// rows, the codes read from the mails the server sent to the new addresses.
func rixlPendingChanges(ctx context.Context, e *benchEnv, accounts [][]string, file string) error {
	e.smtp.Reset()
	ids := make([]string, len(accounts))
	addrs := make([]string, len(accounts))
	err := parallel(len(accounts), 4, func(i int) error {
		addrs[i] = fmt.Sprintf("vfy%s-%d@bench.io", e.stamp, i)
		var out struct {
			VerificationID string `json:"verification_id"`
		}
		err := call("PUT", e.base+"/auth/v1/users/current/emails/change", "application/json",
			fmt.Sprintf(`{"new_email":%q}`, addrs[i]), map[string]string{"Authorization": "Bearer " + accounts[i][1]}, 200, &out)
		ids[i] = out.VerificationID
		return err
	})
	if err != nil {
		return err
	}
	want := map[string]bool{}
	for _, a := range addrs {
		want[a] = true
	}
	codes := map[string]string{}
	deadline := time.Now().Add(time.Minute)
	for len(codes) < len(addrs) {
		for _, m := range e.smtp.All() {
			if c := sixDigits.FindStringSubmatch(m.Text); c != nil && len(m.To) == 1 && want[strings.ToLower(m.To[0])] {
				codes[strings.ToLower(m.To[0])] = c[1]
			}
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("only %d of %d verification mails arrived", len(codes), len(addrs))
		}
		time.Sleep(100 * time.Millisecond) // polling a local SMTP server's inbox, bounded above
	}
	rows := make([][]string, len(addrs))
	for i, a := range addrs {
		rows[i] = []string{ids[i], codes[a]}
	}
	return writeRows(file, rows)
}

// akanaTenant is Akana's default tenant (ACCOUNTD_AKANA_TENANT unset): it names the cookies,
// the CSRF header and every userFDN.
const akanaTenant = "acmepaymentscorp"

// seedAkana: the cookie login, and sendEmailChangeCode as the vendor page sends it (form body,
// session cookie, CSRF header).
func seedAkana(ctx context.Context, e *benchEnv) ([]flow, error) {
	emails, err := createUsers(ctx, e, "ak", e.o.users, "")
	if err != nil {
		return nil, err
	}
	rows := make([][]string, len(emails))
	err = parallel(len(emails), 4, func(i int) error {
		req, _ := http.NewRequest("POST", e.base+"/api/login", strings.NewReader(
			fmt.Sprintf(`{"email":%q,"password":%q}`, emails[i], benchPassword)))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		var out struct {
			UserFDN string `json:"userFDN"`
		}
		if err := decode(resp, 200, &out); err != nil {
			return err
		}
		var session, csrf string
		for _, c := range resp.Cookies() {
			switch c.Name {
			case "AtmoAuthToken_" + akanaTenant:
				session = c.Value
			case "Csrf-Token_" + akanaTenant:
				csrf = c.Value
			}
		}
		if session == "" || csrf == "" {
			return fmt.Errorf("akana login %s set no session or CSRF cookie", emails[i])
		}
		rows[i] = []string{url.PathEscape(out.UserFDN), session, csrf, emails[i]}
		return nil
	})
	if err != nil {
		return nil, err
	}
	file := filepath.Join(e.work, "akana.rows")
	if err := writeRows(file, rows); err != nil {
		return nil, err
	}
	pw := fmt.Sprintf("%q", benchPassword)
	return []flow{
		{vendor: "Akana", name: "login", floor: floorHash, method: "POST", path: "/api/login", ctype: "application/json",
			body: `{"email":"{4}","password":` + pw + `}`, rows: file},
		{vendor: "Akana", name: "sendEmailChangeCode", floor: floorDB, method: "POST", path: "/api/users/{1}/sendEmailChangeCode",
			ctype: "application/x-www-form-urlencoded; charset=UTF-8", body: "newEmailAddress=chg{fresh}%40bench.io", rows: file,
			headers: map[string]string{"Accept": "application/json, text/javascript, */*; q=0.01",
				"Cookie": "AtmoAuthToken_" + akanaTenant + "={2}", "X-Csrf-Token_" + akanaTenant: "{3}"}},
	}, nil
}
