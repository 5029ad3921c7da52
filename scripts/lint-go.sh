#!/usr/bin/env bash
# The Go linters beyond `go vet` (part of `make vet`): staticcheck and deadcode -test over the
# whole module; any finding fails. Both are pinned here and installed with `go install` into
# build/gobin/ (GOBIN) the first time, or when the pinned version changes, so a fresh machine and
# CI run exactly these versions.
#   staticcheck  honnef.co/go/tools        (STATICCHECK_VERSION)
#   deadcode     golang.org/x/tools         (DEADCODE_VERSION): code no test or main reaches
# A finding that is right to keep gets a `//lint:ignore <check> <reason>` line (staticcheck).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

GO="${GO:-go}"
STATICCHECK_VERSION=v0.8.2
DEADCODE_VERSION=v0.52.0
export GOBIN="$PWD/build/gobin"

# install <binary> <package@version>: go install unless GOBIN already has that module version.
install() {
  local bin="$GOBIN/$1" pkg="$2" want="${2##*@}"
  if [[ -x "$bin" ]] && [[ "$("$GO" version -m "$bin" 2>/dev/null | awk '$1 == "mod" {print $3}')" == "$want" ]]; then
    return
  fi
  echo "lint-go: go install $pkg"
  "$GO" install "$pkg"
}
install staticcheck "honnef.co/go/tools/cmd/staticcheck@$STATICCHECK_VERSION"
install deadcode "golang.org/x/tools/cmd/deadcode@$DEADCODE_VERSION"

fail=0
echo "lint-go: staticcheck ./..."
"$GOBIN/staticcheck" ./... || fail=1
echo "lint-go: deadcode -test ./..."
# deadcode reports unreachable functions and exits 0: any line is a finding.
dead="$("$GOBIN/deadcode" -test ./...)" || fail=1
if [[ -n "$dead" ]]; then
  printf '%s\n' "$dead" >&2
  echo "lint-go: FAILED: deadcode found functions no test or main reaches (delete them, or use them)" >&2
  fail=1
fi
if ((fail)); then
  exit 1
fi
echo "lint-go: ok (staticcheck $STATICCHECK_VERSION, deadcode $DEADCODE_VERSION)"
