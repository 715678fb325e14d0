#!/bin/sh
# Installs the Debian packages ntmm needs to build and test, and only those
# that are missing. Safe to run any number of times.
set -e
# libclang-rt-dev: libFuzzer and clang's sanitizer runtimes (make fuzz); clang
# only recommends it.
PACKAGES="make gcc pkgconf libcmocka-dev liblua5.4-dev libedit-dev clang lld libclang-rt-dev tmux bsdutils"
missing=""
for p in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing$missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing
