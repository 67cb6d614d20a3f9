#!/usr/bin/env python3
"""The project's own captures (pcaps/, recorded from real programs by pcaps/record.sh):
each replayed into a fresh database gives, per host, the packets and bytes sent and
received that tshark counted (pcaps/expected/), and per transport the same packets and
bytes. Replaying all of them twice gives identical reports.

Usage: own_pcaps.py NETLEDGER_BINARY PCAPS_DIR"""
import glob
import json
import os
import sys
import tempfile

from common import Checks, Netledger


def main():
    binary, pcaps = sys.argv[1], sys.argv[2]
    checks = Checks()
    files = sorted(glob.glob(os.path.join(pcaps, "*.pcap")))
    checks.check(len(files) >= 4, f"pcaps/ holds the recorded captures (found {len(files)})")
    with tempfile.TemporaryDirectory() as work:
        nl = Netledger(binary, work)
        for f in files:
            name = os.path.basename(f)[:-5]
            expected = json.load(open(os.path.join(pcaps, "expected", name + ".json")))
            db = nl.db(name + ".db")
            r = nl.replay([f], db)
            checks.equal(r.returncode, 0, f"{name}: replay exit status ({r.stderr.strip()})")
            hosts = {h["address"]: h for h in nl.report("hosts", db)}
            want_hosts = {a: (h["tx_packets"], h["tx_bytes"], h["rx_packets"], h["rx_bytes"])
                          for a, h in expected["hosts"].items()}
            got_hosts = {a: (h["packets_sent"], h["bytes_sent"], h["packets_received"], h["bytes_received"])
                         for a, h in hosts.items()}
            checks.equal(got_hosts, want_hosts, f"{name}: per-host packets and bytes")
            protocols = {p["l4"]: (p["packets"], p["bytes"]) for p in nl.report("protocols", db)}
            want_l4 = {k: (v["packets"], v["bytes"]) for k, v in expected["l4"].items()}
            checks.equal(protocols, want_l4, f"{name}: per-protocol packets and bytes")
            runs = nl.report("runs", db)
            checks.equal(runs[0]["packets_read"], expected["frames"], f"{name}: packets read")
            checks.equal(runs[0]["status"], "complete", f"{name}: run status")

        # Determinism: the same files into two fresh databases give the same reports.
        a, b = nl.db("all-a.db"), nl.db("all-b.db")
        for db in (a, b):
            r = nl.replay(files, db)
            checks.equal(r.returncode, 0, f"replay of every capture into {os.path.basename(db)}")
        for kind in ("hosts", "protocols", "flows"):
            checks.equal(nl.report(kind, a), nl.report(kind, b), f"report {kind} of two identical replays")
        flows = nl.report("flows", a)
        http = [fl for fl in flows if fl["l4"] == "tcp" and fl["server_port"] == 8080]
        checks.check(len(http) >= 2 and all(fl["client"] == "10.99.0.1" for fl in http),
                     "HTTP flows have the curl side as client and port 8080 as server")
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
