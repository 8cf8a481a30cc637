#!/bin/sh
# Runs a GUI test on its own Xvfb display inside a private D-Bus session, whether or
# not a display is present (CI has none).
set -eu
unset DISPLAY WAYLAND_DISPLAY
export GDK_BACKEND=x11 GSK_RENDERER=cairo
exec dbus-run-session -- xvfb-run --auto-servernum --server-args="-screen 0 1280x800x24" "$@"
