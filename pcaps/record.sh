#!/usr/bin/env bash
# Records the project's own captures: real programs (curl, dig, ping, snmpget) talking
# between two network namespaces this script creates and removes, captured with tcpdump
# (and with dumpcap, on two interfaces at once, for the tunnel): on a plain link, in a
# VLAN, in a VLAN stacked in another, and through a VPN. Beside each capture,
# expected/<name>.json holds what tshark (an independent dissector) counts per host and
# per VLAN, which the tests compare netledger with.
#
#   sudo pcaps/record.sh          # rewrites pcaps/*.pcap* and pcaps/expected/*.json
#   sudo pcaps/record.sh tunnel   # only the captures named
#
# Nothing leaves the machine: the namespaces are joined only by their own veth pairs.
set -euo pipefail
cd "$(dirname "$0")"
here=$(pwd)

[ "$(id -u)" -eq 0 ] || { echo "record.sh needs root (network namespaces)" >&2; exit 1; }
only=" $* "
wanted() { [ -z "${only// /}" ] || [[ $only == *" $1 "* ]]; }
need=(tcpdump tshark dumpcap curl dig dnsmasq snmpd snmpget ping python3 ip ethtool openssl socat clang tc)
pkgs=(tcpdump tshark wireshark-common curl dnsutils dnsmasq-base snmpd snmp iputils-ping python3 iproute2 ethtool
      openssl socat clang iproute2)
for i in "${!need[@]}"; do
  command -v "${need[$i]}" >/dev/null || missing+=("${pkgs[$i]}")
done
[ -f /usr/include/linux/bpf.h ] || missing+=(linux-libc-dev)
if [ -n "${missing[*]:-}" ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

A=nlrec-client B=nlrec-server
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  ip netns del $A 2>/dev/null || true
  ip netns del $B 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

ip netns add $A
ip netns add $B
ip link add veth-c netns $A type veth peer name veth-s netns $B
ip -n $A addr add 10.99.0.1/24 dev veth-c
ip -n $B addr add 10.99.0.2/24 dev veth-s
ip -n $A addr add fd00:99::1/64 dev veth-c nodad
ip -n $B addr add fd00:99::2/64 dev veth-s nodad
for ns in $A $B; do ip -n $ns link set lo up; done
ip -n $A link set veth-c up
ip -n $B link set veth-s up
# Segmentation offloads would hand tcpdump 64 KB super-frames that no wire carries (and
# that tcpreplay cannot send back out): capture what a real link would show.
ip netns exec $A ethtool -K veth-c tso off gso off gro off tx off >/dev/null
ip netns exec $B ethtool -K veth-s tso off gso off gro off tx off >/dev/null
# Two more veth pairs whose wires carry VLANs: 802.1Q VLAN 42 (vlan.pcap) and VLAN 43
# inside 802.1ad S-tag 100 (qinq.pcap). The kernel tags each frame leaving either end and
# untags each arriving one in tc (vlan_tag.bpf.c), as a VLAN sub-interface would; this
# also works on kernels built without 802.1Q support (CONFIG_VLAN_8021Q).
clang -O2 -target bpf -I"/usr/include/$(clang -print-multiarch)" -c "$here/vlan_tag.bpf.c" -o "$work/vlan_tag.o"
tagged_pair() {  # tagged_pair NAME SUBNET SECTION
  local name=$1 subnet=$2 section=$3 ns dev
  ip link add "$name-c" netns $A type veth peer name "$name-s" netns $B
  ip -n $A addr add "$subnet.1/24" dev "$name-c"
  ip -n $B addr add "$subnet.2/24" dev "$name-s"
  for ns in $A $B; do
    dev=$name-c
    [ "$ns" = $B ] && dev=$name-s
    ip -n "$ns" link set "$dev" up
    ip netns exec "$ns" ethtool -K "$dev" tso off gso off gro off tx off >/dev/null
    ip netns exec "$ns" tc qdisc add dev "$dev" clsact
    ip netns exec "$ns" tc filter add dev "$dev" egress bpf da obj "$work/vlan_tag.o" sec "$section"
    ip netns exec "$ns" tc filter add dev "$dev" ingress bpf da obj "$work/vlan_tag.o" sec untag
  done
}
tagged_pair vlan 10.99.42 vlan
tagged_pair qinq 10.99.43 qinq
sleep 1

# Servers, all in the server namespace.
mkdir -p "$work/www"
head -c 200000 /dev/urandom | base64 > "$work/www/big.txt"
echo "hello from netledger" > "$work/www/index.html"
ip netns exec $B python3 -m http.server 8080 --bind :: --directory "$work/www" >/dev/null 2>&1 &
pids+=($!)
cat > "$work/hosts" <<HOSTS
10.99.0.2 www.netledger.test
fd00:99::2 www.netledger.test
10.99.0.53 ns.netledger.test
HOSTS
ip netns exec $B dnsmasq --no-daemon --no-resolv --no-hosts --addn-hosts="$work/hosts" \
  --listen-address=10.99.0.2 --bind-interfaces --port=53 --log-facility=/dev/null \
  --pid-file="$work/dnsmasq.pid" --user=root &
pids+=($!)
# HTTPS: a throwaway self-signed certificate for www.netledger.test.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/key.pem" -out "$work/cert.pem" -days 2 \
  -subj /CN=www.netledger.test >/dev/null 2>&1
ip netns exec $B openssl s_server -accept 8443 -cert "$work/cert.pem" -key "$work/key.pem" -www -quiet \
  >/dev/null 2>&1 &
pids+=($!)
cat > "$work/snmpd.conf" <<CONF
agentaddress udp:10.99.0.2:161
rocommunity netledger-demo 10.99.0.0/24
sysName netledger-recorder
sysLocation namespace nlrec-server
CONF
ip netns exec $B snmpd -f -Lo -C -c "$work/snmpd.conf" -p "$work/snmpd.pid" >/dev/null 2>&1 &
pids+=($!)
# A user-space VPN: socat carries IP packets between a TUN device in each namespace
# (10.99.77.0/24) inside UDP datagrams between the veth addresses.
ip netns exec $B socat UDP-LISTEN:5555,bind=10.99.0.2 TUN:10.99.77.2/24,tun-name=tun-s,iff-no-pi,iff-up &
pids+=($!)
sleep 1
ip netns exec $A socat UDP:10.99.0.2:5555,bind=10.99.0.1:5555 TUN:10.99.77.1/24,tun-name=tun-c,iff-no-pi,iff-up &
pids+=($!)
sleep 2

# record NAME IFACE... -- COMMAND...: captures on the client's interfaces while COMMAND
# runs in the client namespace: tcpdump into NAME.pcap on one interface, dumpcap into
# NAME.pcapng on several at once.
record() {
  local name=$1; shift
  local ifaces=()
  while [ "$1" != -- ]; do ifaces+=("$1"); shift; done
  shift
  wanted "$name" || return 0
  local out capture
  if [ ${#ifaces[@]} -eq 1 ]; then
    out="$here/$name.pcap"
    capture=(tcpdump -i "${ifaces[0]}" -U -s 0 -w "$out")
  else
    out="$here/$name.pcapng"
    capture=(dumpcap -q)
    for i in "${ifaces[@]}"; do capture+=(-i "$i"); done
    capture+=(-w "$out")
  fi
  # Forget the neighbours, so each capture starts with the ARP / neighbour discovery
  # that ties addresses to MACs.
  ip -n $A neigh flush all
  ip -n $B neigh flush all
  rm -f "$out"
  ip netns exec $A "${capture[@]}" 2>/dev/null &
  local tp=$!
  sleep 2  # dumpcap takes a while to start capturing
  ip netns exec $A "$@" >/dev/null
  sleep 1
  kill -INT $tp
  wait $tp || true
  chmod 644 "$out"
  echo "recorded $(basename "$out") ($(stat -c %s "$out") bytes)"
}

site="--resolve www.netledger.test:8080:10.99.0.2 --resolve www.netledger.test:8443:10.99.0.2"
record http veth-c -- curl -s $site -o /dev/null http://www.netledger.test:8080/index.html \
  -o /dev/null http://www.netledger.test:8080/big.txt
record https veth-c -- curl -s -k $site -o /dev/null https://www.netledger.test:8443/
record dns veth-c -- sh -c 'dig @10.99.0.2 www.netledger.test A +tries=1; dig @10.99.0.2 www.netledger.test AAAA +tries=1; dig @10.99.0.2 ns.netledger.test +tcp +tries=1'
record ping veth-c -- sh -c 'ping -c 4 -i 0.2 10.99.0.2; ping -6 -c 4 -i 0.2 fd00:99::2'
record vlan vlan-c -- sh -c 'ping -c 3 -i 0.2 10.99.42.2; curl -s -o /dev/null http://10.99.42.2:8080/index.html'
record qinq qinq-c -- sh -c 'ping -c 3 -i 0.2 10.99.43.2; curl -s -o /dev/null http://10.99.43.2:8080/index.html'
record snmp veth-c -- snmpget -v2c -c netledger-demo 10.99.0.2 1.3.6.1.2.1.1.5.0 1.3.6.1.2.1.1.3.0
# Ping and HTTP through the VPN, captured on the veth (Ethernet: the UDP carrying the
# packets) and on the TUN device (raw IP: the packets inside) at once: a pcapng file
# whose two interfaces have different link types.
record tunnel veth-c tun-c -- sh -c 'ping -c 4 -i 0.2 10.99.77.2; curl -s -o /dev/null http://10.99.77.2:8080/index.html'

mkdir -p expected
for f in http https dns ping vlan qinq snmp tunnel; do
  wanted "$f" || continue
  capture=
  for c in "$here/$f.pcap" "$here/$f.pcapng"; do [ -f "$c" ] && capture=$c; done
  [ -n "$capture" ] || continue
  python3 "$here/expected_hosts.py" "$capture" > "expected/$f.json"
  python3 "$here/expected_names.py" "$capture" > "expected/$f.names.json"
done
echo "expected results written to pcaps/expected/"
