#!/usr/bin/env bash
# Installs the Debian 12 packages gst-mediaedge needs to build, test and run
# its demo, skipping those already there. Runs as root, or through sudo.
# --runtime: only what building and running the plugin and the demo need.
# Further arguments are more packages.
set -euo pipefail

# To build the plugin and run it (and the demo)
packages=(
  meson ninja-build pkg-config gcc libc6-dev
  libglib2.0-dev libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev
  libsoup-3.0-dev libjson-glib-dev glib-networking
  gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good
)
# To test it as well: schemas, Python bindings, house style, a second
# compiler and the sanitizers' and libFuzzer's runtime
test_packages=(
  python3 python3-jsonschema python3-yaml indent
  python3-gi gir1.2-gstreamer-1.0
  clang libclang-rt-14-dev
)
if [ "${1:-}" = --runtime ]; then
  shift
else
  packages+=("${test_packages[@]}")
fi
packages+=("$@")

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing: ${missing[*]}"
as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -q
"${as_root[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
