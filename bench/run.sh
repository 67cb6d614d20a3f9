#!/usr/bin/env bash
# Replay speed and memory, side by side with what users would run instead, in one run.
#   bench/run.sh            # generates the workload once into bench/out/, then times every tool
# Uses ../shared/bench/pcapgen.c (8.4M packets, 1M flows, 50k hosts) when it is beside the
# checkout, else bench/synth_pcap (same scale, simpler traffic). Numbers go to stdout only.
# shellcheck disable=SC2154  # wall_*, cpu_* and mem_* are set by eval, one per tool
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/out
mkdir -p "$out"
rounds=${BENCH_ROUNDS:-3}
[[ $rounds =~ ^[1-9][0-9]*$ ]] || { echo "BENCH_ROUNDS must be a whole number from 1 (got '$rounds')" >&2; exit 2; }

scripts/install-deps.sh build
if ! { command -v /usr/bin/time && command -v tcpdump && command -v sqlite3; } >/dev/null; then
  [ "$(id -u)" -eq 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time tcpdump sqlite3 >/dev/null
fi
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DNETLEDGER_TESTS=OFF >/dev/null
cmake --build build-bench -j"$(nproc)" >/dev/null
nl=build-bench/cli/netledger

# The workload: a big capture and a smaller one of the same shape (fewer flows seen, same
# number live at once), to show whether memory follows live flows or flows seen.
gen=../shared/bench/pcapgen.c
if [ -f "$gen" ]; then
  [ -x "$out/pcapgen" ] || cc -O2 -o "$out/pcapgen" "$gen" -lm
  [ -f "$out/big.pcap" ] || "$out/pcapgen" mixed "$out/big.pcap" >/dev/null
  # A fifth of the flows in a fifth of the time: the same flow rate, so the same flows live at once.
  [ -f "$out/small.pcap" ] || "$out/pcapgen" mixed "$out/small.pcap" --flows 200000 --duration 120 >/dev/null
  workload="shared/bench/pcapgen mixed"
else
  [ -f "$out/big.pcap" ] || build-bench/bench/synth_pcap "$out/big.pcap" 1000000 >/dev/null
  [ -f "$out/small.pcap" ] || build-bench/bench/synth_pcap "$out/small.pcap" 200000 >/dev/null
  workload="bench/synth_pcap"
fi
cat "$out/big.pcap" >/dev/null  # into the page cache: every tool reads it warm

packets=$(build-bench/bench/pcap_loop "$out/big.pcap" | awk '{print $1}')
echo "workload: $workload, $packets packets, $(du -h "$out/big.pcap" | cut -f1)"
# CPU s is user + system time over all threads: with wall time it shows how much of the
# machine ($(nproc) cores here) each tool used. Every tool runs once a round, the rounds one
# after another, so a slow spell of the machine falls on all of them; each row is the
# tool's median run, with the shortest and longest wall times beside it.
echo "$rounds rounds; each row is a tool's median run"
for tool in darkstat:darkstat softflowd:softflowd ndpiReader:libndpi-bin; do
  command -v "${tool%%:*}" >/dev/null || echo "not installed, left out: ${tool%%:*} (Debian package ${tool#*:})"
done
printf '%-44s %8s %13s %8s %12s %10s\n' tool "wall s" "min-max s" "CPU s" "packets/s" "peak MB"

declare -A runs=()  # tool name -> "wall cpu kb;" for each round
names=()

# measure NAME CMD...: wall time, CPU time and peak resident memory of one run of a command.
measure() {
  local name=$1; shift
  local wall user sys kb
  /usr/bin/time -o "$out/time.txt" -f '%e %U %S %M' "$@" >/dev/null 2>&1 || true
  read -r wall user sys kb <<<"$(tail -1 "$out/time.txt")"
  [ -n "${runs[$name]+x}" ] || names+=("$name")
  runs[$name]+="$wall $(echo "$user + $sys" | bc -l) $kb;"
}

# One run of every tool.
round() {
  measure "plain libpcap read loop" build-bench/bench/pcap_loop "$out/big.pcap"
  measure "tcpdump -r FILE -w /dev/null" tcpdump -r "$out/big.pcap" -w /dev/null
  rm -f "$out"/bench.db*
  measure "netledger replay (database written)" "$nl" replay -q "$out/big.pcap" --db "$out/bench.db"
  if [ "$(nproc)" -le 2 ]; then  # auto keeps inspection inline here: show the thread too
    rm -f "$out"/thread.db*
    measure "netledger replay --dpi-thread on" "$nl" replay -q --dpi-thread on "$out/big.pcap" --db "$out/thread.db"
  fi
  rm -f "$out"/nodpi.db*
  measure "netledger replay --no-dpi" "$nl" replay -q --no-dpi "$out/big.pcap" --db "$out/nodpi.db"
  # The floor under any replay that keeps these rows in SQLite: the same rows copied by
  # SQLite alone, with no packet read.
  measure "sqlite3 alone: the --no-dpi rows copied" bench/sqlite_floor.sh "$out/nodpi.db" "$out/floor.db"
  if command -v darkstat >/dev/null; then
    # Hosts and ports in memory, no flows and no file. Its host table is raised past the
    # capture's hosts (the default 1000 would make it prune all the way through). It does
    # not decode 802.1Q, so it counts fewer packets. --no-dns: no lookup leaves the machine.
    measure "darkstat -r FILE (in memory only)" darkstat -r "$out/big.pcap" --no-daemon --no-dns \
      --hosts-max 200000 --hosts-keep 100000 -b 127.0.0.1 -p 18667
  fi
  if command -v softflowd >/dev/null; then
    measure "softflowd -r (export to 127.0.0.1:9)" softflowd -r "$out/big.pcap" -n 127.0.0.1:9 -d
  fi
  if command -v ndpiReader >/dev/null && [ "${BENCH_NDPI:-1}" = 1 ]; then
    measure "ndpiReader -i FILE" timeout 900 ndpiReader -q -i "$out/big.pcap"
  fi
}

# ndpiReader 4.2 writes /tmp/ses_result.csv and /tmp/des_result.csv on every run (its own
# smoothing self-tests): removed afterwards unless they were there before.
leftovers=()
for f in /tmp/ses_result.csv /tmp/des_result.csv; do [ -e "$f" ] || leftovers+=("$f"); done
for ((r = 0; r < rounds; r++)); do round; done
[ ${#leftovers[@]} -eq 0 ] || rm -f "${leftovers[@]}"

# Each tool's median run by wall time (the lower middle one of an even number) sets wall_<name>, cpu_<name> and mem_<name> (MB).
for name in "${names[@]}"; do
  sorted=$(tr ';' '\n' <<<"${runs[$name]}" | sed '/^$/d' | sort -n)
  n=$(wc -l <<<"$sorted")
  read -r wall cpu kb <<<"$(sed -n "$(((n + 1) / 2))p" <<<"$sorted")"
  lo=$(head -1 <<<"$sorted" | cut -d' ' -f1)
  hi=$(tail -1 <<<"$sorted" | cut -d' ' -f1)
  rate=$(printf '%.0f' "$(echo "$packets / $wall" | bc -l)")
  [[ $name == sqlite3* ]] && rate=-  # reads no packet
  printf '%-44s %8.2f %13s %8.2f %12s %10.0f\n' "$name" "$wall" "$lo-$hi" "$cpu" "$rate" "$((kb / 1024))"
  var=$(echo "$name" | tr -c 'a-zA-Z0-9\n' _)
  eval "wall_$var=$wall cpu_$var=$cpu mem_$var=$((kb / 1024))"
done
db_mb=$(( $(stat -c %s "$out/bench.db") / 1048576 ))
mem_dpi=$mem_netledger_replay__database_written_
mem_ndpi=${mem_ndpiReader__i_FILE:-}

echo
ratio=$(echo "$wall_netledger_replay__database_written_ / $wall_plain_libpcap_read_loop" | bc -l)
printf 'netledger replay / plain libpcap loop: %.2fx with nDPI, %.2fx with --no-dpi (database: %d MB)\n' \
  "$ratio" "$(echo "$wall_netledger_replay___no_dpi / $wall_plain_libpcap_read_loop" | bc -l)" "$db_mb"
printf 'sqlite3 alone, writing the rows the --no-dpi replay wrote: %.2fx the plain libpcap loop (a floor for storing them)\n' \
  "$(echo "$wall_sqlite3_alone__the___no_dpi_rows_copied / $wall_plain_libpcap_read_loop" | bc -l)"
cpu=$cpu_netledger_replay___no_dpi
printf 'netledger replay --no-dpi used %.2f CPU s: on %d cores no schedule of that work takes under %.2f s (%.2fx the plain loop)\n' \
  "$cpu" "$(nproc)" "$(echo "$cpu / $(nproc)" | bc -l)" "$(echo "$cpu / $(nproc) / $wall_plain_libpcap_read_loop" | bc -l)"
cost=$(echo "$wall_netledger_replay__database_written_ - $wall_netledger_replay___no_dpi" | bc -l)
printf 'classification cost: %.2f s (replay with nDPI against --no-dpi)\n' "$cost"
if [ -n "${wall_ndpiReader__i_FILE:-}" ]; then
  printf 'ndpiReader / netledger replay: %.2fx faster; peak memory %d MB against %d MB (%.2f of it)\n' \
    "$(echo "$wall_ndpiReader__i_FILE / $wall_netledger_replay__database_written_" | bc -l)" \
    "$mem_dpi" "$mem_ndpi" "$(echo "$mem_dpi / $mem_ndpi" | bc -l)"
fi

echo
echo "memory against flows seen (same flow rate, so the same flows live at once; the writer's hour state grows up to its limits, SQLite's page cache to 16 MB):"
for f in small big; do
  rm -f "$out"/mem.db*
  /usr/bin/time -o "$out/time.txt" -f '%M' "$nl" replay -q "$out/$f.pcap" --db "$out/mem.db" >/dev/null 2>&1
  t=$(tail -1 "$out/time.txt")
  flows=$(sqlite3 "$out/mem.db" 'select flows_seen from capture_runs' 2>/dev/null || echo '?')
  printf '  %-6s %10s flows seen  peak %5d MB\n' "$f" "$flows" "$((t / 1024))"
done
