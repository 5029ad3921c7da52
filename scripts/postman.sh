#!/usr/bin/env bash
# The Postman collection for QA teams (part of `make generate`): Portman (pinned in package.json)
# turns openapi.yaml into sdk/postman/accountd.postman_collection.json, one request per
# operation with its contract tests (status, JSON body, schema, required headers), configured by
# sdk/postman/portman-config.json (which answer each operation is tested for, the variables the
# requests pass on, the run order). Portman's random ids are dropped so the file only changes
# when the spec or the configuration does (`make check-generated` catches drift).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/npm-tools.sh
dir=sdk/postman
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
root="$PWD"
# Portman works in ./tmp of its working folder and reads a .env there: run it in a scratch folder
# (the configuration's file: scripts are named from the repository root, hence the link).
ln -s "$root/sdk" "$tmp/sdk"
(cd "$tmp" && "$root/node_modules/.bin/portman" -l "$root/openapi.yaml" -o collection.json -c "$root/$dir/portman-config.json" -s "$root/$dir/postman-config.json" \
  -b '{{baseUrl}}' --collectionName accountd --extraUnknownFormats byte) >"$tmp/portman.log" 2>&1 || {
  cat "$tmp/portman.log" >&2
  exit 1
}
node -e '
const fs = require("fs");
const strip = (v) => Array.isArray(v) ? v.map(strip) : v && typeof v === "object"
  ? Object.fromEntries(Object.entries(v).filter(([k]) => !["id", "_postman_id", "postman_id", "_exporter_id"].includes(k)).map(([k, x]) => [k, strip(x)]))
  : v;
fs.writeFileSync(process.argv[2], JSON.stringify(strip(JSON.parse(fs.readFileSync(process.argv[1], "utf8"))), null, 2) + "\n");
' "$tmp/collection.json" "$dir/accountd.postman_collection.json"
echo "postman: openapi.yaml -> $dir/accountd.postman_collection.json ($(grep -c 'pm.test(' "$dir/accountd.postman_collection.json") tests)"
