#!/usr/bin/env python3
"""Bad input: each broken case gets one clear line naming the file and the problem and a
non-zero exit; a capture cut mid-record keeps every packet before the cut and says so;
an empty capture is not an error; a disk that fills mid-run fails the run and keeps what was
stored before.

Usage: bad_input.py NETLEDGER_BINARY PCAPS_DIR [SHARED_PCAPS_DIR]"""
import json
import os
import re
import shutil
import sqlite3
import struct
import subprocess
import sys
import tempfile

from common import Checks, Netledger


def pcap_header(linktype=1, magic=0xA1B2C3D4):
    return struct.pack("<IHHiIII", magic, 2, 4, 0, 0, 65535, linktype)


def many_flows_pcap(path, n):
    """A pcap of `n` one-packet UDP flows, each between its own pair of addresses."""
    with open(path, "wb") as out:
        out.write(pcap_header())
        for i in range(n):
            src = bytes([10, i >> 16 & 255, i >> 8 & 255, i & 255])
            dst = bytes([11, i >> 16 & 255, i >> 8 & 255, i & 255])
            udp = struct.pack("!HHHH", 40000 + i % 20000, 53, 8 + 4, 0) + b"abcd"
            ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0, src, dst) + udp
            frame = b"\x02" * 6 + b"\x04" * 6 + b"\x08\x00" + ip
            out.write(struct.pack("<IIII", 1_700_000_000 + i // 100, 0, len(frame), len(frame)) + frame)


def one_line_error(checks, result, must_name, must_say, what):
    lines = [l for l in result.stderr.splitlines() if l.strip()]
    checks.check(result.returncode != 0, f"{what}: non-zero exit (got {result.returncode})")
    checks.check(len(lines) == 1, f"{what}: one line on stderr (got {lines})")
    text = result.stderr
    checks.check(must_name in text, f"{what}: message names {must_name!r} ({text.strip()})")
    checks.check(must_say.lower() in text.lower(), f"{what}: message says {must_say!r} ({text.strip()})")


def main():
    binary, pcaps = sys.argv[1], sys.argv[2]
    shared = sys.argv[3] if len(sys.argv) > 3 else ""
    checks = Checks()
    good = os.path.join(pcaps, "http.pcap")
    with tempfile.TemporaryDirectory() as work:
        os.chmod(work, 0o777)
        nl = Netledger(binary, work)
        db = nl.db("x.db")

        missing = os.path.join(work, "missing.pcap")
        one_line_error(checks, nl.replay([missing], db), missing, "No such file", "missing file")
        one_line_error(checks, nl.replay([work], db), work, "directory", "directory")
        text = os.path.join(work, "notes.txt")
        open(text, "w").write("this is a text file, not a capture\n" * 10)
        one_line_error(checks, nl.replay([text], db), text, "not a pcap or pcapng", "not a capture")
        cut_header = os.path.join(work, "cut-header.pcap")
        open(cut_header, "wb").write(pcap_header()[:10])
        one_line_error(checks, nl.replay([cut_header], db), cut_header, "truncated", "cut inside the header")
        usb = os.path.join(work, "usb.pcap")
        open(usb, "wb").write(pcap_header(linktype=189))
        one_line_error(checks, nl.replay([usb], db), usb, "unsupported link type 189", "unsupported link type")
        # A good capture named before a bad one: every file is checked before anything is stored.
        one_line_error(checks, nl.replay([good, text], db), text, "not a pcap or pcapng", "good file, then a bad one")
        checks.check(not os.path.exists(db), "no database is created when an input could not be read")

        # Unreadable: root reads everything, so the check runs as nobody where it can.
        unreadable = os.path.join(work, "secret.pcap")
        shutil.copy(good, unreadable)
        os.chmod(unreadable, 0)
        if os.getuid() == 0 and shutil.which("setpriv"):
            r = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", binary, "replay",
                                unreadable, "--db", db], capture_output=True, text=True, timeout=60)
            one_line_error(checks, r, unreadable, "Permission denied", "unreadable file")
        elif os.getuid() != 0:
            one_line_error(checks, nl.replay([unreadable], db), unreadable, "Permission denied", "unreadable file")
        else:
            print("note: unreadable-file case not run (root without setpriv)")

        bad_db = "/proc/netledger-cannot-write-here/x.db"
        one_line_error(checks, nl.replay([good], bad_db), bad_db, "unable to open", "database path not writable")

        newer = nl.db("newer.db")
        con = sqlite3.connect(newer)
        con.executescript("CREATE TABLE t(x); PRAGMA application_id=1313621063; PRAGMA user_version=99;")
        con.close()
        one_line_error(checks, nl.replay([good], newer), newer, "newer netledger", "database from a newer schema")
        one_line_error(checks, nl.run("report", "hosts", "--db", newer), newer, "newer netledger",
                       "report on a database from a newer schema")

        # Standard input and pipes: read once, as the file they carry.
        from_file, from_stdin, from_fifo = nl.db("from-file.db"), nl.db("from-stdin.db"), nl.db("from-fifo.db")
        nl.replay([good], from_file)
        with open(good, "rb") as f:
            r = nl.run("replay", "-q", "-", "--db", from_stdin, stdin=f)
        checks.equal(r.returncode, 0, f"replay of standard input ({r.stderr.strip()})")
        checks.equal(nl.report("hosts", from_stdin), nl.report("hosts", from_file),
                     "a capture read from standard input counts as the file")
        fifo = os.path.join(work, "capture.fifo")
        os.mkfifo(fifo)
        writer = subprocess.Popen(["sh", "-c", f"cat '{good}' > '{fifo}'"])
        r = nl.replay([fifo], from_fifo)
        writer.wait(timeout=60)
        checks.equal(r.returncode, 0, f"replay of a FIFO ({r.stderr.strip()})")
        checks.equal(nl.report("hosts", from_fifo), nl.report("hosts", from_file),
                     "a capture read from a FIFO (opened once) counts as the file")
        with open(os.devnull, "rb") as f:
            one_line_error(checks, nl.run("replay", "-", "--db", db, stdin=f), "standard input", "no data",
                           "empty standard input")
        one_line_error(checks, nl.run("replay", "-", "-", "--db", db), "standard input", "only once",
                       "standard input named twice")
        gz = os.path.join(work, "http.pcap.gz")
        with open(gz, "wb") as out:
            subprocess.run(["gzip", "-c", good], stdout=out, check=True)
        one_line_error(checks, nl.replay([gz], db), gz, "gzip-compressed", "a gzip-compressed capture")
        checks.check(f"zcat {gz} | netledger replay -" in nl.replay([gz], db).stderr,
                     "a compressed capture's message says how to read it")

        # Empty capture: a valid header and no packets is a run with nothing in it.
        empty = os.path.join(work, "empty.pcap")
        open(empty, "wb").write(pcap_header())
        edb = nl.db("empty.db")
        r = nl.replay([empty], edb)
        checks.equal(r.returncode, 0, f"empty capture exit status ({r.stderr.strip()})")
        checks.equal(nl.report("hosts", edb), [], "empty capture has no hosts")
        run = nl.report("runs", edb)[0]
        checks.equal(run["status"], "complete", "empty capture run status")
        checks.equal((run["first_packet"], run["last_packet"]), (None, None), "an empty capture has no packet times")
        checks.equal(len(nl.report("runs", edb, "--since", str(run["started"] - 60))), 1,
                     "an empty run is placed by when it ran")

        # The summary line's nouns agree with their counts.
        one = os.path.join(work, "one.pcap")
        many_flows_pcap(one, 1)
        r = nl.run("replay", one, "--db", nl.db("one.db"))
        checks.check(re.search(r"replayed 1 file: 1 packet, \d+ bytes, 1 flow in ", r.stderr) is not None,
                     f"one file, one packet, one flow: said in the singular ({r.stderr.strip()})")
        r = nl.run("replay", empty, empty, "--db", nl.db("empty2.db"))
        checks.check("replayed 2 files: 0 packets, 0 bytes, 0 flows in " in r.stderr,
                     f"nothing read: said in the plural ({r.stderr.strip()})")

        # A clock never set: a packet stamped 0 (1970) has a time like any other.
        data = open(os.path.join(pcaps, "ping.pcap"), "rb").read()
        epoch = os.path.join(work, "epoch.pcap")
        open(epoch, "wb").write(data[:24] + struct.pack("<II", 0, 0) + data[32:])
        zdb = nl.db("epoch.db")
        checks.equal(nl.replay([epoch], zdb).returncode, 0, "a capture with a packet at time 0 imports")
        run = nl.report("runs", zdb)[0]
        last = struct.unpack("<I", data[24:28])[0]
        checks.equal(run["first_packet"], 0, "a packet at time 0 is the run's first")
        checks.check(run["last_packet"] >= last, f"the run's last packet is the file's ({run['last_packet']})")

        # After 2038: pcap's 32-bit seconds are unsigned (as the format and Wireshark read
        # them), whether netledger's reader (2.4), libpcap (2.2) or a stream reads the file.
        late = 0xF0000000
        record = struct.pack("<II", late, 0) + data[32:40] + data[40:40 + struct.unpack("<I", data[32:36])[0]]
        for minor, via_stdin in ((4, False), (2, False), (4, True)):
            f = os.path.join(work, f"late-2.{minor}.pcap")
            open(f, "wb").write(data[:4] + struct.pack("<HH", 2, minor) + data[8:24] + record)
            ldb = nl.db(f"late-2.{minor}-{via_stdin}.db")
            if via_stdin:
                with open(f, "rb") as stdin:
                    r = nl.run("replay", "-q", "-", "--db", ldb, stdin=stdin)
            else:
                r = nl.replay([f], ldb)
            what = f"a packet after 2038 in pcap 2.{minor}" + (" on standard input" if via_stdin else "")
            checks.equal(r.returncode, 0, f"{what} imports ({r.stderr.strip()})")
            checks.equal(nl.report("runs", ldb)[0]["first_packet"], late, f"{what} keeps its time")

        # Cut mid-record: every packet before the cut is kept, with a warning and in runs.
        data = open(good, "rb").read()
        full_db, cut_db = nl.db("full.db"), nl.db("cut.db")
        cut = os.path.join(work, "cut.pcap")
        open(cut, "wb").write(data[:len(data) // 2 + 7])
        nl.replay([good], full_db)
        r = nl.replay([cut], cut_db)
        checks.equal(r.returncode, 0, "cut capture still imports")
        checks.check("warning" in r.stderr and cut in r.stderr and "truncated" in r.stderr,
                     f"cut capture warns, naming the file ({r.stderr.strip()})")
        run = nl.report("runs", cut_db)[0]
        checks.equal(run["status"], "truncated", "cut capture run status")
        checks.check(cut in (run["error"] or ""), "runs says why the capture is truncated")
        # Count the complete records before the cut independently of netledger.
        off, records = 24, 0
        while off + 16 <= len(data) // 2 + 7:
            caplen = struct.unpack_from("<I", data, off + 8)[0]
            if off + 16 + caplen > len(data) // 2 + 7:
                break
            records += 1
            off += 16 + caplen
        checks.equal(run["packets_read"], records, "every record before the cut is read")

        # Report input errors.
        one_line_error(checks, nl.run("report", "sideways", "--db", full_db), "sideways", "unknown report kind",
                       "unknown report kind")
        one_line_error(checks, nl.run("report", "hosts", "--db", full_db, "--since", "yesterday-ish"),
                       "yesterday-ish", "invalid time", "malformed time")
        r = nl.run("report", "hosts", "--db", full_db, "--top", "-1")
        checks.check(r.returncode == 2 and "--top" in r.stderr and not r.stdout,
                     f"a negative --top is a usage error, not every row ({r.returncode}, {r.stderr.strip()!r})")
        # A retention age that is no age, or longer than the calendar, is a usage error that
        # names it, and the file keeps its retention.
        def retention(path):
            with sqlite3.connect(path) as c:
                return c.execute("SELECT resolution, keep_s FROM retention ORDER BY resolution").fetchall()
        kept = retention(full_db)
        for age, says in (("2026-01-01", "expected a number"), ("0d", "expected a number"),
                          ("99999999999999999d", "longer than 10,000 years")):
            r = nl.run("db", "prune", "--db", full_db, "--keep", "minute=" + age)
            one_line_error(checks, r, age, says, f"--keep minute={age}")
            checks.check(r.returncode == 2, f"--keep minute={age} is a usage error ({r.returncode})")
        checks.equal(retention(full_db), kept, "a refused --keep leaves the retention as it was")
        for size in ("0.1", "-5M", "nan", "1e30G", "2X"):
            r = nl.run("db", "prune", "--db", full_db, "--max-size", size)
            one_line_error(checks, r, size, "expected a size", f"--max-size {size}")
        r = nl.run("db", "prune", "--db", full_db, "--max-size", "1T")
        checks.equal(r.returncode, 0, f"--max-size 1T is taken ({r.stderr.strip()})")
        checks.check("size cap 1000000.0 MB" in nl.run("db", "info", "--db", full_db).stdout,
                     "db info shows the 1T cap")
        r = nl.run("db", "prune", "--db", full_db, "--keep", "minute=90s")
        checks.equal(r.returncode, 0, f"--keep minute=90s is taken ({r.stderr.strip()})")
        checks.equal(dict(retention(full_db))["minute"], 90, "--keep minute=90s keeps 90 seconds")
        r = nl.run("report", "hosts", "--db", full_db, "--since", "2001-01-01", "--until", "2001-01-02",
                   "--format", "json")
        checks.equal((r.returncode, r.stdout.strip()), (0, '{"hosts":[]}'), "an empty range is an empty report")
        # Values edited into the file by hand, past what the columns should hold: reports and
        # db info show them (at the nearest number they can) without a sanitizer report.
        edited = nl.db("edited.db")
        shutil.copy(full_db, edited)
        with sqlite3.connect(edited) as c:
            c.execute("INSERT INTO snmp_devices(id, name, address) VALUES(1, 'sw1', '192.0.2.1:161')")
            c.execute("INSERT INTO snmp_interfaces(device_id, if_index, name, speed_bps, updated_s) "
                      "VALUES(1, 1, 'Gi0/1', 1000000000, 1795287600)")
            c.execute("INSERT INTO snmp_rates VALUES(1, 1, 1795287600, 300, 1e999, -1e999, 0, 0, 0, 0, 0, 0, NULL)")
            c.execute("INSERT INTO snmp_rates VALUES(1, 1, 1795287900, 300, 9223372036854775807, 1e308, "
                      "0, 0, 0, 0, 0, 0, NULL)")
            c.execute("UPDATE retention SET keep_s = -9223372036854775808 WHERE resolution = 'minute'")
            c.execute("UPDATE host_traffic_hour SET bytes_sent = 1e999")
        r = nl.run("report", "interfaces", "--db", edited, "--format", "json")
        checks.check(r.returncode == 0 and "runtime error" not in r.stderr,
                     f"report interfaces on rates edited past 64 bits ({r.returncode}, {r.stderr.strip()[:200]})")
        if r.returncode == 0:
            row = json.loads(r.stdout)["interfaces"][0]
            checks.equal((row["in_bps"], row["out_bps"]), (2 ** 63 - 1, 2 ** 63 - 1),
                         "a rate past 64 bits shows as the largest one")
        for args in (("report", "overview", "--format", "html", "--output", nl.db("edited.html")),
                     ("report", "timeline", "--by", "interface", "--format", "csv"),
                     ("report", "timeline", "--by", "host", "--format", "csv"), ("db", "info")):
            r = nl.run(*args, "--db", edited)
            checks.check(r.returncode == 0 and "runtime error" not in r.stderr,
                         f"{' '.join(args[:2])} on values edited past 64 bits ({r.returncode}, {r.stderr.strip()[:200]})")
        checks.check("-9223372036854775808 seconds" in r.stdout, "db info shows the edited retention as it is")
        absent = nl.db("absent.db")
        one_line_error(checks, nl.run("report", "hosts", "--db", absent), absent, "does not exist",
                       "report on a missing database")
        one_line_error(checks, nl.run("report", "hosts", "--db", text), text, "not a netledger database",
                       "report on a file that is not a database")

        # A disk that fills during the run: one line naming the database, the run marked
        # failed with the reason, and what was stored before the disk filled still readable.
        small = os.path.join(work, "small-disk")
        os.mkdir(small)
        if os.getuid() == 0 and subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", small],
                                               capture_output=True).returncode == 0:
            try:
                many, n = os.path.join(work, "many-flows.pcap"), 120000
                many_flows_pcap(many, n)
                sdb = os.path.join(small, "x.db")
                r = nl.replay([many], sdb)
                one_line_error(checks, r, sdb, "disk is full", "a disk that fills during the replay")
                run = nl.report("runs", sdb)[0]
                checks.equal(run["status"], "failed", "the run on a full disk is marked failed")
                checks.check("full" in (run["error"] or ""), f"runs says the disk was full ({run['error']})")
                flows = nl.report("flows", sdb)
                checks.check(0 < len(flows) < n, f"the flows stored before the disk filled are kept ({len(flows)})")
                hosts = nl.report("hosts", sdb)
                checks.check(0 < len(hosts) < 2 * n, f"the host rows stored before the disk filled are kept ({len(hosts)})")
                checks.check(run["packets_read"] < n, f"the replay stopped when the disk filled ({run['packets_read']})")
            finally:
                subprocess.run(["umount", small], check=False)
        else:
            print("note: the full-disk case needs root to mount a small tmpfs; not run")

        # The broken files of the shared corpus: no crash, no hang (the sanitizer build runs this).
        if shared and os.path.isdir(os.path.join(shared, "corpus")):
            for name in sorted(os.listdir(os.path.join(shared, "corpus"))):
                r = nl.replay([os.path.join(shared, "corpus", name)], nl.db("shared-" + name + ".db"))
                checks.check(r.returncode in (0, 1) and "Sanitizer" not in r.stderr and "runtime error" not in r.stderr,
                             f"shared {name}: clean exit ({r.returncode}: {r.stderr.strip()[:200]})")
        else:
            print("note: ../shared/pcaps not found; the shared broken files were not replayed")
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
