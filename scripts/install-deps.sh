#!/usr/bin/env bash
# Installs the Debian packages netledger needs that are missing.
#   scripts/install-deps.sh build   what building needs
#   scripts/install-deps.sh test    building, plus what the tests use
set -euo pipefail

build=(build-essential cmake pkg-config libpcap-dev libsnmp-dev libsqlite3-dev libcli11-dev libgtest-dev
       libndpi-dev libtomlplusplus-dev ieee-data)
test=(python3 clang-format clang-tidy tcpdump tcpreplay iproute2 util-linux procps snmp snmpd snmpsim chromium sqlite3)

want=("${build[@]}")
[ "${1:-build}" = test ] && want+=("${test[@]}")

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  run=()
elif command -v sudo >/dev/null; then
  run=(sudo)
else
  echo "netledger: these Debian packages are missing and I am not root: ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${run[@]}" apt-get update -qq
"${run[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
