#!/usr/bin/env bash
# Rebuild the vendored GOV.UK Frontend assets under static/ from pinned npm packages.
# Needs Node 20+ and npm. Works in a scratch directory so node_modules never lands in the repo.
#
#   static/src/build.sh              # scratch dir from mktemp, removed afterwards
#   BUILD_DIR=/tmp/govuk-build static/src/build.sh
set -euo pipefail

GOVUK_FRONTEND_VERSION=6.6.0
SASS_VERSION=1.108.2

src_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
static_dir=$(dirname "$src_dir")

if [[ -n "${BUILD_DIR:-}" ]]; then
  build_dir=$BUILD_DIR
  mkdir -p "$build_dir"
else
  build_dir=$(mktemp -d)
  trap 'rm -rf "$build_dir"' EXIT
fi

cd "$build_dir"
[[ -f package.json ]] || npm init --yes >/dev/null
# sass's only install script belongs to an optional file watcher that a one-off build never uses.
npm install --save-exact --ignore-scripts --no-audit --no-fund \
  "govuk-frontend@${GOVUK_FRONTEND_VERSION}" "sass@${SASS_VERSION}"

# The pkg: importer finds node_modules by walking up from the entry file, so compile a copy that sits here.
cp "$src_dir/app.scss" app.scss
mkdir -p "$static_dir/css"
node_modules/.bin/sass --pkg-importer=node --style=compressed --no-source-map \
  app.scss "$static_dir/css/app.min.css"

dist=node_modules/govuk-frontend/dist/govuk
mkdir -p "$static_dir/govuk-frontend"
cp "$dist/govuk-frontend.min.js" "$dist/govuk-frontend.min.js.map" "$static_dir/govuk-frontend/"

# Nothing else from $dist/assets is copied: the fonts are GDS Transport, and the images are the crest,
# GOV.UK favicons and icons. The compiled CSS references none of them (tests/test_frontend.py checks).
echo "Built govuk-frontend ${GOVUK_FRONTEND_VERSION} with sass ${SASS_VERSION} into ${static_dir}"
