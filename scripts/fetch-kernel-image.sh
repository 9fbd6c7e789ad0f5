#!/usr/bin/env bash
# Downloads the current Debian cloud kernel package (about 26 MB) and keeps its /boot
# (vmlinuz, config, System.map) in .vdso-lab-cache/kernel/boot. The vmlinuz holds a real
# 32-bit vDSO image, which `vdso-lab capture-host --kernel-image` extracts. Used by
# .ci/install and by `npm start` on hosts that cannot run i386 programs. Prints the path.
set -euo pipefail
cd "$(dirname "$0")/.."
cache=.vdso-lab-cache/kernel
if ! ls "$cache"/boot/vmlinuz-* >/dev/null 2>&1; then
  command -v apt-get >/dev/null || { echo "fetch-kernel-image: apt-get is not available on this host" >&2; exit 2; }
  mkdir -p "$cache"
  pkg=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
  if [ -z "$pkg" ]; then
    apt-get update -qq >/dev/null 2>&1 || true
    pkg=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
  fi
  [ -n "$pkg" ] || { echo "fetch-kernel-image: no linux-image-*-cloud-amd64 package is known to apt" >&2; exit 2; }
  tmp=$(mktemp -d "$cache/download.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && apt-get download -qq "$pkg" >/dev/null 2>&1) || { echo "fetch-kernel-image: apt-get download $pkg failed" >&2; exit 2; }
  dpkg-deb --fsys-tarfile "$tmp"/*.deb | tar -x -C "$tmp" ./boot
  mv "$tmp/boot" "$cache/boot"
fi
ls "$cache"/boot/vmlinuz-* | sort | tail -1
