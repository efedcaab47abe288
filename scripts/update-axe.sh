#!/usr/bin/env bash
# Replace the vendored axe-core (tests/vendor/axe-core) with a version from the npm registry.
# usage: scripts/update-axe.sh [VERSION]   (default: the registry's latest)
set -euo pipefail
version=${1:-$(npm view axe-core version)}
dest=$(cd "$(dirname "$0")/.." && pwd)/tests/vendor/axe-core
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "axe-core@$version" >/dev/null && tar xzf axe-core-*.tgz)
cp "$work"/package/{axe.min.js,LICENSE,LICENSE-3RD-PARTY.txt} "$dest"/
echo "axe-core $version → $dest (update the version in $dest/README.md)"
