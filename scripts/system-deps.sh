#!/usr/bin/env bash
# Install the Debian packages the tests need, only those missing.
#   scripts/system-deps.sh        everything `make test` drives (browser, PostgreSQL, Redis, fonts)
#   scripts/system-deps.sh --run  what the served dashboard itself needs (`make run`): the CJK font the
#                                 briefing PDF embeds; without root it only warns (the PDF then says why)
set -euo pipefail
mode=${1:-test}
need=()
# The file exports/briefing_pdf.py embeds (fc-list alone may be missing on a bare machine).
[ -f /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || need+=(fonts-noto-cjk)
if [ "$mode" != --run ]; then
  command -v chromium >/dev/null || need+=(chromium)
  command -v chromedriver >/dev/null || need+=(chromium-driver)
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
  command -v redis-server >/dev/null || need+=(redis-server)
  command -v pdftotext >/dev/null || need+=(poppler-utils)  # tests read the briefing PDF as poppler does
fi
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "missing Debian packages: ${need[*]} (run as root, or install them)" >&2
  if [ "$mode" = --run ]; then
    echo "the dashboard runs without them; the briefing PDF download will say it has no Chinese font" >&2
    exit 0
  fi
  exit 1
fi
echo "installing: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
