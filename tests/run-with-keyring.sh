#!/bin/sh
# Runs a command in a private D-Bus session with an unlocked gnome-keyring holding a
# throwaway login keyring, so Secret Service code meets the real thing.
set -eu
home=$(mktemp -d "${TMPDIR:-/tmp}/tftsr-keyring-XXXXXX")
trap 'rm -rf "$home"' EXIT
export XDG_DATA_HOME="$home/data" XDG_RUNTIME_DIR="$home/run"
mkdir -p "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
dbus-run-session -- sh -c '
  printf "throwaway" | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1 || true
  exec "$@"' sh "$@"
