// Package testkit holds the helpers accountd's end-to-end tests share: throwaway databases on every
// storage backend the service supports (PostgresURL, Backends), and a check of every HTTP response
// against openapi.yaml (Contract).
//
// It is an ordinary package rather than a _test file so that tests in any package can import it.
// Nothing outside tests should: it calls t.Fatalf and t.Skip, and it creates and drops databases.
package testkit
