#!/usr/bin/env bash
# Install the Debian packages Wenming Cloud needs when they are missing.
#
#   scripts/install_system_packages.sh base      python3 venv support, Node.js and npm (to install)
#   scripts/install_system_packages.sh browser   chromium and Chinese fonts (for the browser tests)
#   scripts/install_system_packages.sh all       both
#
# As root it runs apt-get; otherwise it uses `sudo -n` when that works without a password.
# Without either: for `base` it explains what to install and fails (nothing can be built
# without them); for `browser` it only warns outside CI, because the browser tests then skip
# with a clear message, and fails under CI=true, where they must run.
set -euo pipefail

what=${1:-all}
PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}
missing=()   # everything missing, for the messages
lean=()      # installed without recommends (npm's recommends alone are hundreds of packages)
full=()      # installed with recommends, as the browser setup that is known to work here

need_base() {
  # A venv that already exists needs no venv support from the system Python.
  if [[ ! -x "$VENV/bin/python" ]] && ! "$PYTHON" -c "import ensurepip, venv" >/dev/null 2>&1; then
    lean+=(python3-venv)
  fi
  command -v node >/dev/null 2>&1 || lean+=(nodejs)
  command -v npm >/dev/null 2>&1 || lean+=(npm)
}

need_browser() {
  [[ -x "${WENMING_CHROMIUM:-/usr/bin/chromium}" ]] || full+=(chromium)
  if command -v dpkg-query >/dev/null 2>&1; then
    dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null | grep -q "ok installed" || lean+=(fonts-noto-cjk)
  fi
}

case "$what" in
  base) need_base ;;
  browser) need_browser ;;
  all) need_base; need_browser ;;
  *) echo "usage: $0 base|browser|all" >&2; exit 2 ;;
esac
missing=(${lean[@]+"${lean[@]}"} ${full[@]+"${full[@]}"})

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "system packages ($what): all present"
  exit 0
fi

if [[ $(id -u) -eq 0 ]]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then
  SUDO=(sudo -n)
else
  SUDO=none
fi

if [[ "${SUDO[*]}" == none ]] || ! command -v apt-get >/dev/null 2>&1; then
  msg="missing system packages: ${missing[*]} (install with: sudo apt-get install -y ${missing[*]})"
  if [[ "$what" == browser && "${CI:-}" != true ]]; then
    echo "NOTE: $msg"
    echo "NOTE: continuing; the browser tests will be skipped with a message."
    exit 0
  fi
  echo "ERROR: $msg" >&2
  exit 1
fi

echo "installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
${SUDO[@]+"${SUDO[@]}"} apt-get update -q
if [[ ${#lean[@]} -gt 0 ]]; then
  ${SUDO[@]+"${SUDO[@]}"} apt-get install -y -q --no-install-recommends "${lean[@]}"
fi
if [[ ${#full[@]} -gt 0 ]]; then
  ${SUDO[@]+"${SUDO[@]}"} apt-get install -y -q "${full[@]}"
fi
