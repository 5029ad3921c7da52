// One flow per vendor through a client that ogen (github.com/ogen-go/ogen, the strictest Go
// generator) generates from openapi.yaml: scripts/generators.sh generates it into
// build/generators/ogen/client next to a copy of this module, builds and runs it:
//
//	ACCOUNTD_BASE_URL=http://127.0.0.1:8080 ACCOUNTD_FLOW_...=... ./ogenflows
//
// Webshare and Rixl sign up and log in; Payway (password grant, /me) and Akana (login with its
// cookies, login status) use the seeded member, as they have no sign-up.
package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/ogen-go/ogen/ogenerrors"

	"ogenflows/client"
)

// creds hands the client the credential of each scheme the flow holds; the others are skipped.
type creds struct {
	webshare, paywayUser, rixl, akanaSession string
}

func skip[T any]() (T, error) { var zero T; return zero, ogenerrors.ErrSkipClientSecurity }

func (c *creds) WebshareToken(context.Context, client.OperationName) (client.WebshareToken, error) {
	if c.webshare == "" {
		return skip[client.WebshareToken]()
	}
	return client.WebshareToken{APIKey: "Token " + c.webshare}, nil
}
func (c *creds) PaywayUserToken(context.Context, client.OperationName) (client.PaywayUserToken, error) {
	if c.paywayUser == "" {
		return skip[client.PaywayUserToken]()
	}
	return client.PaywayUserToken{Token: c.paywayUser}, nil
}
func (c *creds) PaywayApplicationToken(context.Context, client.OperationName) (client.PaywayApplicationToken, error) {
	return skip[client.PaywayApplicationToken]()
}
func (c *creds) RixlBearer(context.Context, client.OperationName) (client.RixlBearer, error) {
	if c.rixl == "" {
		return skip[client.RixlBearer]()
	}
	return client.RixlBearer{Token: c.rixl}, nil
}
func (c *creds) AkanaAuthCookie(context.Context, client.OperationName) (client.AkanaAuthCookie, error) {
	if c.akanaSession == "" {
		return skip[client.AkanaAuthCookie]()
	}
	return client.AkanaAuthCookie{APIKey: c.akanaSession}, nil
}
func (c *creds) AkanaCsrfHeader(context.Context, client.OperationName) (client.AkanaCsrfHeader, error) {
	return skip[client.AkanaCsrfHeader]()
}

func env(name string) string {
	v := os.Getenv(name)
	if v == "" {
		fmt.Fprintf(os.Stderr, "ogen flows: %s is not set\n", name)
		os.Exit(2)
	}
	return v
}

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	jar, _ := cookiejar.New(nil)
	sec := &creds{}
	api, err := client.NewClient(env("ACCOUNTD_BASE_URL"), sec, client.WithClient(&http.Client{Jar: jar}))
	if err != nil {
		fail("client", err)
	}
	seedEmail, seedPassword := env("ACCOUNTD_FLOW_EMAIL"), env("ACCOUNTD_FLOW_PASSWORD")
	tag := strconv.FormatInt(time.Now().UnixNano(), 36)
	const password = "Generator-Passphrase-42!"

	// Webshare: register (201, a new account) and log in.
	wsEmail := "ogen-ws-" + tag + "@example.com"
	reg, err := api.WebshareRegister(ctx, &client.WebshareRegisterRequest{Email: client.WebshareEmail(wsEmail),
		Password: password, Recaptcha: "ogen", TosAccepted: true})
	created, ok := reg.(*client.WebshareRegisterCreated)
	check("webshare register", err, ok && created.Response.Token != "" && !created.Response.LoggedInExistingUser, reg)
	login, err := api.WebshareLogin(ctx, &client.WebshareLoginRequest{Email: client.WebshareEmail(wsEmail), Password: password, Recaptcha: "ogen"})
	token, ok := login.(*client.WebshareTokenResponseHeaders)
	check("webshare login", err, ok && token.Response.Token != "", login)
	sec.webshare = token.Response.Token
	status, err := api.WebshareGetActivation(ctx)
	activation, ok := status.(*client.WebshareActivationStatusHeaders)
	check("webshare activation status", err, ok && !activation.Response.EmailIsVerified && activation.XRequestID != "", status)
	fmt.Println("ogen webshare: register 201, login 200, activation status 200")

	// Rixl: register (200, a user id and a verification id) and log in (flat tokens).
	rxEmail := "ogen-rx-" + tag + "@example.com"
	rxReg, err := api.RixlEmailServiceRegister(ctx, &client.RixlRegisterRequest{Email: client.RixlEmail(rxEmail), Password: client.RixlNewPassword(password)})
	sent, ok := rxReg.(*client.RixlRegisterResponseHeaders)
	check("rixl register", err, ok && sent.Response.VerificationID != "" && sent.Response.UserID != "", rxReg)
	rxLogin, err := api.RixlEmailServiceLogin(ctx, &client.RixlLoginRequest{Email: client.RixlEmail(rxEmail), Password: client.RixlPassword(password)})
	session, ok := rxLogin.(*client.RixlLoginResponseHeaders)
	check("rixl login", err, ok && session.Response.AccessToken != "" && session.Response.ExpiresIn > 0, rxLogin)
	fmt.Println("ogen rixl: register 200, login 200")

	// Payway: the password grant (a form body) with the seeded member, then /me.
	grant, err := api.PaywayAccessToken(ctx, &client.PaywayAccessTokenRequest{GrantType: "password",
		ClientID: client.NewOptString(env("ACCOUNTD_FLOW_CLIENT_ID")), ClientSecret: client.NewOptString(env("ACCOUNTD_FLOW_CLIENT_SECRET")),
		Username: client.NewOptString(env("ACCOUNTD_FLOW_ORG") + "^" + seedEmail), Password: client.NewOptString(seedPassword),
		Scope: client.NewOptString("/external/me/r")})
	tok, ok := grant.(*client.PaywayTokenResponseHeaders)
	check("payway password grant", err, ok && tok.Response.AccessToken != "", grant)
	sec.paywayUser = tok.Response.AccessToken
	me, err := api.PaywayGetMe(ctx)
	item, ok := me.(*client.PaywayMeResponseHeaders)
	check("payway me", err, ok && string(item.Response.Item.Email) == seedEmail, me)
	fmt.Println("ogen payway: password grant 200, me 200")

	// Akana: log in (the cookies), then the login status with the session cookie.
	akLogin, err := api.AkanaLogin(ctx, &client.AkanaLoginApplicationJSON{Email: client.AkanaEmail(seedEmail), Password: client.AkanaPassword(seedPassword)})
	info, ok := akLogin.(*client.AkanaLoginApplicationJSONOK)
	check("akana login", err, ok && info.Response.LoginState == "LoggedIn", akLogin)
	for _, c := range jar.Cookies(mustURL(env("ACCOUNTD_BASE_URL"))) {
		if strings.HasPrefix(c.Name, "AtmoAuthToken_") {
			sec.akanaSession = c.Value
		}
	}
	check("akana session cookie", nil, sec.akanaSession != "", "no AtmoAuthToken_ cookie")
	st, err := api.AkanaGetLoginStatus(ctx)
	stOK, ok := st.(*client.AkanaGetLoginStatusApplicationJSONOK)
	check("akana login status", err, ok && stOK.Response.LoginState == "LoggedIn" && stOK.CacheControl == "no-store", st)
	fmt.Println("ogen akana: login 200 (cookies), login status LoggedIn")
}

func check(step string, err error, ok bool, got any) {
	if err != nil {
		fail(step, err)
	}
	if !ok {
		fail(step, fmt.Errorf("unexpected answer %T %+v", got, got))
	}
}

func fail(step string, err error) {
	fmt.Fprintf(os.Stderr, "ogen flows: %s: FAILED: %v\n", step, err)
	os.Exit(1)
}
