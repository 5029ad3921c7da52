// Command rixlconformance drives every Rixl flow through a client generated, at test time,
// from Rixl's own OpenAPI description (package rixl, generated next to this file by
// app/rixl_conformance_test.go; never committed). It is what a new Rixl user would write: the
// generated types and calls only, plus the Bearer header the calls need.
//
// Every success must decode into the generated type, strictly (no field the type lacks);
// every error must be Rixl's {code, details, error}. The test runs it against a live server
// behind accountd's own contract check, and answers its questions about mail and time:
//
//	RIXL_BASE      the server (through the contract check)
//	RIXL_HELPER    GET /code?to=ADDR (the newest 6-digit code), GET /reset?to=ADDR (the newest
//	               reset token), POST /advance?by=DURATION (moves the server's clock)
//	RIXL_ORG       an organization with the members RIXL_MEMBERS (two addresses, comma-separated)
//	RIXL_PASSWORD  the members' password
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"

	"rixlconformance/rixl"
)

var (
	ctx    = context.Background()
	helper = os.Getenv("RIXL_HELPER")
	steps  []string
)

const (
	password    = "Conformance-Passphrase-42!"
	newPassword = "Another-Conformance-Passphrase-43!"
)

func main() {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(os.Stderr, "rixlconformance: FAILED after %d steps (%s): %v\n", len(steps), strings.Join(steps, ", "), r)
			os.Exit(1)
		}
	}()
	api, err := rixl.NewClientWithResponses(os.Getenv("RIXL_BASE"))
	check(err)
	run(api)
	fmt.Printf("rixlconformance: ok, %d steps: %s\n", len(steps), strings.Join(steps, ", "))
}

func run(api *rixl.ClientWithResponses) {
	// Register and verify: the first tokens.
	alice := "alice@example.com"
	reg := must(api.AuthV1EmailServiceRegisterWithResponse(ctx, rixl.AuthV1RegisterRequest{Email: ptr(alice), Password: ptr(password),
		CountryCode: ptr("DE"), SubscribeToBlog: ptr(true)}))
	regBody := ok[rixl.AuthV1RegisterResponse]("register", reg.HTTPResponse, reg.Body, reg.JSON200)
	if val(regBody.UserId) == "" || val(regBody.VerificationId) == "" || !val(regBody.EmailVerificationSent) {
		fail("register: want user_id, verification_id and email_verification_sent, got %s", reg.Body)
	}
	userID := val(regBody.UserId)

	early := must(api.AuthV1EmailServiceLoginWithResponse(ctx, rixl.AuthV1LoginRequest{Email: ptr(alice), Password: ptr(password)}))
	earlyBody := ok[rixl.AuthV1LoginResponse]("login before verification", early.HTTPResponse, early.Body, early.JSON200)
	if val(earlyBody.Status) != "email_not_verified" || val(earlyBody.RequiresAction) == "" || val(earlyBody.AccessToken) == "" {
		fail("login before verification: want status email_not_verified with a requires_action, got %s", early.Body)
	}

	v := must(api.AuthV1EmailServiceVerifyEmailWithResponse(ctx, rixl.AuthV1VerifyEmailRequest{VerificationId: regBody.VerificationId, Code: ptr(code(alice))}))
	vBody := ok[rixl.AuthV1VerifyEmailResponse]("verify (first tokens)", v.HTTPResponse, v.Body, v.JSON200)
	if !val(vBody.Verified) || val(vBody.Email) != alice || vBody.Tokens == nil || val(vBody.Tokens.AccessToken) == "" ||
		val(vBody.Tokens.RefreshToken) == "" || val(vBody.Tokens.TokenType) != "Bearer" || val(vBody.Tokens.RequiresAction) != "" {
		fail("verify: want the first tokens, got %s", v.Body)
	}
	if n, err := vBody.Tokens.ExpiresIn.AsAuthV1TokenResponseExpiresIn0(); err != nil || n != 900 {
		fail("verify: expires_in as int64: %d %v in %s", n, err, v.Body)
	}

	// Login.
	login := func(step, email, pw string) *rixl.AuthV1LoginResponse {
		r := must(api.AuthV1EmailServiceLoginWithResponse(ctx, rixl.AuthV1LoginRequest{Email: ptr(email), Password: ptr(pw)}))
		b := ok[rixl.AuthV1LoginResponse](step, r.HTTPResponse, r.Body, r.JSON200)
		if val(b.Status) != "ok" || val(b.AccessToken) == "" || val(b.RefreshToken) == "" || val(b.SessionId) == "" ||
			val(b.TokenType) != "Bearer" || val(b.RequiresAction) != "" || val(b.Email) != email {
			fail("%s: want status ok and a token pair, got %s", step, r.Body)
		}
		if n, err := b.ExpiresIn.AsAuthV1LoginResponseExpiresIn0(); err != nil || n != 900 {
			fail("%s: expires_in as int64: %d %v in %s", step, n, err, r.Body)
		}
		return b
	}
	first := login("login", alice, password)

	// Refresh: rotation, then reuse of the spent token revokes the session.
	refresh := func(tok string) *rixl.AuthV1TokenServiceRefreshTokenResponse {
		return must(api.AuthV1TokenServiceRefreshTokenWithResponse(ctx, rixl.AuthV1RefreshTokenRequest{RefreshToken: ptr(tok),
			TokenType: ptr("refresh_token"), CountryCode: ptr("DE"), Origin: ptr("https://app.example.com")}))
	}
	rr := refresh(val(first.RefreshToken))
	second := ok[rixl.AuthV1TokenResponse]("refresh (rotation)", rr.HTTPResponse, rr.Body, rr.JSON200)
	if val(second.AccessToken) == val(first.AccessToken) || val(second.RefreshToken) == val(first.RefreshToken) {
		fail("refresh: the pair did not rotate: %s", rr.Body)
	}
	if n, err := second.ExpiresIn.AsAuthV1TokenResponseExpiresIn0(); err != nil || n != 900 {
		fail("refresh: expires_in as int64: %d %v", n, err)
	}
	reuse := refresh(val(first.RefreshToken))
	refused("refresh (reuse of a spent token)", reuse.HTTPResponse, reuse.Body, http.StatusUnauthorized)
	st := must(api.AuthV1EmailServiceGetUserEmailStatusWithResponse(ctx, nil, bearer(val(second.AccessToken))))
	refused("the reused session's new access token", st.HTTPResponse, st.Body, http.StatusUnauthorized)

	me := login("login again", alice, password)
	tok := bearer(val(me.AccessToken))

	// Current user, userinfo, email status; user_id of the caller works, another is refused.
	u := must(api.AuthV1UserServiceGetUserWithResponse(ctx, nil, tok))
	uBody := ok[rixl.AuthV1GetUserResponse]("current user", u.HTTPResponse, u.Body, u.JSON200)
	if val(uBody.UserId) != userID || val(uBody.Email) != alice || !val(uBody.EmailVerified) {
		fail("current user: want %s %s verified, got %s", userID, alice, u.Body)
	}
	u = must(api.AuthV1UserServiceGetUserWithResponse(ctx, &rixl.AuthV1UserServiceGetUserParams{UserId: &userID}, tok))
	ok[rixl.AuthV1GetUserResponse]("current user with its own user_id", u.HTTPResponse, u.Body, u.JSON200)
	u = must(api.AuthV1UserServiceGetUserWithResponse(ctx, &rixl.AuthV1UserServiceGetUserParams{UserId: ptr("0123456789abcdef01234567")}, tok))
	refused("current user with another user_id", u.HTTPResponse, u.Body, http.StatusForbidden)

	info := must(api.AuthV1UserServiceGetUserInfoWithResponse(ctx, nil, tok))
	iBody := ok[rixl.AuthV1UserInfo]("userinfo", info.HTTPResponse, info.Body, info.JSON200)
	if val(iBody.Id) != userID || val(iBody.Email) != alice || !val(iBody.EmailVerified) || iBody.ActiveOrgId != nil {
		fail("userinfo: want %s %s verified in no organization, got %s", userID, alice, info.Body)
	}
	status := func(step, want string) {
		r := must(api.AuthV1EmailServiceGetUserEmailStatusWithResponse(ctx, &rixl.AuthV1EmailServiceGetUserEmailStatusParams{UserId: &userID}, tok))
		b := ok[rixl.AuthV1EmailStatusResponse](step, r.HTTPResponse, r.Body, r.JSON200)
		if val(b.Email) != want || !val(b.HasEmail) || !val(b.Verified) {
			fail("%s: want %s verified, got %s", step, want, r.Body)
		}
	}
	status("email status", alice)

	// Change email + verify.
	alice2 := "alice.new@example.com"
	ch := must(api.AuthV1EmailServiceInitiateEmailChangeWithResponse(ctx, rixl.AuthV1InitiateEmailChangeRequest{UserId: &userID, NewEmail: ptr(alice2)}, tok))
	chBody := ok[rixl.AuthV1VerificationSentResponse]("change email", ch.HTTPResponse, ch.Body, ch.JSON200)
	if !val(chBody.CodeSent) || val(chBody.VerificationId) == "" || val(chBody.CanResendAt) == "" {
		fail("change email: %s", ch.Body)
	}
	again := must(api.AuthV1EmailServiceInitiateEmailChangeWithResponse(ctx, rixl.AuthV1InitiateEmailChangeRequest{NewEmail: ptr(alice2)}, tok))
	refused("change email again at once", again.HTTPResponse, again.Body, http.StatusTooManyRequests)
	if again.HTTPResponse.Header.Get("Retry-After") == "" {
		fail("429 without Retry-After")
	}
	cv := must(api.AuthV1EmailServiceVerifyEmailWithResponse(ctx, rixl.AuthV1VerifyEmailRequest{VerificationId: chBody.VerificationId, Code: ptr(code(alice2))}))
	cvBody := ok[rixl.AuthV1VerifyEmailResponse]("verify the email change", cv.HTTPResponse, cv.Body, cv.JSON200)
	if !val(cvBody.Verified) || val(cvBody.Email) != alice2 || cvBody.Tokens != nil {
		fail("verify the email change: %s", cv.Body)
	}
	status("email status after the change", alice2)

	// Add email + verify.
	work := "alice.work@example.com"
	add := must(api.AuthV1EmailServiceAddEmailWithResponse(ctx, rixl.AuthV1AddEmailRequest{Email: ptr(work)}, tok))
	addBody := ok[rixl.AuthV1VerificationSentResponse]("add email", add.HTTPResponse, add.Body, add.JSON200)
	av := must(api.AuthV1EmailServiceVerifyEmailWithResponse(ctx, rixl.AuthV1VerifyEmailRequest{VerificationId: addBody.VerificationId, Code: ptr(code(work))}))
	avBody := ok[rixl.AuthV1VerifyEmailResponse]("verify the added email", av.HTTPResponse, av.Body, av.JSON200)
	if !val(avBody.Verified) || val(avBody.Email) != work {
		fail("verify the added email: %s", av.Body)
	}
	status("email status after adding", alice2)

	// Resend: a new code for a pending sign-up, confirmed under the id of the registration.
	bob := "bob@example.com"
	breg := must(api.AuthV1EmailServiceRegisterWithResponse(ctx, rixl.AuthV1RegisterRequest{Email: ptr(bob), Password: ptr(password)}))
	bregBody := ok[rixl.AuthV1RegisterResponse]("register another", breg.HTTPResponse, breg.Body, breg.JSON200)
	oldCode := code(bob)
	advance("61s")
	rs := must(api.AuthV1EmailServiceResendVerificationWithResponse(ctx, rixl.AuthV1ResendVerificationRequest{Email: ptr(bob)}))
	ok[rixl.AuthV1ResendVerificationResponse]("resend", rs.HTTPResponse, rs.Body, rs.JSON200)
	newCode := code(bob)
	if newCode != oldCode {
		stale := must(api.AuthV1EmailServiceVerifyEmailWithResponse(ctx, rixl.AuthV1VerifyEmailRequest{VerificationId: bregBody.VerificationId, Code: ptr(oldCode)}))
		refused("verify with the replaced code", stale.HTTPResponse, stale.Body, http.StatusBadRequest)
	}
	bv := must(api.AuthV1EmailServiceVerifyEmailWithResponse(ctx, rixl.AuthV1VerifyEmailRequest{VerificationId: bregBody.VerificationId, Code: ptr(newCode)}))
	if b := ok[rixl.AuthV1VerifyEmailResponse]("verify the resent code", bv.HTTPResponse, bv.Body, bv.JSON200); b.Tokens == nil {
		fail("verify the resent code: no tokens: %s", bv.Body)
	}

	// Password reset + confirm: every session ends; the new password logs in.
	pr := must(api.AuthV1EmailServiceSendPasswordResetWithResponse(ctx, rixl.AuthV1SendPasswordResetRequest{Email: ptr(alice2)}))
	empty("password reset", pr.HTTPResponse, pr.Body, pr.JSON200)
	pc := must(api.AuthV1EmailServiceResetPasswordWithResponse(ctx, rixl.AuthV1ResetPasswordRequest{Token: ptr(resetToken(alice2)), NewPassword: ptr(newPassword)}))
	empty("password reset confirm", pc.HTTPResponse, pc.Body, pc.JSON200)
	st = must(api.AuthV1EmailServiceGetUserEmailStatusWithResponse(ctx, nil, tok))
	refused("a token from before the reset", st.HTTPResponse, st.Body, http.StatusUnauthorized)
	me = login("login with the new password", alice2, newPassword)
	tok = bearer(val(me.AccessToken))

	// Leave, POST (Rixl's OpenAPI) and DELETE (Rixl's doc page), by two members.
	org, members := os.Getenv("RIXL_ORG"), strings.Split(os.Getenv("RIXL_MEMBERS"), ",")
	if org == "" || len(members) != 2 {
		fail("RIXL_ORG and two RIXL_MEMBERS are needed")
	}
	memberTok := func(i int) rixl.RequestEditorFn {
		m := login(fmt.Sprintf("member %d login", i+1), members[i], os.Getenv("RIXL_PASSWORD"))
		t := bearer(val(m.AccessToken))
		in := must(api.AuthV1UserServiceGetUserInfoWithResponse(ctx, nil, t))
		if b := ok[rixl.AuthV1UserInfo](fmt.Sprintf("member %d userinfo", i+1), in.HTTPResponse, in.Body, in.JSON200); val(b.ActiveOrgId) != org {
			fail("member userinfo: want active_org_id %s, got %s", org, in.Body)
		}
		return t
	}
	m1 := memberTok(0)
	lv := must(api.AuthV1MembershipServiceLeaveOrganizationWithResponse(ctx, org, nil, m1))
	empty("leave (POST)", lv.HTTPResponse, lv.Body, lv.JSON200)
	lv = must(api.AuthV1MembershipServiceLeaveOrganizationWithResponse(ctx, org, nil, m1))
	refused("leave (POST) again", lv.HTTPResponse, lv.Body, http.StatusNotFound)
	m2 := memberTok(1)
	del := leaveByDelete(api, org, m2)
	empty("leave (DELETE)", del.HTTPResponse, del.Body, del.JSON200)

	// Logout: the bearer token's session ends, and its refresh token with it.
	lo := must(api.AuthV1TokenServiceLogoutWithResponse(ctx, rixl.AuthV1LogoutRequest{}, tok))
	empty("logout", lo.HTTPResponse, lo.Body, lo.JSON200)
	st = must(api.AuthV1EmailServiceGetUserEmailStatusWithResponse(ctx, nil, tok))
	refused("the logged-out access token", st.HTTPResponse, st.Body, http.StatusUnauthorized)
	rr = refresh(val(me.RefreshToken))
	refused("the logged-out refresh token", rr.HTTPResponse, rr.Body, http.StatusUnauthorized)
	// Logout with a token: that session of the caller ends.
	a, b := login("login (session A)", alice2, newPassword), login("login (session B)", alice2, newPassword)
	lo = must(api.AuthV1TokenServiceLogoutWithResponse(ctx, rixl.AuthV1LogoutRequest{Token: b.RefreshToken}, bearer(val(a.AccessToken))))
	empty("logout of another session by its refresh token", lo.HTTPResponse, lo.Body, lo.JSON200)
	st = must(api.AuthV1EmailServiceGetUserEmailStatusWithResponse(ctx, nil, bearer(val(b.AccessToken))))
	refused("the ended session's access token", st.HTTPResponse, st.Body, http.StatusUnauthorized)
}

// leaveByDelete is DELETE .../leave, which Rixl's document does not have (its doc page does):
// a request made by hand, sent and parsed with the generated client's own pieces.
func leaveByDelete(api *rixl.ClientWithResponses, org string, auth rixl.RequestEditorFn) *rixl.AuthV1MembershipServiceLeaveOrganizationResponse {
	req, err := rixl.NewAuthV1MembershipServiceLeaveOrganizationRequest(os.Getenv("RIXL_BASE"), org, nil)
	check(err)
	req.Method = http.MethodDelete
	check(auth(ctx, req))
	resp, err := http.DefaultClient.Do(req)
	check(err)
	r, err := rixl.ParseAuthV1MembershipServiceLeaveOrganizationResponse(resp)
	check(err)
	return r
}

// ok asserts a 200 whose body the generated client decoded into typed (JSON200), and that the
// body decodes strictly into the same type: no field the type lacks.
func ok[T any](step string, resp *http.Response, body []byte, typed *T) *T {
	if resp.StatusCode != http.StatusOK || typed == nil {
		fail("%s: want 200 decoded into %T, got %d %s", step, typed, resp.StatusCode, body)
	}
	var strict T
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&strict); err != nil {
		fail("%s: the body does not decode strictly into %T: %v: %s", step, strict, err, body)
	}
	steps = append(steps, step)
	return typed
}

// empty asserts a 200 with google.protobuf.Empty: `{}`.
func empty(step string, resp *http.Response, body []byte, typed *rixl.GoogleProtobufEmpty) {
	ok(step, resp, body, typed)
	if len(*typed) != 0 {
		fail("%s: want {}, got %s", step, body)
	}
}

// refused asserts an error answer with Rixl's documented body {code, details, error}.
func refused(step string, resp *http.Response, body []byte, want int) {
	var e struct {
		Code    int    `json:"code"`
		Details string `json:"details"`
		Error   string `json:"error"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if resp.StatusCode != want || dec.Decode(&e) != nil || e.Code != want || e.Error == "" {
		fail("%s: want %d with Rixl's error body, got %d %s", step, want, resp.StatusCode, body)
	}
	steps = append(steps, fmt.Sprintf("%s %d", step, want))
}

func bearer(token string) rixl.RequestEditorFn {
	return func(_ context.Context, r *http.Request) error {
		r.Header.Set("Authorization", "Bearer "+token)
		return nil
	}
}

func code(addr string) string       { return ask("GET", "/code?to="+url.QueryEscape(addr)) }
func resetToken(addr string) string { return ask("GET", "/reset?to="+url.QueryEscape(addr)) }
func advance(by string)             { ask("POST", "/advance?by="+url.QueryEscape(by)) }
func ptr[T any](v T) *T             { return &v }
func must[T any](v T, err error) T  { check(err); return v }
func fail(format string, a ...any)  { panic(fmt.Sprintf(format, a...)) }

func val[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func check(err error) {
	if err != nil {
		panic(err)
	}
}

// ask asks the test for what only it knows (mail, the clock).
func ask(method, path string) string {
	req, err := http.NewRequest(method, helper+path, nil)
	check(err)
	resp, err := http.DefaultClient.Do(req)
	check(err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		fail("helper %s %s: %d %s", method, path, resp.StatusCode, b)
	}
	return string(b)
}
