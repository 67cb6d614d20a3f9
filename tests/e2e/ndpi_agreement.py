#!/usr/bin/env python3
"""Agreement with nDPI's own reader: for every capture in ../shared/pcaps with a
`.ndpi42.csv` (ndpiReader 4.2's per-flow output), each ndpiReader flow is matched by
5-tuple (either direction; the closest start time where a tuple repeats) to a
netledger flow, and the application names are compared. Prints agreement per file and
overall; fails below 98% overall.

Usage: ndpi_agreement.py NETLEDGER_BINARY [SHARED_PCAPS_DIR]
Exits 77 (skipped) when the shared corpus is not beside the checkout."""
import csv
import ipaddress
import os
import sys
import tempfile

from common import SKIP, Netledger

THRESHOLD = 0.98


def ndpi_rows(path):
    with open(path, newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        header[0] = header[0].lstrip("#")
        for row in reader:
            if len(row) >= len(header):
                yield dict(zip(header, row))


def addr(text):
    # ndpiReader prints IPv6 as inet_ntop does ("::" even for one zero group), netledger as
    # RFC 5952 says; compare the addresses, not their spelling.
    return str(ipaddress.ip_address(text))


def tuple_key(l4, a, b):
    # ndpiReader reads ports of TCP and UDP only; SCTP and ICMP flows carry 0 there.
    if l4 not in ("tcp", "udp"):
        a, b = (a[0], 0), (b[0], 0)
    return l4, frozenset([a, b])


def main():
    binary = sys.argv[1]
    shared = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__), "../../../shared/pcaps")
    corpus = os.path.join(shared, "corpus")
    oracle = os.path.join(shared, "oracle")
    if not os.path.isdir(corpus):
        print(f"SKIP: {shared} is not beside the checkout; nDPI agreement not checked")
        return SKIP
    total = agree = 0
    disagreements = []
    with tempfile.TemporaryDirectory() as work:
        nl = Netledger(binary, work)
        for name in sorted(os.listdir(corpus)):
            csv_path = os.path.join(oracle, name + ".ndpi42.csv")
            if not os.path.exists(csv_path):
                continue
            expected = list(ndpi_rows(csv_path))
            if not expected:
                continue
            db = nl.db(name + ".db")
            # Inspection on its own thread, as on a machine with cores to spare (own_pcaps.py
            # checks that it gives what inline inspection gives).
            nl.replay([os.path.join(corpus, name)], db, "--dpi-thread", "on")
            if not os.path.exists(db):
                print(f"{name}: no database written")
                total += len(expected)
                continue
            flows = nl.report("flows", db)
            by_tuple = {}
            for f in flows:
                a = (addr(f["client"]), f["client_port"])
                b = (addr(f["server"]), f["server_port"])
                by_tuple.setdefault(tuple_key(f["l4"], a, b), []).append(f)
            file_agree = 0
            for e in expected:
                l4 = {"1": "icmp", "2": "igmp", "4": "ipip", "6": "tcp", "17": "udp", "41": "ipv6", "47": "gre", "50": "esp",
                      "51": "ah", "58": "icmpv6", "89": "ospf", "103": "pim", "112": "vrrp", "132": "sctp"}.get(
                    e["protocol"], "ip-" + e["protocol"])
                a = (addr(e["src_ip"]), int(e["src_port"]))
                b = (addr(e["dst_ip"]), int(e["dst_port"]))
                candidates = by_tuple.get(tuple_key(l4, a, b), [])
                got = None
                if candidates:
                    start = float(e["first_seen"])
                    got = min(candidates, key=lambda f: abs(f["first_seen"] - start))["ndpi"]
                if got == e["ndpi_proto"]:
                    file_agree += 1
                else:
                    disagreements.append(f"{name}: {e['protocol']} {a[0]}:{a[1]} -> {b[0]}:{b[1]} "
                                         f"ndpiReader {e['ndpi_proto']}, netledger {got}")
            total += len(expected)
            agree += file_agree
            print(f"{name}: {file_agree}/{len(expected)} flows agree")
    for d in disagreements:
        print("DIFF " + d)
    share = agree / total if total else 1.0
    print(f"overall: {agree}/{total} flows agree ({share:.1%}); threshold {THRESHOLD:.0%}")
    return 0 if share >= THRESHOLD else 1


if __name__ == "__main__":
    sys.exit(main())
