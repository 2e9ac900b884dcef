# Shared set-up for scripts/serve.sh and scripts/test.sh: system packages and the .venv.
# Usage: source scripts/_bootstrap.sh; ensure_debian_packages PKG...; ensure_venv EXTRAS
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
APT_UPDATED=0

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

apt_install() {
  if ! command -v apt-get >/dev/null 2>&1 || [ "$(id -u)" != 0 ]; then
    echo "Please install these Debian packages first: $*" >&2
    return 1
  fi
  if [ "$APT_UPDATED" = 0 ]; then
    log "Updating the package lists"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    APT_UPDATED=1
  fi
  log "Installing $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

ensure_python() {
  if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
    local ver
    ver="$(python3 -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"
    apt_install "python${ver}-venv" || apt_install python3-venv
  fi
}

ensure_venv() {
  local extras="${1:-}"
  ensure_python
  if [ ! -x "$VENV/bin/python" ]; then
    log "Creating $VENV"
    python3 -m venv "$VENV"
  fi
  local stamp="$VENV/.installed-${extras:-base}"
  if [ ! -f "$stamp" ] || [ "$ROOT/pyproject.toml" -nt "$stamp" ]; then
    log "Installing Python packages${extras:+ (with $extras)}"
    local pip_log="$VENV/pip-install.log"
    if ! { "$VENV/bin/python" -m pip install --upgrade pip \
           && "$VENV/bin/python" -m pip install -e "$ROOT${extras:+[$extras]}"; } >"$pip_log" 2>&1; then
      tail -n 30 "$pip_log" >&2
      echo "Installing the Python packages failed; the whole log is in $pip_log" >&2
      return 1
    fi
    touch "$stamp"
  fi
}
