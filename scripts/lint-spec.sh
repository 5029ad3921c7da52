#!/usr/bin/env bash
# Lints the API description (openapi.yaml and each vendor's slice in sdk/specs/, or the files
# given as arguments) with three tools:
#   1. Spectral   (@stoplight/spectral-cli, .spectral.yaml: spectral:oas + our rules); warnings fail.
#   2. Redocly    (@redocly/cli, redocly.yaml: recommended); errors fail, warnings are printed.
#   3. kin-openapi's validator, the parser the server itself uses (version from go.mod).
# The npm tools are pinned in package.json/package-lock.json and installed with `npm ci`
# into node_modules/ when it is missing or older than the lock file.
# All three run even when one fails, so one run shows every problem.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

if (($#)); then
  specs=("$@")
else
  specs=(openapi.yaml sdk/specs/*.yaml)
fi
GO="${GO:-go}"

export REDOCLY_TELEMETRY=off
export REDOCLY_SUPPRESS_UPDATE_NOTICE=true
export npm_config_update_notifier=false
export npm_config_fund=false
export npm_config_audit=false

for spec in "${specs[@]}"; do
  if [[ ! -f "$spec" ]]; then
    echo "lint-spec: $spec not found (run from the repository; the spec lives at ./openapi.yaml)" >&2
    exit 1
  fi
done
for tool in node npm npx "$GO"; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "lint-spec: '$tool' is not on PATH; install Node.js >= 20.19 with npm (Debian: apt-get install nodejs npm) and Go." >&2
    exit 1
  fi
done

scripts/npm-tools.sh

failed=()

for spec in "${specs[@]}"; do
  echo "lint-spec: spectral lint --fail-severity=warn $spec"
  if ! npx --no -- spectral lint --fail-severity=warn "$spec"; then
    failed+=("spectral $spec")
  fi

  echo "lint-spec: redocly lint --format=stylish $spec"
  if ! npx --no -- redocly lint --format=stylish "$spec"; then
    failed+=("redocly $spec")
  fi

  echo "lint-spec: kin-openapi validate $spec"
  if "$GO" run github.com/getkin/kin-openapi/cmd/validate -multi -- "$spec"; then
    echo "kin-openapi: $spec is valid"
  else
    failed+=("kin-openapi $spec")
  fi
done

if ((${#failed[@]})); then
  echo "lint-spec: FAILED: ${failed[*]} (see the output above)" >&2
  exit 1
fi
echo "lint-spec: ok (spectral, redocly, kin-openapi: ${specs[*]})"
