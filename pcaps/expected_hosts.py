#!/usr/bin/env python3
"""expected_hosts.py CAPTURE: per-host packets and bytes (wire length) sent and received,
counted from tshark's per-frame dissection, as JSON on stdout. Every IP header of a
frame is charged except those quoted inside ICMP errors; a host sending to itself is
charged both ways. Also the frame count and the packets and bytes per innermost
transport, and the VLAN tags IP frames carried (outermost and innermost tag of the
frame's own Ethernet header, 0 for none), from the same dissection."""
import collections
import json
import subprocess
import sys

QUOTING = ("icmp", "icmpv6")
FIELDS = ["frame.len", "frame.protocols", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "vlan.id", "ieee8021ad.id"]


def tags(toks, vlan_ids, ad_ids):
    """(outermost, innermost) VLAN id of the frame's first Ethernet header; (0, id) for
    one tag, (0, 0) for none."""
    ids = {"vlan": iter(vlan_ids.split(",") if vlan_ids else []),
           "ieee8021ad": iter(ad_ids.split(",") if ad_ids else [])}
    stack = []
    for t in toks[1:]:
        if t in ("eth", "ip", "ipv6"):
            break
        if t in ids:
            stack.append(int(next(ids[t])))
    if not stack:
        return (0, 0)
    return (stack[0] if len(stack) > 1 else 0, stack[-1])


def main():
    capture = sys.argv[1]
    cmd = ["tshark", "-r", capture, "-T", "fields", "-E", "separator=\t", "-E", "occurrence=a"]
    for f in FIELDS:
        cmd += ["-e", f]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    hosts = collections.defaultdict(lambda: dict(tx_packets=0, tx_bytes=0, rx_packets=0, rx_bytes=0))
    l4 = collections.defaultdict(lambda: dict(packets=0, bytes=0))
    vlans = set()
    frames = 0
    for line in out.splitlines():
        cols = line.split("\t")
        cols += [""] * (len(FIELDS) - len(cols))
        frames += 1
        length = int(cols[0])
        toks = cols[1].split(":")
        quote = next((i for i, t in enumerate(toks) if t in QUOTING), len(toks))
        v4 = list(zip(cols[2].split(","), cols[3].split(","))) if cols[2] else []
        v6 = list(zip(cols[4].split(","), cols[5].split(","))) if cols[4] else []
        n4 = n6 = 0
        for i, t in enumerate(toks[:quote]):
            pair = None
            if t == "ip" and n4 < len(v4):
                pair, n4 = v4[n4], n4 + 1
            elif t == "ipv6" and n6 < len(v6):
                pair, n6 = v6[n6], n6 + 1
            if pair:
                src, dst = pair
                hosts[src]["tx_packets"] += 1
                hosts[src]["tx_bytes"] += length
                hosts[dst]["rx_packets"] += 1
                hosts[dst]["rx_bytes"] += length
        transport = next((t for t in reversed(toks[:quote + 1]) if t in ("tcp", "udp", "icmp", "icmpv6", "sctp")), None)
        if n4 or n6:
            vlans.add(tags(toks, cols[6], cols[7]))
        if transport:
            l4[transport]["packets"] += 1
            l4[transport]["bytes"] += length
    json.dump(dict(file=capture.rsplit("/", 1)[-1], frames=frames, hosts=dict(sorted(hosts.items())),
                   l4=dict(sorted(l4.items())), vlans=sorted(list(v) for v in vlans)), sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
