#!/usr/bin/env python3
"""The project's own captures (pcaps/, recorded from real programs by pcaps/record.sh):
each replayed into a fresh database gives, per host, the packets and bytes sent and
received that tshark counted (pcaps/expected/), and per transport the same packets and
bytes, and each flow in the VLAN (outer and inner tag) its frames carried. The names
the traffic carried (DNS answers, TLS SNI, HTTP Host) and the MACs
its ARP announced, as tshark read them (pcaps/expected/*.names.json), are the ones
`report hosts` shows. Replaying all of them twice gives identical reports, whether
inspection runs on its own thread or inline.

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
    files = sorted(glob.glob(os.path.join(pcaps, "*.pcap")) + glob.glob(os.path.join(pcaps, "*.pcapng")))
    checks.check(len(files) >= 8, f"pcaps/ holds the recorded captures (found {len(files)})")
    with tempfile.TemporaryDirectory() as work:
        nl = Netledger(binary, work)
        for f in files:
            name = os.path.splitext(os.path.basename(f))[0]
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
            vlans = sorted({(fl["outer_vlan"], fl["vlan"]) for fl in nl.report("flows", db)})
            checks.equal(vlans, [tuple(v) for v in expected["vlans"]], f"{name}: the VLAN tags of its flows")
            learned = json.load(open(os.path.join(pcaps, "expected", name + ".names.json")))
            got_names = {a: sorted(h["names"].split(" ")) for a, h in hosts.items() if h.get("names")}
            want_names = {a: n for a, n in learned["names"].items() if a in hosts}
            checks.equal(got_names, want_names, f"{name}: names learned from the traffic")
            got_macs = {a: h["mac"] for a, h in hosts.items() if h.get("mac")}
            checks.equal({a: m for a, m in got_macs.items() if a in learned["macs"]}, learned["macs"],
                         f"{name}: MACs from ARP")
            runs = nl.report("runs", db)
            checks.equal(runs[0]["packets_read"], expected["frames"], f"{name}: packets read")
            checks.equal(runs[0]["status"], "complete", f"{name}: run status")

        # Determinism: the same files into two fresh databases give the same reports, with
        # inspection on a thread of its own and inline.
        a, b = nl.db("all-a.db"), nl.db("all-b.db")
        for db, mode in ((a, "on"), (b, "off")):
            r = nl.replay(files, db, "--dpi-thread", mode)
            checks.equal(r.returncode, 0, f"replay of every capture into {os.path.basename(db)}")
        for kind, extra in (("hosts", ()), ("protocols", ()), ("protocols", ("--by", "app")), ("flows", ())):
            checks.equal(nl.report(kind, a, *extra), nl.report(kind, b, *extra),
                         f"report {kind} {' '.join(extra)} of two identical replays (inspection thread on, off)")
        flows = nl.report("flows", a)
        # tunnel.pcapng's UDP flow is still being classified when its minute closes: its
        # traffic is Unknown's, its flow the application it ended as.
        by_app = nl.report("protocols", a, "--by", "app")
        checks.equal(sum(p["flows"] for p in by_app), len(flows), "every flow counted under its application")
        http = [fl for fl in flows if fl["l4"] == "tcp" and fl["server_port"] == 8080]
        # curl runs on the .1 side: on the veth, in the VLANs and (tunnel.pcapng) through the VPN.
        checks.check(len(http) >= 5 and all(fl["client"].startswith("10.99.") and fl["client"].endswith(".1")
                                            for fl in http),
                     f"HTTP flows have the curl side as client and port 8080 as server: {http}")
        checks.equal(len(http), len({(fl["client"], fl["client_port"]) for fl in http}),
                     "each HTTP connection is one flow")
        checks.check(any(fl["client"] == "10.99.77.1" for fl in http),
                     "the HTTP flow inside the VPN, seen on the raw-IP interface of tunnel.pcapng")
        checks.check(all(fl["ndpi"] == "HTTP" and not fl["guessed"] for fl in http), "HTTP flows are HTTP by inspection")
        tls = [fl for fl in flows if fl["l4"] == "tcp" and fl["server_port"] == 8443]
        checks.check(len(tls) == 1 and tls[0]["app"] == "TLS" and not tls[0]["guessed"],
                     f"the HTTPS flow on port 8443 is TLS by inspection ({[fl['ndpi'] for fl in tls]})")
        dns = [fl for fl in flows if fl["server_port"] == 53]
        checks.check(len(dns) >= 2 and all(fl["app"] == "DNS" for fl in dns), "DNS flows are DNS")
        # Flow filters pick the flows the whole list holds for them, no more, no fewer.
        def labels(fl):
            return {(fl[k] or "").lower() for k in ("ndpi", "app", "master")}
        for extra, keep in ((("--host", "10.99.42.1"), lambda fl: "10.99.42.1" in (fl["client"], fl["server"])),
                            (("--host", "fd00:99:0::2"), lambda fl: "fd00:99::2" in (fl["client"], fl["server"])),
                            (("--protocol", "UDP"), lambda fl: fl["l4"] == "udp"),
                            (("--protocol", "http"), lambda fl: "http" in labels(fl)),
                            (("--host", "10.99.0.2", "--protocol", "dns"),
                             lambda fl: "10.99.0.2" in (fl["client"], fl["server"]) and "dns" in labels(fl))):
            want = [fl for fl in flows if keep(fl)]
            checks.check(len(want) > 0, f"report flows {' '.join(extra)}: the captures have such flows")
            checks.equal(nl.report("flows", a, *extra), want, f"report flows {' '.join(extra)}")
        # Protocol names are matched in any case, in the timeline as in the flows.
        timelines = [nl.report("timeline", a, "--protocol", p, "--step", "1d") for p in ("DNS", "dns")]
        checks.check(len(timelines[0]) > 0 and timelines[0] == timelines[1],
                     f"report timeline --protocol DNS and dns: the same, not empty ({timelines[0]})")
        # An option a report does not take is refused, not ignored.
        for kind, extra in (("hosts", ("--host", "10.99.0.1")), ("top", ("--protocol", "dns")),
                            ("flows", ("--step", "5m")), ("flows", ("--host", "not-an-address"))):
            r = nl.run("report", kind, "--db", a, *extra)
            checks.check(r.returncode == 2 and extra[0] in r.stderr and len(r.stderr.strip().splitlines()) == 1,
                         f"report {kind} {' '.join(extra)}: one line naming the option, exit 2 ({r.stderr.strip()})")
        host = nl.run("report", "host", "10.99.0.2", "--db", a, "--format", "json")
        checks.equal(host.returncode, 0, f"report host 10.99.0.2 ({host.stderr.strip()})")
        detail = json.loads(host.stdout)
        names = {(n["name"], n["source"]) for n in detail["names"]}
        checks.check({("www.netledger.test", "dns"), ("www.netledger.test", "tls-sni"),
                      ("www.netledger.test", "http-host")} <= names, f"host names with their sources: {names}")
        checks.equal([p["address"] for p in detail["peers"]], ["10.99.0.1"], "the server's one peer")
        apps = {p["app"] for p in detail["protocols"]}
        checks.check({"HTTP", "TLS", "DNS", "SNMP"} <= apps, f"the server's application protocols: {apps}")
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
