#!/usr/bin/env bash
# What SQLite alone needs to store what a replay stored: copies every row of SRC (a
# database netledger wrote) into a new file DST with the same schema and the pragmas
# netledger sets and the source's page size, row by row in each table's order (WHERE 1
# keeps SQLite from copying pages whole), one transaction per table. No packet is read
# and no netledger code runs, so its time is a floor under the time of a replay that
# writes the same rows.
#   bench/sqlite_floor.sh SRC DST    # prints the number of rows copied
set -euo pipefail
src=$1
dst=$2
rm -f "$dst" "$dst-wal" "$dst-shm"
tables=$(sqlite3 "$src" "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
{
  page=$(sqlite3 "$src" 'PRAGMA page_size')
  echo "PRAGMA page_size=$page; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-16384;"
  echo "PRAGMA wal_autocheckpoint=$((67108864 / page));"
  sqlite3 "$src" "SELECT sql || ';' FROM sqlite_master WHERE type IN ('table', 'index') AND sql IS NOT NULL
                  AND name NOT LIKE 'sqlite_%'"
  echo "ATTACH '$src' AS src;"
  for t in $tables; do
    echo "BEGIN; INSERT INTO main.\"$t\" SELECT * FROM src.\"$t\" WHERE 1; COMMIT;"
  done
  echo "SELECT total_changes() || ' rows';"
} | sqlite3 "$dst" | tail -1
