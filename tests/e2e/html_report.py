#!/usr/bin/env python3
"""The HTML report: built from a replay of the project's captures plus SNMP rates the
test stores itself, it opens in headless Chromium (no sandbox, no network) and its
charts render: a harness page of the test's own measures every SVG chart in the
report and a screenshot is taken. The page has no script and asks for nothing over
the network. Names, aliases and sysDescr strings holding <, &, quotes and <script>
come out as text, never as markup.

Also the report command's bad input: an unknown kind, a malformed time, a database
that does not exist or is not netledger's; and an empty range is an empty report.

Usage: html_report.py NETLEDGER_BINARY PCAPS_DIR"""
import csv
import glob
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import zlib

from common import SKIP, Checks, Netledger

EVIL = "<script>alert('x')</script> & \"quoted\" <b>bold</b>"


def png_size_and_colours(path):
    """Width, height and the number of distinct sampled colours of an 8-bit RGB(A) PNG."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, w, h, ctype = 8, b"", 0, 0, 0
    while pos < len(data):
        n = int.from_bytes(data[pos:pos + 4], "big")
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h = int.from_bytes(body[:4], "big"), int.from_bytes(body[4:8], "big")
            ctype = body[9]
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    bpp = 4 if ctype == 6 else 3
    stride = w * bpp + 1
    colours = set()
    prev = bytearray(w * bpp)
    for y in range(h):
        f = raw[y * stride]
        line = bytearray(raw[y * stride + 1:(y + 1) * stride])
        for i in range(len(line)):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 0xFF
            elif f == 2:
                line[i] = (line[i] + b) & 0xFF
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        prev = line
        if y % 7 == 0:
            for x in range(0, w, 5):
                colours.add(bytes(line[x * bpp:x * bpp + 3]))
    return w, h, len(colours)


def add_snmp(db):
    con = sqlite3.connect(db)
    con.execute("INSERT INTO snmp_devices(id, name, address, sys_name, sys_descr, last_result) VALUES "
                "(1, 'edge-1', '192.0.2.1:161', 'edge-1', ?, 'ok')", (EVIL,))
    con.execute("INSERT INTO snmp_interfaces(device_id, if_index, name, descr, alias, type, speed_bps, admin_status, "
                "oper_status, updated_s) VALUES (1, 1, 'Gi0/1', 'GigabitEthernet0/1', ?, 6, 1000000000, 1, 1, ?)",
                (EVIL, 1_800_000_000))
    start = 1_795_000_000
    for i in range(60):
        in_bps = 100e6 + (i % 12) * 20e6
        out_bps = 50e6 + (300e6 if i in (7, 31, 44) else 0)
        con.execute("INSERT INTO snmp_rates VALUES (1, 1, ?, 300, ?, ?, 0, 0, 0, 0, 0, 0, ?)",
                    (start + i * 300, in_bps, out_bps, max(in_bps, out_bps) / 1e9))
    con.execute("INSERT INTO findings(rule, severity, device_id, if_index, port, first_seen, last_seen, evidence, "
                "explanation) VALUES ('UT1', 'crit', 1, 1, 'Gi0/1', ?, ?, 'in 900 Mb/s', ?)",
                (start, start + 3000, "Port Gi0/1 is saturated " + EVIL))
    host = con.execute("SELECT id FROM hosts WHERE address = '10.99.0.2'").fetchone()[0]
    con.execute("INSERT INTO host_names VALUES (?, ?, 'dns', 1, 2)", (host, EVIL))
    con.commit()
    con.close()


def main():
    binary, pcaps = sys.argv[1], sys.argv[2]
    checks = Checks()
    with tempfile.TemporaryDirectory() as work:
        os.chmod(work, 0o755)
        nl = Netledger(binary, work)
        db = nl.db("r.db")
        r = nl.replay(sorted(glob.glob(os.path.join(pcaps, "*.pcap"))), db)
        checks.equal(r.returncode, 0, "replay of the project's captures")
        add_snmp(db)
        page = os.path.join(work, "report.html")
        r = nl.run("report", "overview", "--db", db, "--format", "html", "--output", page)
        checks.equal(r.returncode, 0, f"report overview --format html ({r.stderr.strip()})")
        html = open(page, encoding="utf-8").read()
        checks.check("<script" not in html.lower(), "the page holds no script element")
        checks.check("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quoted&quot;" in html,
                     "hostile names, aliases and sysDescr are escaped text")
        checks.check("<b>bold" not in html, "no markup from the database")
        checks.check(not re.search(r"(src|href)\s*=|url\(|@import|https?://", html),
                     "nothing on the page refers to anything outside it")
        checks.check(html.count("<svg") >= 4, f"charts: {html.count('<svg')} SVG elements")
        checks.check("95th in" in html, "the utilisation chart has its 95th-percentile line")

        browser = shutil.which("chromium") or shutil.which("chromium-browser")
        if browser is None:
            print("SKIP part: chromium is not installed (scripts/install-deps.sh test installs it)")
            return checks.finish() if checks.failed else SKIP
        # The harness (the test's, not the report's) loads the report and measures its charts.
        harness = os.path.join(work, "harness.html")
        with open(harness, "w") as f:
            f.write("""<!DOCTYPE html><html><body><iframe id="r" src="report.html" width="1000" height="3000"></iframe>
<pre id="out">pending</pre><script>
document.getElementById('r').addEventListener('load', function () {
  var doc = this.contentDocument, out = [];
  doc.querySelectorAll('svg').forEach(function (s) {
    var b = s.getBoundingClientRect();
    out.push({w: b.width, h: b.height, shapes: s.querySelectorAll('polyline,polygon,rect,circle,line').length});
  });
  document.getElementById('out').textContent = JSON.stringify(out);
});
</script></body></html>""")
        common = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--allow-file-access-from-files",
                  "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9", "--no-first-run",
                  f"--user-data-dir={os.path.join(work, 'profile')}", "--virtual-time-budget=5000"]
        dom = subprocess.run(common + ["--dump-dom", "file://" + harness], capture_output=True, text=True,
                             timeout=120)
        m = re.search(r'<pre id="out">(.*?)</pre>', dom.stdout, re.S)
        sizes = json.loads(m.group(1)) if m and m.group(1).startswith("[") else []
        print("charts as rendered:", sizes)
        checks.check(len(sizes) >= 4 and all(s["w"] > 300 and s["h"] > 100 and s["shapes"] > 3 for s in sizes),
                     "every chart rendered with size and shapes")
        shot = os.path.join(work, "report.png")
        subprocess.run(common + [f"--screenshot={shot}", "--window-size=1000,1800", "file://" + page],
                       capture_output=True, timeout=120)
        if os.path.exists(shot):
            w, h, colours = png_size_and_colours(shot)
            print(f"screenshot {w}x{h}, {colours} colours sampled")
            checks.check(w == 1000 and colours >= 6, "the screenshot shows coloured charts, not a blank page")
        else:
            checks.check(False, "chromium took a screenshot")

        # Bad input, and an empty range.
        bad = nl.run("report", "nonsense", "--db", db)
        checks.check(bad.returncode == 2 and "unknown report kind 'nonsense'" in bad.stderr, "unknown kind")
        bad = nl.run("report", "top", "--db", db, "--since", "yesterday-ish")
        checks.check(bad.returncode == 2 and "invalid time 'yesterday-ish'" in bad.stderr, "malformed time")
        bad = nl.run("report", "top", "--db", nl.db("absent.db"))
        checks.check(bad.returncode == 1 and "absent.db: database does not exist" in bad.stderr, "missing database")
        other = nl.db("other.db")
        con = sqlite3.connect(other)
        con.execute("CREATE TABLE t(x)")
        con.close()
        bad = nl.run("report", "top", "--db", other)
        checks.check(bad.returncode == 1 and "not a netledger database" in bad.stderr, "a database of another program")
        empty = nl.run("report", "top", "--db", db, "--since", "2001-01-01", "--until", "2001-01-02", "--format", "json")
        checks.check(empty.returncode == 0 and json.loads(empty.stdout)["top"] == [], "an empty range is an empty report")
        for kind in ("timeline", "summary", "interfaces", "health", "overview"):
            e = nl.run("report", kind, "--db", db, "--since", "2001-01-01", "--until", "2001-01-02", "--format", "html")
            checks.check(e.returncode == 0 and "</html>" in e.stdout, f"an empty range renders: {kind}")
        md = nl.run("report", "interfaces", "--db", db, "--format", "markdown")
        checks.check(md.returncode == 0 and "| edge-1 |" in md.stdout, "markdown tables")

        # Over a year of minute buckets the overview picks its own step (it asked for
        # 527,040 points, past what a timeline takes, and failed).
        year = nl.run("report", "overview", "--db", db, "--since", "2026-01-01", "--until", "2027-01-01",
                      "--output", page)
        checks.check(year.returncode == 0 and "Step 604800 s" in open(page, encoding="utf-8").read(),
                     f"an overview of a year is by the week ({year.stderr.strip()})")

        # Bytes that are not UTF-8, and control characters: an SNI of any bytes (nDPI keeps
        # them), an alias in Latin-1, an escape sequence. JSON and CSV stay exact in valid
        # UTF-8; nothing for people carries a control character to the terminal.
        check_hostile_bytes(nl, db, checks)
    return checks.finish()


def check_hostile_bytes(nl, db, checks):
    con = sqlite3.connect(db)
    host, address = con.execute("SELECT id, address FROM hosts WHERE address = '10.99.0.2'").fetchone()
    raw = b"\xffsni\xc0\xaf.\x1b[31mred\x07\xc2\x85x"
    con.execute("INSERT INTO host_names VALUES (?, CAST(? AS TEXT), 'tls_sni', 1, 2)", (host, raw))
    con.execute("UPDATE snmp_interfaces SET alias = CAST(? AS TEXT)", (b"Z\xfcrich\x1b]0;title\x07",))
    con.commit()
    con.close()
    shown = {"hosts": "\ufffdsni\ufffd\ufffd.\x1b[31mred\x07\x85x", "host": "\ufffdsni\ufffd\ufffd.\x1b[31mred\x07\x85x",
             "interfaces": "Z\ufffdrich\x1b]0;title\x07"}
    controls = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]")
    for kind, args in (("hosts", ["--top", "0"]), ("host", [address]), ("interfaces", [])):
        what = "report " + kind
        for fmt in ("json", "csv", "markdown", "html", "table"):
            r = subprocess.run([nl.binary, "report", kind, *args, "--db", db, "--format", fmt], capture_output=True)
            if r.returncode != 0:
                checks.check(False, f"{what} --format {fmt}: {r.stderr.decode(errors='replace').strip()}")
                continue
            try:
                text = r.stdout.decode("utf-8")
            except UnicodeDecodeError as e:
                checks.check(False, f"{what} --format {fmt} is not UTF-8: {e}")
                continue
            if fmt == "json":
                checks.check(any(shown[kind] in v for v in strings(json.loads(text))),
                             f"{what} --format json keeps the text, the controls escaped")
                continue
            if fmt == "csv":
                checks.check(any(shown[kind] in cell for row in csv.reader(io.StringIO(text)) for cell in row),
                             f"{what} --format csv keeps the text, quoted")
                continue
            checks.check(not controls.search(r.stdout), f"{what} --format {fmt} carries no control character")
            if kind != "hosts":  # its table has one name per host, not the list
                checks.check("\ufffd" in text, f"{what} --format {fmt} shows what could not be read as U+FFFD")


def strings(node):
    """Every string value in a parsed JSON document."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for v in node.values():
            yield from strings(v)
    elif isinstance(node, list):
        for v in node:
            yield from strings(v)


if __name__ == "__main__":
    sys.exit(main())
