#!/usr/bin/env bash
# The README's ways to use the plugin outside the test suites, each tried:
# `meson devenv` on a build tree, `meson install` for the system (where
# Debian's GStreamer looks) and for one user. Usage: install-check.sh BUILD
set -euo pipefail
cd "$(dirname "$0")/.."
build=$1
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
# a registry of our own: the user's cache must neither help nor be touched
export GST_REGISTRY="$scratch/registry.bin"

finds_element () {
  "$@" gst-inspect-1.0 mediaedgetrack > /dev/null \
    || { echo "not found by: $*" >&2; exit 1; }
}

echo "meson devenv:"
finds_element meson devenv -C "$build"

echo "meson install --prefix=/usr, staged:"
meson setup "$scratch/system" --prefix=/usr -Dtests=disabled \
  -Dexamples=disabled -Ddoc=disabled > /dev/null
ninja -C "$scratch/system" > /dev/null
meson install -C "$scratch/system" --destdir "$scratch/stage" > /dev/null
pluginsdir=$(pkg-config --variable=pluginsdir gstreamer-1.0)
test -f "$scratch/stage$pluginsdir/libgstmediaedge.so" \
  || { echo "not installed in $pluginsdir" >&2; exit 1; }
finds_element env GST_PLUGIN_SYSTEM_PATH="$scratch/stage$pluginsdir"

echo "meson install for one user:"
home="$scratch/home"
meson setup "$scratch/user" --prefix="$home/.local" \
  -Dplugindir="$home/.local/share/gstreamer-1.0/plugins" -Dtests=disabled \
  -Dexamples=disabled > /dev/null
ninja -C "$scratch/user" > /dev/null
meson install -C "$scratch/user" > /dev/null
finds_element env -u XDG_DATA_HOME -u GST_PLUGIN_PATH HOME="$home"
echo "build options on their own: -Ddoc alone"
meson setup "$scratch/doc" -Dtests=disabled -Dexamples=disabled -Ddoc=enabled \
  > /dev/null
listed=$(meson test -C "$scratch/doc" --list --no-rebuild 2> /dev/null | sort | tr '\n' ' ')
test "$listed" = "docs-tables plugins-cache " \
  || { echo "-Ddoc alone registers: $listed" >&2; exit 1; }
meson test -C "$scratch/doc" > /dev/null

echo "install check passed"
