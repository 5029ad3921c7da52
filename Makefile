# accountd: the two commands a new machine needs are `make run` and `make test` (see README.md).
SHELL := /bin/bash
GO ?= go
# Tests create throwaway databases on this server; scripts/ensure-postgres.sh starts it when it is down.
ACCOUNTD_TEST_POSTGRES ?= postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable
export ACCOUNTD_TEST_POSTGRES

.PHONY: run build generate check-generated vet lint-spec test test-go bench ci clean

run: ## Start the server on the embedded SQLite default (accountd.db in this folder).
	$(GO) run ./cmd/accountd serve

build:
	$(GO) build -o bin/accountd ./cmd/accountd

generate: ## Bundle spec/*.yaml into openapi.yaml, then regenerate gen/ from it (same as `go generate ./gen/...`).
	$(GO) generate ./gen/...

check-generated: ## Fails when openapi.yaml is stale against spec/, or gen/ against openapi.yaml.
	scripts/check-generated.sh

vet:
	$(GO) vet ./...

lint-spec: ## Spectral (spectral:oas) + Redocly (recommended) + kin-openapi, versions pinned in package-lock.json.
	scripts/lint-spec.sh

test-go: ## Go tests on PostgreSQL (throwaway databases) and on SQLite.
	scripts/ensure-postgres.sh
	ACCOUNTD_TEST_REQUIRE_POSTGRES=1 $(GO) test -count=1 -race ./...

test: check-generated vet lint-spec test-go ## Everything CI checks.

bench:
	scripts/ensure-postgres.sh
	$(GO) test -run '^$$' -bench . -benchmem ./...

ci: test

clean:
	rm -rf bin node_modules accountd.db accountd.db-* accountd.secret
