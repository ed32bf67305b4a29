#!/usr/bin/env bash
# Installs everything motcua-rpa needs on a fresh Debian machine (run as root):
# Debian's Chromium (Playwright cannot download its own browser here), fonts with Vietnamese glyphs,
# OpenSSL (the sandbox TSA), and a virtual environment in .venv with the package and its test tools.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need_apt+=(fonts-dejavu-core)
python3 -c 'import ensurepip, venv' 2>/dev/null || need_apt+=(python3-venv)
command -v openssl >/dev/null || need_apt+=(openssl)  # the sandbox's RFC 3161 time-stamping authority
if [ ${#need_apt[@]} -gt 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need_apt[@]}"
fi

python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
    echo "motcua-rpa needs Python 3.11 or newer; python3 is $(python3 -V)" >&2
    exit 1
}
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[test]'
