#!/usr/bin/env bash
# SNMP polling speed: every recording in ../shared/snmp served by four snmpsim
# instances on 127.0.0.1; one `netledger poll --once` cycle over all of them, against
# snmpbulkwalk walking the same tables (system, ifTable, ifXTable, dot3StatsTable)
# device after device, in the same run. Prints both times, and the time of a later
# cycle of a poller that keeps running (it reads port names and types only on change).
set -euo pipefail
cd "$(dirname "$0")/.."
rec=../shared/snmp/recordings
[ -d "$rec" ] || { echo "no $rec beside the checkout: nothing to poll"; exit 0; }
scripts/install-deps.sh test >/dev/null
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DNETLEDGER_TESTS=OFF >/dev/null
cmake --build build-bench -j"$(nproc)" >/dev/null
nl=$(pwd)/build-bench/cli/netledger
work=$(mktemp -d)
chmod 755 "$work"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

devices=($(ls "$rec" | sed -n 's/\.snmprec$//p'))
ports=()
for i in 0 1 2 3; do
  port=$((21161 + i))
  mkdir -p "$work/cache$i"
  [ "$(id -u)" -eq 0 ] && chown nobody:nogroup "$work/cache$i"
  user=(); [ "$(id -u)" -eq 0 ] && user=(--process-user=nobody --process-group=nogroup)
  snmpsimd --data-dir="$rec" --cache-dir="$work/cache$i" --agent-udpv4-endpoint=127.0.0.1:$port \
    --logging-method=null "${user[@]}" >/dev/null 2>&1 &
  pids+=($!)
  ports+=($port)
done
for p in "${ports[@]}"; do
  for _ in $(seq 1 100); do
    snmpget -v2c -c "${devices[0]}" -t 0.5 -r 0 127.0.0.1:$p 1.3.6.1.2.1.1.3.0 >/dev/null 2>&1 && break
    sleep 0.2
  done
done

# The agents are CPU-bound per value they serve, so the recordings are spread over the
# four instances by size: largest first, each to the instance with the fewest values so far.
declare -A port_of
load=(0 0 0 0)
while read -r n d; do
  i=0
  for j in 1 2 3; do [ "${load[$j]}" -lt "${load[$i]}" ] && i=$j; done
  load[$i]=$((load[i] + n))
  port_of[$d]=${ports[$i]}
done < <(for d in "${devices[@]}"; do
  echo "$(grep -cE '^1\.3\.6\.1\.2\.1\.(1|2\.2|31\.1\.1|10\.7\.2)\.' "$rec/$d.snmprec") $d"
done | sort -rn)
inv=$work/devices.toml
: > "$inv"
for d in "${devices[@]}"; do
  printf '[devices."%s"]\naddress = "127.0.0.1:%s"\ncommunity = "%s"\ntimeout = 5\nretries = 1\n\n' \
    "$d" "${port_of[$d]}" "$d" >> "$inv"
done
values=$(cat "$rec"/*.snmprec | wc -l)
echo "workload: ${#devices[@]} recorded devices, $values values, 4 snmpsim instances" \
  "serving ${load[*]} table values"

# CPU seconds the four agents have used so far (utime + stime of each snmpsimd).
agent_cpu() {
  local t=0
  for p in "${pids[@]}"; do
    t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat")))
  done
  echo "$t / $(getconf CLK_TCK)" | bc -l
}

cpu0=$(agent_cpu)
start=$(date +%s.%N)
for d in "${devices[@]}"; do
  for t in 1.3.6.1.2.1.1 1.3.6.1.2.1.2.2 1.3.6.1.2.1.31.1.1 1.3.6.1.2.1.10.7.2; do
    snmpbulkwalk -v2c -c "$d" -On -t 5 -r 1 "127.0.0.1:${port_of[$d]}" $t >/dev/null 2>&1 || true
  done
done
walk=$(echo "$(date +%s.%N) - $start" | bc -l)
walk_cpu=$(echo "$(agent_cpu) - $cpu0" | bc -l)

rm -f "$work"/poll.db*
start=$(date +%s.%N)
cpu0=$(agent_cpu)
/usr/bin/time -f '%U %S' -o "$work/poll.time" \
  "$nl" poll --db "$work/poll.db" --devices "$inv" --once > "$work/poll.txt" || true
poll=$(echo "$(date +%s.%N) - $start" | bc -l)
poll_cpu=$(echo "$(agent_cpu) - $cpu0" | bc -l)
own_cpu=$(awk '{print $1 + $2}' "$work/poll.time")
grep -v '^cycle ' "$work/poll.txt" | awk -F", " "{print \$NF, \$1}" | sort -n | tail -4 | sed "s/^/  slowest: /"
ifs=$(sqlite3 "$work/poll.db" 'select count(*) from snmp_interfaces' 2>/dev/null || echo '?')
first_values=$(sed -n 's/^cycle 1: .* \([0-9]*\) values.*/\1/p' "$work/poll.txt")

# Steady state: a poller that keeps running reads what the ports are (names, types,
# MTUs, MACs, aliases) only when something says they changed; the second cycle shows it.
rm -f "$work"/poll.db*
"$nl" poll --db "$work/poll.db" --devices "$inv" --cycles 2 --interval 10 > "$work/steady.txt" || true
steady=$(sed -n 's/^cycle 2: .* values, \([0-9.]*\) s$/\1/p' "$work/steady.txt")
steady_values=$(sed -n 's/^cycle 2: .* \([0-9]*\) values.*/\1/p' "$work/steady.txt")

printf '%-52s %8.2f s\n' "snmpbulkwalk, device after device (4 tables each)" "$walk"
printf '%-52s %8.2f s  (%s interfaces stored, %s values)\n' "netledger poll --once (all devices, one cycle)" \
  "$poll" "$ifs" "$first_values"
printf 'netledger is %.1fx faster\n' "$(echo "$walk / $poll" | bc -l)"
printf '%-52s %8.2f s  (%s values; %.1fx faster than the walks)\n' "netledger poll, a later cycle (ports known)" \
  "$steady" "$steady_values" "$(echo "$walk / $steady" | bc -l)"
printf 'agents CPU: %.2f s during the walks, %.2f s during the poll; netledger itself %.2f s; %s cores\n' \
  "$walk_cpu" "$poll_cpu" "$own_cpu" "$(nproc)"
