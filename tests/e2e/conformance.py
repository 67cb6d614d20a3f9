#!/usr/bin/env python3
"""Conformance with real captures: every file in ../shared/pcaps/corpus is replayed into a
fresh database, and each host's packets and bytes, sent and received, must equal
`hosts_all_layers` in the file's tshark oracle exactly.

Usage: conformance.py NETLEDGER_BINARY [SHARED_PCAPS_DIR]
Exits 77 (skipped) when the shared corpus is not beside the checkout."""
import json
import os
import subprocess
import sys
import tempfile

SKIP = 77


def replay_hosts(binary, capture, workdir):
    db = os.path.join(workdir, os.path.basename(capture) + ".db")
    run = subprocess.run([binary, "replay", "-q", capture, "--db", db], capture_output=True, text=True, timeout=120)
    if run.returncode != 0 or not os.path.exists(db):
        return None, run.stderr.strip()
    rep = subprocess.run([binary, "report", "hosts", "--db", db, "--top", "0", "--format", "json"],
                         capture_output=True, text=True, timeout=60)
    if rep.returncode != 0:
        return None, rep.stderr.strip()
    hosts = {h["address"]: h for h in json.loads(rep.stdout)["hosts"]}
    return hosts, run.stderr.strip()


def compare(expected, got):
    diffs = []
    for addr in sorted(set(expected) | set(got)):
        e = expected.get(addr)
        g = got.get(addr)
        want = (e["tx_packets"], e["tx_bytes"], e["rx_packets"], e["rx_bytes"]) if e else (0, 0, 0, 0)
        have = (g["packets_sent"], g["bytes_sent"], g["packets_received"], g["bytes_received"]) if g else (0, 0, 0, 0)
        if want != have:
            diffs.append(f"{addr}: oracle tx {want[0]}p/{want[1]}B rx {want[2]}p/{want[3]}B, "
                         f"netledger tx {have[0]}p/{have[1]}B rx {have[2]}p/{have[3]}B")
    return diffs


def main():
    binary = sys.argv[1]
    shared = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__), "../../../shared/pcaps")
    corpus = os.path.join(shared, "corpus")
    if not os.path.isdir(corpus):
        print(f"SKIP: {corpus} is not there; the conformance check needs ../shared/pcaps beside the checkout")
        return SKIP
    files = sorted(os.listdir(corpus))
    exact, checked, failures = 0, 0, []
    with tempfile.TemporaryDirectory() as work:
        for name in files:
            oracle = os.path.join(shared, "oracle", name + ".derived.json")
            if not os.path.exists(oracle):
                continue
            expected = json.load(open(oracle)).get("hosts_all_layers", {})
            got, log = replay_hosts(binary, os.path.join(corpus, name), work)
            checked += 1
            if got is None:
                # A file libpcap cannot open has an empty oracle: refusing it is right.
                if not expected:
                    exact += 1
                    print(f"exact    {name} (refused: {log})")
                else:
                    failures.append((name, [f"replay failed: {log}"]))
                    print(f"DIFFERS  {name}: replay failed: {log}")
                continue
            diffs = compare(expected, got)
            if diffs:
                failures.append((name, diffs))
                print(f"DIFFERS  {name}: {len(diffs)} hosts")
                for d in diffs[:10]:
                    print("           " + d)
            else:
                exact += 1
                print(f"exact    {name} ({len(expected)} hosts)")
    print(f"{exact} of {checked} files match the tshark oracle exactly")
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
