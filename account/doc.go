// Package account is the account core shared by every vendor API: users, email addresses,
// organisations, credentials, one-time codes, outbox mail, audit events and rate limits.
// It knows nothing of HTTP or vendors: handlers translate requests into these calls and
// translate *Error values into their vendor's error bodies. The core never words an error for
// a person: it speaks in kinds, codes, fields and reasons, and each vendor's message catalogue
// turns those into its own text.
//
// # The flows, the function each vendor calls, and what it can refuse
//
// One function per flow; what differs between the vendors is an option of it (in brackets).
// Every function can also fail with KindInternal. Limits: limits.go (one table) and the README.
//
//	flow                      function                                   vendors                   errors (Code)
//	register                  Register [LoginExisting, NoCredential]     Webshare, Rixl            invalid_email, tos_required, weak_password, throttled, email_taken
//	password login            Login / LoginSession / LoginToOrganization Webshare / Rixl, Akana /  invalid_email, throttled, invalid_credentials, account_deleted,
//	                          (one login, login.go)                      Payway                    account_suspended; Payway also invalid_scope, account_frozen
//	start an email change     StartEmailChange [Password, ActorID,       all four                  invalid_email, email_unchanged, wrong_password, throttled,
//	                          OrgID, Delivery, NoMail, NotifyCurrent]                              email_taken, not_permitted, account_not_in_org, not_found
//	add an address            StartAddEmail                              Rixl                      as StartEmailChange
//	confirm by code owner     CompleteEmailChange(InOrg)                 Webshare, Payway          invalid_code, email_taken, account_not_in_org
//	confirm by code value     ApplyEmailChangeCode                       Akana                     invalid_email, invalid_code, email_taken
//	confirm by verif. id      VerifyEmail [signIn]                       Rixl                      not_found (verification_id), invalid_code, email_taken
//	resend a typed code       ResendVerification                         Rixl                      invalid_email (all else silent)
//	activation                ActivationStatus, ResendActivation,        Webshare                  already_verified, throttled, invalid_code, account_deleted
//	                          CompleteActivation
//	change the password       ChangePassword / ChangeOwnPassword         Webshare / Akana          wrong_password, throttled, weak_password, not_permitted
//	request a reset           RequestPasswordReset(InOrg)                Webshare, Rixl, Akana /   invalid_email (all else silent)
//	                                                                     Payway
//	complete a reset          CompletePasswordReset, ConfirmPasswordReset Webshare, Rixl           invalid_code, weak_password, account_deleted, account_suspended
//	                          ResetPasswordWithCode, CheckPasswordResetCode Akana                  invalid_email, invalid_code, weak_password
//	                          CreatePasswordResetCode,                   Payway                    not_found, account_not_in_org, invalid_code
//	                          CompletePasswordResetByID [ResetOptions]
//	authentication attempts   AuthenticationAttempts,                    Payway                    invalid_email, not_found, account_not_in_org
//	                          RecordAuthenticationAttempt
//	sessions                  StartSession, RefreshSession, RenewSession, Payway, Rixl, Akana      invalid_refresh_token, refresh_token_reused, invalid_scope,
//	                          EndSession, AuthenticateSession(WithSecret)                          invalid_token, invalid_session_secret, account_deleted
//	API tokens                Authenticate, Logout                       Webshare                  no_credentials, invalid_token, account_deleted, account_suspended
//	API clients               AuthenticateClient, IssueApplicationToken, Payway                    invalid_client, invalid_scope, invalid_token
//	                          AuthenticateApplication
//	read the account          OrgAccount, GetEmailStatus, PrimaryEmail   Payway, Rixl, Akana       not_found, account_not_in_org
//	leave an organisation     LeaveOrganization                          Rixl                      not_found, last_admin
//	delete the account        DeleteAccount                              Webshare                  wrong_password, throttled, account_deleted
//
// What every change to a password or primary address ends (sessions, credentials, codes) and
// who is told is afterChange (after_change.go); every mailed code's budget is spendMail
// (mail_budget.go); every typed code and link token is hashed in its own domain (typed_codes.go).
package account
