#!/usr/bin/env bash
# Fails when openapi.yaml is stale against spec/, or gen/ against openapi.yaml: runs
# `make generate` (which bundles spec/*.yaml into openapi.yaml, then generates gen/), then
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

snapshot="$(mktemp -d)"
trap 'rm -rf "$snapshot"' EXIT
if [[ -d gen ]]; then
  cp -a gen "$snapshot/gen"
else
  mkdir "$snapshot/gen"
fi
[[ -f openapi.yaml ]] && cp openapi.yaml "$snapshot/openapi.yaml"

echo "check-generated: $MAKE generate"
"$MAKE" --no-print-directory generate

fail=0

if ! cmp -s "$snapshot/openapi.yaml" openapi.yaml; then
  echo "check-generated: FAILED: \`make generate\` changed openapi.yaml; it was stale against spec/ (edit spec/*.yaml, not openapi.yaml)" >&2
  fail=1
fi

if ! changed="$(diff -r -q "$snapshot/gen" gen 2>&1)"; then
  echo "check-generated: FAILED: \`make generate\` changed gen/; it was stale against openapi.yaml:" >&2
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

if ((in_git)); then
  status="$(git status --porcelain --untracked-files=all -- gen openapi.yaml)"
  if [[ -n "$status" ]]; then
    if ((strict)); then
      echo "check-generated: FAILED: gen/ or openapi.yaml differs from the commit after \`make generate\`:" >&2
      indent <<<"$status" >&2
      fail=1
    else
      echo "check-generated: note: gen/ or openapi.yaml has uncommitted changes (up to date with spec/; commit them, CI checks this):"
      indent <<<"$status"
    fi
  fi
elif ((strict)); then
  echo "check-generated: FAILED: not a git work tree, so gen/ can't be compared with the commit" >&2
  fail=1
fi

if ((fail)); then
  echo "check-generated: run \`make generate\` and commit spec/, openapi.yaml and gen/ together." >&2
  exit 1
fi
echo "check-generated: openapi.yaml is up to date with spec/, gen/ with openapi.yaml"
