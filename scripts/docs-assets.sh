#!/usr/bin/env bash
# Copies Swagger UI (swagger-ui-dist, the version pinned in package.json) into
# handlers/service/docs/swagger-ui/, where the server embeds it (go:embed) and serves it under
# /docs. The copy is checked in, so `go build`/`go run` need no npm; `make docs-assets` refreshes
# it after a version bump, and `make check-generated` fails when it differs from the pinned package.
#
#   scripts/docs-assets.sh [DIR]   (default handlers/service/docs/swagger-ui)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/npm-tools.sh

src=node_modules/swagger-ui-dist
dst="${1:-handlers/service/docs/swagger-ui}"
mkdir -p "$dst"
# The two files the page loads, and the licence texts that must travel with them.
for f in swagger-ui-bundle.js swagger-ui.css LICENSE NOTICE swagger-ui-bundle.js.LICENSE.txt; do
  cp "$src/$f" "$dst/$f"
done
node -p 'require("./node_modules/swagger-ui-dist/package.json").version' >"$dst/VERSION"
echo "docs-assets: swagger-ui-dist $(<"$dst/VERSION") -> $dst"
