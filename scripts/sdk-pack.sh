#!/usr/bin/env bash
# Builds the TypeScript SDK package (sdk/typescript) and packs it with `npm pack`:
#   dist/esm  ES modules + .d.ts      (tsconfig.build.json)
#   dist/cjs  CommonJS + .d.ts        (tsconfig.cjs.json; its package.json says "type": "commonjs")
# into build/sdk/accountd-sdk-<version>.tgz, the file a frontend installs
# (`npm install ./accountd-sdk-<version>.tgz`) or a release publishes (`npm publish <tgz>`).
# Prints the tarball's path last.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/npm-tools.sh

sdk=sdk/typescript
rm -rf "$sdk/dist"
node_modules/.bin/tsc -p "$sdk/tsconfig.build.json"
node_modules/.bin/tsc -p "$sdk/tsconfig.cjs.json"
echo '{"type": "commonjs"}' >"$sdk/dist/cjs/package.json"

mkdir -p build/sdk
rm -f build/sdk/accountd-sdk-*.tgz
name="$(cd "$sdk" && npm pack --ignore-scripts --silent --pack-destination ../../build/sdk)"
echo "sdk-pack: $(tar -tzf "build/sdk/$name" | wc -l) files in build/sdk/$name" >&2
echo "build/sdk/$name"
