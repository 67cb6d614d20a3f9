#!/usr/bin/env bash
# Installs what is missing, builds Release, replays the bundled captures into one SQLite
# file, prints a bandwidth report and writes the HTML one.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh build
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DNETLEDGER_TESTS=OFF >/dev/null
cmake --build build -j"$(nproc)" >/dev/null

bin=build/cli/netledger
db=${DEMO_DB:-build/demo.db}
rm -f "$db" "$db-wal" "$db-shm"
"$bin" replay pcaps/*.pcap pcaps/*.pcapng --db "$db"
echo
"$bin" report hosts --db "$db" --top 15
echo
"$bin" report protocols --by app --db "$db"
echo
"$bin" report protocols --db "$db"
echo
"$bin" report flows --db "$db" --top 10
echo
"$bin" report host 10.99.0.2 --db "$db"
echo
"$bin" report runs --db "$db"
echo
html=${DEMO_HTML:-build/demo.html}
"$bin" report overview --db "$db" --output "$html"
echo "database: $db   HTML report: $html"
echo "(try: $bin report top --db $db --format json, or $bin report timeline --db $db --step 1m)"
