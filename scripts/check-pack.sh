#!/usr/bin/env bash
# Packs every publishable @lt/* package, installs the tarballs with plain npm into an empty project outside the
# workspace, and runs a user program (the DESIGN §4 composition, small epochs) against them.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/lt-pack-XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/tarballs" "$work/app"
cd "$root"
pnpm -r --filter './packages/*' --filter './plugins/*' pack --pack-destination "$work/tarballs" >/dev/null
ls "$work/tarballs"
cd "$work/app"
npm init -y >/dev/null
npm pkg set type=module
npm install --no-audit --no-fund --loglevel=error "$work"/tarballs/*.tgz
cp "$root/scripts/pack-user-program.mjs" main.mjs
node main.mjs
test -x node_modules/.bin/lt && node_modules/.bin/lt train --help >/dev/null
echo "pack check: ok"
