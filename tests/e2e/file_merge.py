#!/usr/bin/env python3
"""The files of one replay are one dataset, merged in packet-time order: a capture cut
into parts, given in any order, interleaved packet by packet or one after another,
through standard input or as files, gives the same hosts, protocols, flows and run
times as the whole capture. Parts one after another in time are opened one at a time:
hundreds of them replay with a few dozen descriptors. A replay's status lines say how far
it got.

Usage: file_merge.py NETLEDGER_BINARY PCAPS_DIR"""
import os
import resource
import struct
import subprocess
import sys
import tempfile
import time

from common import Checks, Netledger

REPORTS = (("hosts", ()), ("protocols", ()), ("protocols", ("--by", "app")), ("flows", ()))


def records(path):
    """The global header and the records of a plain pcap file."""
    data = open(path, "rb").read()
    header, recs, off = data[:24], [], 24
    while off + 16 <= len(data):
        incl = struct.unpack_from("<I", data, off + 8)[0]
        recs.append(data[off:off + 16 + incl])
        off += 16 + incl
    return header, recs


def write(path, header, recs):
    with open(path, "wb") as f:
        f.write(header)
        for r in recs:
            f.write(r)
    return path


def run_times(nl, db):
    run = nl.report("runs", db)[0]
    return run["first_packet"], run["last_packet"], run["packets_read"], run["status"]


def main():
    binary, pcaps = sys.argv[1], sys.argv[2]
    checks = Checks()
    with tempfile.TemporaryDirectory() as work:
        nl = Netledger(binary, work)

        def same_as_whole(whole, parts, what, stdin=None):
            want, got = nl.db(what + "-whole.db"), nl.db(what + ".db")
            checks.equal(nl.replay(whole, want).returncode, 0, f"{what}: replay of the whole")
            r = nl.run("replay", *parts, "--db", got, stdin=stdin)
            checks.equal(r.returncode, 0, f"{what}: replay of the parts ({r.stderr.strip()})")
            for kind, extra in REPORTS:
                checks.equal(nl.report(kind, got, *extra), nl.report(kind, want, *extra),
                             f"{what}: report {kind} {' '.join(extra)} as for the whole capture")
            checks.equal(run_times(nl, got), run_times(nl, want), f"{what}: the run's first and last packet")

        http = os.path.join(pcaps, "http.pcap")
        header, recs = records(http)
        checks.check(len(recs) > 300, f"http.pcap has packets to share out ({len(recs)})")

        # Two captures of the same time, every other packet in each: interleaved again.
        odd = write(os.path.join(work, "odd.pcap"), header, recs[1::2])
        even = write(os.path.join(work, "even.pcap"), header, recs[0::2])
        same_as_whole([http], [odd, even], "interleaved")
        same_as_whole([http], [even, odd], "interleaved, the other way round")

        # Rotated files named out of time order, and one of them through standard input.
        third = len(recs) // 3
        parts = [write(os.path.join(work, f"part{i}.pcap"), header, recs[i * third:(i + 1) * third if i < 2 else None])
                 for i in range(3)]
        same_as_whole([http], [parts[2], parts[0], parts[1]], "rotated, named out of order")
        with open(parts[0], "rb") as first:
            same_as_whole([http], [parts[2], "-", parts[1]], "rotated, the first through standard input",
                          stdin=first)

        # Several captures in any order: the same dataset.
        own = sorted(os.path.join(pcaps, f) for f in os.listdir(pcaps) if f.endswith((".pcap", ".pcapng")))
        same_as_whole(own, list(reversed(own)), "every own capture, in reverse order")

        # A replay through a pipe that pauses: --status 1 says how far it got, by packet time.
        # Not on a terminal, and without --status, it says nothing until its summary.
        def paused_replay(*extra):
            proc = subprocess.Popen([binary, "replay", "-", "--db", nl.db(f"paused{len(extra)}.db"), *extra],
                                    stdin=subprocess.PIPE, stderr=subprocess.PIPE, text=False)
            proc.stdin.write(header + b"".join(recs[:100]))
            proc.stdin.flush()
            time.sleep(1.5)
            _, err = proc.communicate(b"".join(recs[100:]), timeout=60)
            return proc.returncode, err.decode(errors="replace").splitlines()

        code, lines = paused_replay("--status", "1")
        status = [line for line in lines if line.startswith("+")]
        checks.check(code == 0 and len(status) >= 1 and status[0].startswith("+1s: "),
                      f"--status 1 prints a line after a pause of 1.5 s ({lines})")
        if status:
            read = int(status[0].split()[1])
            checks.check(100 <= read <= len(recs) and " live, packet time 20" in status[0],
                         f"the line counts what was read and names the packet time ({status[0]})")
        code, lines = paused_replay()
        checks.check(code == 0 and not any(line.startswith("+") for line in lines),
                     f"no status line by default off a terminal ({lines})")

        # Hundreds of rotated files, one packet each, with 40 descriptors to open them with.
        many = [write(os.path.join(work, f"r{i:03}.pcap"), header, [rec]) for i, rec in enumerate(recs[:300])]
        few = write(os.path.join(work, "first300.pcap"), header, recs[:300])

        def few_descriptors():
            resource.setrlimit(resource.RLIMIT_NOFILE, (40, 40))

        want, got = nl.db("first300.db"), nl.db("rotated300.db")
        nl.replay([few], want)
        r = subprocess.run([binary, "replay", "-q", *reversed(many), "--db", got], capture_output=True, text=True,
                           preexec_fn=few_descriptors, timeout=300)
        checks.equal(r.returncode, 0, f"300 rotated files with 40 descriptors ({r.stderr.strip()[:200]})")
        for kind, extra in REPORTS:
            checks.equal(nl.report(kind, got, *extra), nl.report(kind, want, *extra),
                         f"300 rotated files: report {kind} {' '.join(extra)} as for one file")
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
