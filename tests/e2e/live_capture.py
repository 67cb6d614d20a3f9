#!/usr/bin/env python3
"""Live capture: in a network namespace of its own with a veth pair, the test replays the
project's captures into one end with tcpreplay while `netledger capture` listens on the
other, stops it with SIGINT, and expects the same per-host counts tshark found in the
files (less only what libpcap reports as dropped). Also: --duration ends a capture by
itself, on time even when packets trickle in; --status prints what was captured so far;
and `interfaces` lists the capture devices.

Usage: live_capture.py NETLEDGER_BINARY PCAPS_DIR
Skips (77) without root, `ip netns` or tcpreplay."""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from common import SKIP, Checks, Netledger

FILES = ["http", "dns", "ping"]


def sh(*args, check=True):
    return subprocess.run(list(args), capture_output=True, text=True, check=check, timeout=60)


def main():
    binary, pcaps = sys.argv[1], sys.argv[2]
    if os.getuid() != 0:
        print("SKIP: live capture needs root to create a network namespace")
        return SKIP
    for tool in ("ip", "tcpreplay"):
        if not shutil.which(tool):
            print(f"SKIP: {tool} is not installed")
            return SKIP
    ns = f"nl-live-{os.getpid()}"
    if sh("ip", "netns", "add", ns, check=False).returncode != 0:
        print("SKIP: cannot create a network namespace here")
        return SKIP
    checks = Checks()
    try:
        def in_ns(*args, **kw):
            return ["ip", "netns", "exec", ns, *args]

        # No IPv6 on the test's own link: the kernel's router and neighbour solicitations
        # would be traffic the files do not have.
        sh(*in_ns("sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1"))
        sh("ip", "-n", ns, "link", "add", "nl-tx", "type", "veth", "peer", "name", "nl-rx")
        for dev in ("lo", "nl-tx", "nl-rx"):
            sh("ip", "-n", ns, "link", "set", dev, "up")
        with tempfile.TemporaryDirectory() as work:
            nl = Netledger(binary, work)
            db = nl.db("live.db")

            listed = subprocess.run(in_ns(binary, "interfaces"), capture_output=True, text=True, timeout=30)
            checks.check(listed.returncode == 0 and "nl-rx" in listed.stdout,
                         f"interfaces lists the namespace's devices ({listed.stdout.strip()})")

            cap = subprocess.Popen(in_ns(binary, "capture", "-i", "nl-rx", "--db", db), stderr=subprocess.PIPE,
                                   text=True)
            line = cap.stderr.readline()  # printed once the interface is open
            checks.check(line.startswith("capturing on nl-rx"), f"capture starts ({line.strip()})")
            files = [os.path.join(pcaps, f + ".pcap") for f in FILES]
            rep = subprocess.run(in_ns("tcpreplay", "-q", "-i", "nl-tx", *files), capture_output=True, text=True,
                                 timeout=120)
            checks.equal(rep.returncode, 0, f"tcpreplay ({rep.stderr.strip()[-200:]})")
            time.sleep(1.0)
            cap.send_signal(signal.SIGINT)
            try:
                _, err = cap.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                cap.kill()
                checks.check(False, "capture stops within 30 s of SIGINT")
                return checks.finish()
            checks.equal(cap.returncode, 0, f"capture exit status after SIGINT ({err.strip()})")

            runs = nl.report("runs", db)
            checks.equal(len(runs), 1, "one capture run")
            run = runs[0]
            checks.equal(run["status"], "complete", "run status")
            dropped = run["drops_kernel"] + run["drops_interface"]
            want = {}
            for f in FILES:
                for addr, h in json.load(open(os.path.join(pcaps, "expected", f + ".json")))["hosts"].items():
                    w = want.setdefault(addr, [0, 0, 0, 0])
                    for i, k in enumerate(("tx_packets", "tx_bytes", "rx_packets", "rx_bytes")):
                        w[i] += h[k]
            got = {h["address"]: [h["packets_sent"], h["bytes_sent"], h["packets_received"], h["bytes_received"]]
                   for h in nl.report("hosts", db)}
            if dropped == 0:
                checks.equal(got, want, "per-host counts of the live capture equal the files'")
            else:
                print(f"note: libpcap reported {dropped} drops")
                short = sum(max(0, w[0] - got.get(a, [0])[0]) for a, w in want.items())
                checks.check(short <= dropped, f"missing packets ({short}) are no more than the drops ({dropped})")
            flows = nl.report("flows", db)
            checks.check(any(f["server_port"] == 8080 for f in flows), "flows in memory were written at SIGINT")

            # --duration ends a capture on a quiet interface by itself.
            t0 = time.monotonic()
            r = subprocess.run(in_ns(binary, "capture", "-i", "nl-rx", "--duration", "1", "--db", nl.db("d.db")),
                               capture_output=True, text=True, timeout=30)
            took = time.monotonic() - t0
            checks.check(r.returncode == 0 and took < 10, f"--duration 1 ends the capture ({took:.1f} s, {r.stderr})")

            # A trickle of packets (ping on the namespace's loopback, 10 a second) holds back
            # neither --duration nor the status lines: the clock is read when a packet's time
            # says they are due, not only every 64 packets (6.4 s of this trickle).
            pinger = subprocess.Popen(in_ns("ping", "-q", "-i", "0.2", "127.0.0.1"), stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL)
            try:
                time.sleep(0.5)
                t0 = time.monotonic()
                r = subprocess.run(in_ns(binary, "capture", "-i", "lo", "--duration", "3", "--status", "1", "--db",
                                         nl.db("t.db")), capture_output=True, text=True, timeout=60)
                took = time.monotonic() - t0
            finally:
                pinger.terminate()
                pinger.wait(timeout=10)
            checks.check(r.returncode == 0 and took < 4.5,
                         f"--duration 3 ends a capture of a trickle on time ({took:.1f} s, {r.stderr.strip()})")
            status = [line for line in r.stderr.splitlines() if line.startswith("+")]
            counts = [int(line.split()[1]) for line in status]
            checks.check(len(status) >= 2 and status[0].startswith("+1s: ") and status[1].startswith("+2s: "),
                         f"--status 1 prints a line a second ({status})")
            final = [line for line in r.stderr.splitlines() if line.startswith("captured ")]
            total = int(final[0].split()[1]) if final else -1
            checks.check(counts == sorted(counts) and 0 < counts[0] and counts[-1] <= total,
                         f"status lines count up to the final count ({counts}, {total})")
            quiet = subprocess.run(in_ns(binary, "capture", "-i", "nl-rx", "--duration", "1", "--db", nl.db("q.db")),
                                   capture_output=True, text=True, timeout=30)
            checks.check(not any(line.startswith("+") for line in quiet.stderr.splitlines()),
                         f"no status lines by default when standard error is no terminal ({quiet.stderr.strip()})")

            r = subprocess.run(in_ns(binary, "capture", "-i", "no-such-if", "--db", nl.db("e.db")),
                               capture_output=True, text=True, timeout=30)
            checks.check(r.returncode != 0 and "no-such-if" in r.stderr, f"unknown interface is an error ({r.stderr})")
            r = subprocess.run(in_ns(binary, "capture", "-i", "nl-rx", "-f", "port port", "--db", nl.db("f.db")),
                               capture_output=True, text=True, timeout=30)
            checks.check(r.returncode != 0 and "port port" in r.stderr, f"bad filter is an error ({r.stderr})")
    finally:
        sh("ip", "netns", "del", ns, check=False)
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
