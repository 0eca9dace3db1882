#!/usr/bin/env bash
# Installs what vio needs on Debian 12 (run as root). Safe to run again.
set -euo pipefail
pkgs=(cmake make gcc clang lld llvm pkg-config check libpng-dev lcov python3
      qemu-system-misc tshark)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "deps: all present"
