#!/usr/bin/env bash
# Packs every publishable @lt/* package and checks them as users get them, with plain npm outside the workspace:
# 1. installs all tarballs into an empty project, checks it holds one @tensorflow/tfjs-core and one @lt/core,
#    and runs a user program (the DESIGN §4 composition, small epochs) and `lt`;
# 2. scaffolds a plugin with the packed create-plugin, installs the tarballs there and runs the scaffold's own
#    tests (they must pass), then injects a tensor leak into its loss and runs them again (they must fail).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/lt-pack-XXXXXX")
trap 'rm -rf "$work"' EXIT
npm_install() { npm install --no-audit --no-fund --loglevel=error "$@"; }
mkdir -p "$work/tarballs" "$work/app"
cd "$root"
pnpm -r --filter './packages/*' --filter './plugins/*' pack --pack-destination "$work/tarballs" >/dev/null
ls "$work/tarballs"
tarball() { ls "$work"/tarballs/lt-"$1"-[0-9]*.tgz; }

echo "== one engine per install"
cd "$work/app"
npm init -y >/dev/null
npm pkg set type=module
npm_install "$work"/tarballs/*.tgz
npm ls --all @tensorflow/tfjs-core @lt/core
for dep in @tensorflow/tfjs-core @lt/core; do
  copies=$(find . -path "*/node_modules/$dep/package.json" | wc -l)
  if [ "$copies" != 1 ]; then
    echo "pack check: $copies copies of $dep installed (want exactly 1):" >&2
    find . -path "*/node_modules/$dep/package.json" >&2
    exit 1
  fi
done
cp "$root/scripts/pack-user-program.mjs" main.mjs
node main.mjs
test -x node_modules/.bin/lt && node_modules/.bin/lt train --help >/dev/null

echo "== a scaffolded plugin passes its tests, and fails them once it leaks"
cd "$work"
node app/node_modules/@lt/create-plugin/dist/bin.js lt-demo-plugin
cd lt-demo-plugin
# The @lt/* packages come from the tarballs (they are not on the registry yet), the rest from the registry.
npm_install --save-dev "$(tarball backend-wasm)" "$(tarball backend-webgpu)" "$(tarball core)" "$(tarball data)" "$(tarball models)" "$(tarball testkit)"
npm run lint
npm run build
test -f dist/index.js
npm test
sed -i 's/const weights = tf.tensor1d(this.weights);/const weights = tf.keep(tf.tensor1d(this.weights));/' src/plugin.ts
grep -q 'tf.keep(tf.tensor1d(this.weights))' src/plugin.ts || { echo "pack check: could not inject the leak into src/plugin.ts" >&2; exit 1; }
if npm test > leak.log 2>&1; then
  cat leak.log
  echo "pack check: the scaffold's tests passed with a leaking loss; describePlugin must catch it" >&2
  exit 1
fi
grep -q 'lt-demo-plugin leaks tensors during steps' leak.log || { cat leak.log; echo "pack check: the leaking scaffold failed for another reason" >&2; exit 1; }
echo "the leaking scaffold fails its tests: $(grep -o 'lt-demo-plugin leaks tensors during steps[^:]*' leak.log | head -1)"
echo "pack check: ok"
