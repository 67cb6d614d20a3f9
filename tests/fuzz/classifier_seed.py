#!/usr/bin/env python3
"""Makes fuzz_classifier inputs from pcap files: one input per TCP or UDP flow that carried
a payload, its first packets in fuzz_classifier's format ([kind][client port][server port],
then [flags][length][payload] records; fuzz_classifier.cpp describes it).
    tests/fuzz/classifier_seed.py OUT_DIR FILE.pcap...
Ethernet (with VLAN tags), Linux cooked and raw IP files are read; others are passed over."""
import struct
import sys
from pathlib import Path

from frames_seed import pcap_frames, seed_main

MAX_PACKETS = 16


def ip_of(link: int, frame: bytes):
    if link == 1 and len(frame) >= 14:
        kind, rest = struct.unpack(">H", frame[12:14])[0], frame[14:]
        while kind in (0x8100, 0x88A8) and len(rest) >= 4:
            kind, rest = struct.unpack(">H", rest[2:4])[0], rest[4:]
        return rest if kind in (0x0800, 0x86DD) else None
    if link == 113 and len(frame) >= 16:
        return frame[16:] if struct.unpack(">H", frame[14:16])[0] in (0x0800, 0x86DD) else None
    if link in (101, 12, 228, 229):
        return frame
    return None


def transport(ip: bytes):
    """(v6, proto, src, dst, l4) of an IPv4 or IPv6 datagram without extension headers."""
    if len(ip) >= 20 and ip[0] >> 4 == 4:
        return False, ip[9], ip[12:16], ip[16:20], ip[(ip[0] & 15) * 4:]
    if len(ip) >= 40 and ip[0] >> 4 == 6:
        return True, ip[6], ip[8:24], ip[24:40], ip[40:]
    return None


def inputs(path: Path, data: bytes):
    pcap = pcap_frames(data)
    if pcap is None:
        return []
    link, frames = pcap
    flows = {}  # (proto, client, client port, server, server port) -> [v6, records]
    for _, frame in frames:
        ip = ip_of(link, frame)
        t = transport(ip) if ip else None
        if t is None:
            continue
        v6, proto, src, dst, l4 = t
        if proto == 6 and len(l4) >= 20:
            flags, payload = l4[13] & 0x3F, l4[(l4[12] >> 4) * 4:]
        elif proto == 17 and len(l4) >= 8:
            flags, payload = 0, l4[8:]
        else:
            continue
        sport, dport = l4[0:2], l4[2:4]
        back = (proto, dst, dport, src, sport) in flows
        key = (proto, dst, dport, src, sport) if back else (proto, src, sport, dst, dport)
        flow = flows.setdefault(key, [v6, []])
        if len(flow[1]) < MAX_PACKETS:
            flow[1].append(bytes([(0x80 if back else 0) | flags]) + struct.pack(">H", len(payload)) + payload)
    made = []
    for n, ((proto, _, cport, _, sport), (v6, records)) in enumerate(flows.items()):
        if all(len(r) == 3 for r in records):
            continue  # no payload: nothing for the dissectors
        kind = (1 if proto == 17 else 0) | (2 if v6 else 0)
        made.append((f"{path.stem}-{n}.flow", bytes([kind]) + cport + sport + b"".join(records)))
    return made


if __name__ == "__main__":
    sys.exit(seed_main(__doc__, inputs))
