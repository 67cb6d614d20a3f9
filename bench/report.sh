#!/usr/bin/env bash
# Report speed on a year of data: a generated database with 10,000 hosts (minute
# buckets for the last two days, hours for the last month, days and months for the
# year), then `report top --since 365d` and `report timeline --step 1d`, timed.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh build >/dev/null
command -v sqlite3 >/dev/null || { [ "$(id -u)" -eq 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sqlite3 >/dev/null; }
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DNETLEDGER_TESTS=OFF >/dev/null
cmake --build build-bench -j"$(nproc)" >/dev/null
nl=$(pwd)/build-bench/cli/netledger
out=bench/out
mkdir -p "$out"
db=$out/year.db
now=$(date +%s)
if [ ! -f "$db" ] || [ "${REGEN:-0}" = 1 ]; then
  rm -f "$db"*
  "$nl" db migrate --db "$db" >/dev/null
  start=$(date +%s.%N)
  sqlite3 "$db" <<SQL
PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; PRAGMA cache_size=-262144;
BEGIN;
INSERT INTO labels(id, name) VALUES (1, 'TLS'), (2, 'DNS'), (3, 'HTTP'), (4, 'QUIC');
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)
INSERT INTO hosts(id, address, first_seen, last_seen)
  SELECT i, '10.' || (i / 65536) || '.' || ((i / 256) % 256) || '.' || (i % 256), $now - 365 * 86400, $now FROM n;
-- Days for a year: every host every day, two protocols.
WITH RECURSIVE d(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM d WHERE k < 364)
INSERT INTO host_traffic_day
  SELECT ($now / 86400 - k) * 86400, h.id, 6, 1 + (h.id % 4), 1000 + h.id, (h.id * 7919 + k * 104729) % 50000000,
         900, (h.id * 104729 + k * 7919) % 80000000, 1 + h.id % 20
  FROM d, hosts h;
INSERT INTO protocol_traffic_day SELECT bucket, 6, sum(packets_sent), sum(bytes_sent), sum(flows)
  FROM host_traffic_day GROUP BY bucket;
INSERT INTO host_traffic_month
  SELECT CAST(strftime('%s', bucket, 'unixepoch', 'start of month') AS INTEGER) AS m, host_id, ip_proto, app_id,
         sum(packets_sent), sum(bytes_sent), sum(packets_received), sum(bytes_received), sum(flows)
  FROM host_traffic_day GROUP BY m, host_id, ip_proto, app_id;
INSERT INTO protocol_traffic_month
  SELECT CAST(strftime('%s', bucket, 'unixepoch', 'start of month') AS INTEGER) AS m, ip_proto, sum(packets),
         sum(bytes), sum(flows) FROM protocol_traffic_day GROUP BY m, ip_proto;
-- Hours for the last 30 days, for the 2,000 busiest hosts.
WITH RECURSIVE h(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM h WHERE k < 30 * 24 - 1)
INSERT INTO host_traffic_hour
  SELECT ($now / 3600 - k) * 3600, x.id, 6, 1 + (x.id % 4), 40, (x.id * 31 + k) % 2000000, 40, (x.id * 17 + k) % 3000000, 1
  FROM h, (SELECT id FROM hosts WHERE id <= 2000) x;
INSERT INTO protocol_traffic_hour SELECT bucket, 6, sum(packets_sent), sum(bytes_sent), sum(flows)
  FROM host_traffic_hour GROUP BY bucket;
-- Minutes for the last two days, 200 hosts.
WITH RECURSIVE m(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM m WHERE k < 2 * 1440 - 1)
INSERT INTO host_traffic_minute
  SELECT ($now / 60 - k) * 60, x.id, 6, 1 + (x.id % 4), 2, (x.id * 13 + k) % 40000, 2, (x.id * 11 + k) % 60000, 1
  FROM m, (SELECT id FROM hosts WHERE id <= 200) x;
INSERT INTO protocol_traffic_minute SELECT bucket, 6, sum(packets_sent), sum(bytes_sent), sum(flows)
  FROM host_traffic_minute GROUP BY bucket;
UPDATE retention SET pruned_before = $now - 2 * 86400 WHERE resolution = 'minute';
UPDATE retention SET pruned_before = $now - 30 * 86400 WHERE resolution = 'hour';
-- The day and month rows above already hold every day: all of them are folded.
UPDATE rollup_state SET folded_before = ($now / 86400 + 1) * 86400;
COMMIT;
PRAGMA wal_checkpoint(TRUNCATE);
SQL
  printf 'generated in %.1f s\n' "$(echo "$(date +%s.%N) - $start" | bc -l)"
fi
rows=$(sqlite3 "$db" "select (select count(*) from host_traffic_minute) || ' minute, ' || (select count(*) from host_traffic_hour) || ' hour, ' || (select count(*) from host_traffic_day) || ' day, ' || (select count(*) from host_traffic_month) || ' month rows'")
echo "database: $(du -h "$db" | cut -f1), 10000 hosts, $rows"
time_it() {
  local name=$1; shift
  local s e
  s=$(date +%s.%N)
  "$@" >/dev/null
  e=$(date +%s.%N)
  printf '%-52s %6.3f s\n' "$name" "$(echo "$e - $s" | bc -l)"
}
time_it "report top --since 365d" "$nl" report top --db "$db" --since 365d
time_it "report top --since 365d --format json --top 0" "$nl" report top --db "$db" --since 365d --format json --top 0
time_it "report timeline --since 365d --step 1d" "$nl" report timeline --db "$db" --since 365d --step 1d
time_it "report timeline --since 365d --step 1d --by host" "$nl" report timeline --db "$db" --since 365d --step 1d --by host
time_it "report summary --monthly --since 365d" "$nl" report summary --monthly --db "$db" --since 365d
time_it "report top --since 24h" "$nl" report top --db "$db" --since 24h
time_it "report overview --since 30d (html)" "$nl" report overview --db "$db" --since 30d --output "$out/year.html"
