# accountd: the two commands a new machine needs are `make run` and `make test` (see README.md).
SHELL := /bin/bash
GO ?= go
# Tests create throwaway databases on this server; scripts/ensure-postgres.sh starts it when it is down.
ACCOUNTD_TEST_POSTGRES ?= postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable
export ACCOUNTD_TEST_POSTGRES

.PHONY: run build generate check-generated vet lint-spec test test-go bench bench-smoke bench-go ci clean specs sdk-ts sdk-pack docs-assets mock contract consumers

run: ## Start the server on the embedded SQLite default (accountd.db in this folder).
	$(GO) run ./cmd/accountd serve

build:
	$(GO) build -o bin/accountd ./cmd/accountd

generate: ## Bundle spec/*.yaml into openapi.yaml, then regenerate gen/ from it (same as `go generate ./gen/...`).
	$(GO) generate ./gen/...

specs: ## Each vendor's slice of openapi.yaml into sdk/specs/ (part of `make generate`; served at /openapi/{vendor}.yaml).
	$(GO) run ./tools/specslice -in openapi.yaml -o sdk/specs

sdk-ts: ## TypeScript SDK into sdk/typescript/src, one entry point per vendor, from sdk/specs/; then tsc --noEmit.
	scripts/sdk-ts.sh

sdk-pack: ## Build the TypeScript SDK (ESM + CJS + .d.ts) and pack it: build/sdk/accountd-sdk-<version>.tgz.
	scripts/sdk-pack.sh

docs-assets: ## Vendor Swagger UI (swagger-ui-dist, pinned in package.json) into handlers/service/docs/swagger-ui for /docs.
	scripts/docs-assets.sh

MOCK_PORT ?= 4010
mock: ## Prism mock server from the spec's examples on http://127.0.0.1:$(MOCK_PORT) (MOCK_PORT=...).
	scripts/npm-tools.sh
	node_modules/.bin/prism mock openapi.yaml --host 127.0.0.1 --port $(MOCK_PORT)

contract: ## Prism (proxy --errors) in front of the live server: SDK flows of every vendor, then the Go end-to-end suite.
	scripts/contract.sh

consumers: ## The spec's users against one live server: the SDK tarball in a new project (node, require, Vite); ogen and hey-api clients.
	scripts/consumers.sh

check-generated: ## Fails when openapi.yaml is stale against spec/, or gen/, sdk/specs/, sdk/typescript/src or the vendored Swagger UI against theirs.
	scripts/check-generated.sh

vet:
	$(GO) vet ./...

lint-spec: ## Spectral (spectral:oas) + Redocly (recommended) + kin-openapi, versions pinned in package-lock.json.
	scripts/lint-spec.sh

test-go: ## Go tests on PostgreSQL (throwaway databases) and on SQLite; the /docs test in Chromium.
	scripts/ensure-postgres.sh
	scripts/ensure-chromium.sh
	ACCOUNTD_TEST_REQUIRE_POSTGRES=1 $(GO) test -count=1 -race ./...

test: check-generated vet lint-spec test-go contract consumers ## Everything CI checks.

bench: ## Load benchmark of every vendor's hot flows next to this machine's floors; writes bench/results.md.
	scripts/bench.sh -results bench/results.md

bench-smoke: ## A few seconds per flow, to keep `make bench` working (CI); writes nothing.
	scripts/bench.sh -quick

bench-go: ## Go micro-benchmarks (-benchmem) of the request path and the end-to-end benchmarks.
	scripts/ensure-postgres.sh
	$(GO) test -run '^$$' -bench . -benchmem ./...

ci: test

clean:
	rm -rf bin build node_modules accountd.db accountd.db-* accountd.secret
