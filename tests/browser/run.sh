#!/usr/bin/env bash
# Browser and validator checks of the generated report (default: report/).
#
#   bash tests/browser/run.sh [REPORT_DIR]
#
# Installs what is missing (Debian's chromium and a Java runtime with apt-get, the pinned npm
# packages of tests/browser/package-lock.json with npm ci), then runs:
#   1. the Nu HTML Checker (vnu) on index.html and every figure SVG: no errors allowed;
#   2. tests/browser/check.mjs in headless Chromium with the network blocked.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
report="$(cd "${1:-$here/../../report}" && pwd)"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=0
apt_install() {
  [ "$apt_updated" = 1 ] || { as_root apt-get update -qq; apt_updated=1; }
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}
command -v node >/dev/null && command -v npm >/dev/null || apt_install nodejs npm
command -v java >/dev/null || apt_install openjdk-17-jre-headless
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || apt_install chromium
# npm ci when the installed packages are not those of the lock file (a stamp remembers it).
if ! cmp -s "$here/package-lock.json" "$here/node_modules/.installed-lock.json"; then
  (cd "$here" && npm ci --no-audit --no-fund --ignore-scripts >/dev/null)
  cp "$here/package-lock.json" "$here/node_modules/.installed-lock.json"
fi

echo "== Nu HTML Checker: index.html and figures/*.svg"
vnu="$here/node_modules/vnu-jar/build/dist/vnu.jar"
set +e
java -Xss2m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -jar "$vnu" --errors-only --also-check-svg \
  "$report/index.html" "$report"/figures/*.svg
vnu_rc=$?
set -e
if [ "$vnu_rc" = 0 ]; then echo "ok   no validator errors"; else echo "FAIL the validator reported errors"; fi

echo "== Chromium (network blocked), axe-core in light and dark mode"
set +e
node "$here/check.mjs" "$report"
browser_rc=$?
set -e
if [ "$vnu_rc" != 0 ] || [ "$browser_rc" != 0 ]; then exit 1; fi
