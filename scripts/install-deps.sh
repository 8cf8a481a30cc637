#!/bin/sh
# Installs everything tftsr needs to build, run and test on Debian 12 (bookworm).
# Idempotent: when every package is already present it does nothing but check.
# SQLCipher 4 comes from bookworm-backports, in a command of its own, so that the
# backports suite never supplies anything else. Node.js and npm (Debian's, unless a Node.js
# is there already) run Prism, the contract tests' mock servers, which npm installs into
# tests/contracts/node_modules from its package-lock.json. PDF export draws any script:
# DejaVu has Latin, Greek, Cyrillic, Arabic and Hebrew, WenQuanYi Micro Hei the CJK
# characters; the tests read the PDFs back with Poppler, and bench/bench-pdf.c times the HTML
# export against the cmark-gfm command.
set -eu

BACKPORTS_PKGS="libsqlcipher-dev"
PKGS="
  build-essential cmake ninja-build pkg-config git ca-certificates
  libglib2.0-dev libglib2.0-bin libgtk-4-dev libadwaita-1-dev libgtksourceview-5-dev
  libjson-c-dev libcurl4-openssl-dev libssl-dev libpcre2-dev zlib1g-dev
  libcmark-gfm-dev libcmark-gfm-extensions-dev libcairo2-dev libpango1.0-dev
  libsecret-1-dev libsoup-3.0-dev
  gettext desktop-file-utils appstream libxml2-utils at-spi2-core
  xvfb xauth x11-utils dbus dbus-x11 gnome-keyring
  clang libclang-rt-14-dev llvm valgrind ripgrep pcre2-utils lnav curl
  adwaita-icon-theme fonts-cantarell fonts-dejavu-core fonts-wqy-microhei webp-pixbuf-loader
  libpoppler-glib-dev cmark-gfm time
"

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "install-deps: run as root (or install sudo)" >&2; exit 1
  fi
fi

missing() {
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$' || echo "$p"
  done
}

# shellcheck disable=SC2086
need=$(missing $PKGS)
need_bp=$(missing $BACKPORTS_PKGS)
# Any Node.js will do (a machine may have one from elsewhere, whose npm conflicts with
# Debian's): Debian's only where there is none.
command -v node >/dev/null 2>&1 || need="$need nodejs"
command -v npm >/dev/null 2>&1 || need="$need npm"

# Prism at the version package-lock.json pins, installed again only when the lock changed.
CONTRACTS_DIR=$(cd "$(dirname "$0")/../tests/contracts" && pwd)
install_prism() {
  dir=$CONTRACTS_DIR
  stamp="$dir/node_modules/.tftsr-lock.sha256"
  sum=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  if [ -x "$dir/node_modules/.bin/prism" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$sum" ]; then
    return 0
  fi
  if (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null); then
    echo "$sum" >"$stamp"
    echo "install-deps: Prism $("$dir/node_modules/.bin/prism" --version) installed in tests/contracts"
  else
    # Only the contract tests need it, and they say so when it is missing.
    echo "install-deps: npm could not install Prism; the contract tests will be skipped" >&2
  fi
}

# The reference MCP server (@modelcontextprotocol/server-everything) the MCP tests talk to,
# pinned by tests/mcp-server/package-lock.json, installed again only when the lock changed.
MCP_SERVER_DIR=$(cd "$(dirname "$0")/../tests/mcp-server" && pwd)
install_mcp_server() {
  dir=$MCP_SERVER_DIR
  stamp="$dir/node_modules/.tftsr-lock.sha256"
  sum=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" = "$sum" ]; then
    return 0
  fi
  if (cd "$dir" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >/dev/null); then
    echo "$sum" >"$stamp"
    echo "install-deps: the reference MCP server installed in tests/mcp-server"
  else
    echo "install-deps: npm could not install the reference MCP server; its tests will be skipped" >&2
  fi
}

if [ -z "$need" ] && [ -z "$need_bp" ]; then
  echo "install-deps: all packages present"
  install_prism
  install_mcp_server
  exit 0
fi

BP_LIST=/etc/apt/sources.list.d/bookworm-backports.sources
if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
  mirror=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  [ -n "$mirror" ] || mirror=$(awk '/^deb /{print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
  [ -n "$mirror" ] || mirror=http://deb.debian.org/debian
  $SUDO sh -c "cat > $BP_LIST" <<SRC
Types: deb
URIs: $mirror
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
[ -z "$need" ] || $SUDO apt-get install -y -qq --no-install-recommends $need
# shellcheck disable=SC2086
[ -z "$need_bp" ] || $SUDO apt-get install -y -qq --no-install-recommends -t bookworm-backports $need_bp
install_prism
install_mcp_server
echo "install-deps: done"
