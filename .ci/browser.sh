#!/usr/bin/env bash
# Installs Debian's Chromium for the browser test (tests/test_ui.py) when it is missing.
# Idempotent: does nothing when /usr/bin/chromium exists. Playwright drives this system
# browser (no browser download); no chromedriver is needed.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi

export DEBIAN_FRONTEND=noninteractive DEBCONF_NOWARNINGS=yes
$SUDO apt-get update -qq -o DPkg::Lock::Timeout=300
$SUDO apt-get install -y -qq -o DPkg::Lock::Timeout=300 --no-install-recommends chromium fonts-liberation >/dev/null

if [ ! -x /usr/bin/chromium ]; then
    echo "browser.sh: chromium was installed but /usr/bin/chromium is missing" >&2
    exit 1
fi
echo "browser.sh: $(/usr/bin/chromium --version 2>/dev/null || echo chromium installed)"
