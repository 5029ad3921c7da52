// Package webhook delivers accountd's account events to the customer's own systems, signed as
// the Standard Webhooks specification says (webhook-id, webhook-timestamp, webhook-signature:
// "v1," + base64 HMAC-SHA256 of "id.timestamp.body" under the endpoint's whsec_ secret), with
// the specification's own Go library.
//
// Events are queued by the account core in the outbox, in the transaction of the change, one
// row per endpoint that wants the event's type; the dispatcher hands each row to a Sender and
// retries, backs off and dead-letters it as it does mail. This package knows the endpoints
// (ACCOUNTD_WEBHOOK_URL) and how to post to one; it knows nothing of the outbox.
package webhook
