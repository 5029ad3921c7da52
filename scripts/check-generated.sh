#!/usr/bin/env bash
# Fails when openapi.yaml is stale against spec/, or gen/, the per-vendor slices (sdk/specs/), the
# TypeScript SDK (sdk/typescript/src/) or the vendored Swagger UI against their sources: runs
# `make generate` (which bundles spec/*.yaml into openapi.yaml, then generates gen/ and the
# slices), scripts/docs-assets.sh and scripts/sdk-ts.sh (which also type-checks the SDK), then
#   - fails if that changed openapi.yaml, or changed, added or removed any file under gen/
#     (work tree before vs after);
#   - in CI (CI=true) or with CHECK_GENERATED_STRICT=1, also fails if
#     `git status --porcelain -- gen openapi.yaml` shows anything, i.e. gen/ differs from the commit
#     (a fresh clone has nothing else to differ).
# Locally, uncommitted but up-to-date files in gen/ are only reported, so that
# edit spec -> make generate -> make test works before committing.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

MAKE="${MAKE:-make}"
indent() { while IFS= read -r line; do printf '  %s\n' "$line"; done; }
strict=0
if [[ "${CI:-}" == true || "${CI:-}" == 1 || "${CHECK_GENERATED_STRICT:-}" == 1 ]]; then
  strict=1
fi

in_git=0
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  in_git=1
fi

# Everything generated and committed: the bundled spec and gen/ (`make generate`), the per-vendor
# slices (also `make generate`), the TypeScript SDK (`make sdk-ts`), and the vendored Swagger UI
# of /docs (`make docs-assets`).
generated=(openapi.yaml gen sdk/specs sdk/typescript/src sdk/typescript/package.json handlers/service/docs/swagger-ui)

snapshot="$(mktemp -d)"
trap 'rm -rf "$snapshot"' EXIT
for path in "${generated[@]}"; do
  mkdir -p "$snapshot/$(dirname "$path")"
  if [[ -e "$path" ]]; then
    cp -a "$path" "$snapshot/$path"
  elif [[ "$path" != *.yaml ]]; then
    mkdir -p "$snapshot/$path"
  fi
done

echo "check-generated: $MAKE generate"
"$MAKE" --no-print-directory generate
echo "check-generated: scripts/docs-assets.sh"
scripts/docs-assets.sh
echo "check-generated: scripts/sdk-ts.sh"
scripts/sdk-ts.sh

fail=0

if ! cmp -s "$snapshot/openapi.yaml" openapi.yaml; then
  echo "check-generated: FAILED: \`make generate\` changed openapi.yaml; it was stale against spec/ (edit spec/*.yaml, not openapi.yaml)" >&2
  fail=1
fi

for path in "${generated[@]:1}"; do
  if ! changed="$(diff -r -q "$snapshot/$path" "$path" 2>&1)"; then
    echo "check-generated: FAILED: regenerating changed $path/; it was stale:" >&2
    while IFS= read -r line; do
      case "$line" in
        "Files "*" differ") line="${line% differ}"; echo "  changed: ${line##* and }" ;;
        "Only in $snapshot/"*) line="${line#"Only in $snapshot/"}"; echo "  removed: ${line%%: *}/${line#*: }" ;;
        "Only in "*) line="${line#Only in }"; echo "  added:   ${line%%: *}/${line#*: }" ;;
        *) echo "  $line" ;;
      esac
    done <<<"$changed" >&2
    fail=1
  fi
done

if ((in_git)); then
  status="$(git status --porcelain --untracked-files=all -- "${generated[@]}")"
  if [[ -n "$status" ]]; then
    if ((strict)); then
      echo "check-generated: FAILED: generated files differ from the commit after regenerating:" >&2
      indent <<<"$status" >&2
      fail=1
    else
      echo "check-generated: note: generated files have uncommitted changes (up to date; commit them, CI checks this):"
      indent <<<"$status"
    fi
  fi
elif ((strict)); then
  echo "check-generated: FAILED: not a git work tree, so generated files can't be compared with the commit" >&2
  fail=1
fi

if ((fail)); then
  echo "check-generated: run \`make generate sdk-ts docs-assets\` and commit spec/ with everything it regenerates." >&2
  exit 1
fi
echo "check-generated: openapi.yaml is up to date with spec/; gen/, sdk/specs/ and sdk/typescript/ with openapi.yaml; Swagger UI with package.json"
