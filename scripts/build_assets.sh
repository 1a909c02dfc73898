#!/usr/bin/env bash
# Fetch the front-end libraries from npm and copy them where Django serves them
# (src/wenming/static/vendor/, gitignored). Intranets have no CDN: pages load
# /static/vendor/htmx.min.js and /static/vendor/echarts.min.js from the app itself.
set -euo pipefail
cd "$(dirname "$0")/.."

VENDOR=src/wenming/static/vendor
FILES=(
  "node_modules/htmx.org/dist/htmx.min.js"
  "node_modules/echarts/dist/echarts.min.js"
)

if ! command -v npm >/dev/null 2>&1; then
  echo "build_assets: npm not found; install Node.js and npm (Debian: apt-get install -y nodejs npm)" >&2
  exit 1
fi

# Skip npm when node_modules already matches the lockfile (npm writes its own copy of it).
if [[ -f package-lock.json && -f node_modules/.package-lock.json \
      && ! package-lock.json -nt node_modules/.package-lock.json \
      && ! package.json -nt node_modules/.package-lock.json ]]; then
  all_there=1
  for f in "${FILES[@]}"; do [[ -f "$f" ]] || all_there=0; done
else
  all_there=0
fi

if [[ "$all_there" == 1 ]]; then
  echo "build_assets: node_modules is up to date with package-lock.json"
elif [[ -f package-lock.json ]]; then
  echo "build_assets: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
else
  echo "build_assets: npm install (no package-lock.json yet)"
  npm install --no-audit --no-fund --loglevel=error
fi

mkdir -p "$VENDOR"
for f in "${FILES[@]}"; do
  cp -f "$f" "$VENDOR/"
done
echo "build_assets: copied $(for f in "${FILES[@]}"; do printf '%s ' "$(basename "$f")"; done)-> $VENDOR/"
