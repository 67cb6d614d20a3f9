#!/usr/bin/env python3
"""Rules and faults against a real agent whose counters move. The test writes its own
.snmprec fixtures (snmpsim's numeric variation: value = initial + rate * seconds) for
a made-up lab switch, serves them with Debian's snmpsim on 127.0.0.1, and polls:

- a busy port fires UT1, a port with errors ER1, a half-duplex 100 Mb/s port with late
  collisions DX1 and DX2; a quiet port fires nothing; 32-bit counters that wrap between
  polls give no rate above the link speed;
- SNMPv3 authPriv works; a wrong password says "authentication failure";
- faults do not stall a cycle: an address where nothing answers times out within its
  bound while the others finish; a wrong community, an agent with missing tables and
  values of the wrong type, and a 600-port table each give a clear per-device line and
  keep what could be read.

Usage: snmp_rules.py NETLEDGER_BINARY"""
import json
import os
import shutil
import sys
import tempfile
import time

from common import SKIP, Checks, Netledger
from snmpsim import V3_AUTH, V3_PRIV, V3_USER, SnmpSim, free_udp_port

IF, IFX, D3 = "1.3.6.1.2.1.2.2.1.", "1.3.6.1.2.1.31.1.1.1.", "1.3.6.1.2.1.10.7.2.1."


def counter(oid, rate, initial=0, tag=65, wrap=2 ** 32):
    return f"{oid}|{tag}:numeric|initial={initial},rate={rate:.6f},max={wrap},wrap=1"


def system(name):
    return [f"1.3.6.1.2.1.1.1.0|4|netledger lab {name}", "1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.8072.3.2.10",
            "1.3.6.1.2.1.1.3.0|67:numeric|initial=1000,rate=100", f"1.3.6.1.2.1.1.5.0|4|{name}"]


def lab_switch():
    """Port 1 busy (90% of 100 Mb/s, 32-bit counters that wrap every ~6 s), port 2 with
    40 errors/s, port 3 quiet, port 4 half duplex at 100 Mb/s with late collisions."""
    rows = system("lab-switch")
    speed = 100_000_000
    ports = {1: dict(util=0.90, err=0, late=0, duplex=3), 2: dict(util=0.05, err=40, late=0, duplex=3),
             3: dict(util=0.01, err=0, late=0, duplex=3), 4: dict(util=0.05, err=0, late=5, duplex=2)}
    for i, p in ports.items():
        rows += [f"{IF}2.{i}|4|FastEthernet0/{i}", f"{IF}3.{i}|2|6", f"{IF}4.{i}|2|1500", f"{IF}5.{i}|66|{speed}",
                 f"{IF}6.{i}|4x|00163e0000{i:02x}", f"{IF}7.{i}|2|1", f"{IF}8.{i}|2|1", f"{IF}9.{i}|67|100"]
        octets = p["util"] * speed / 8
        initial = 2 ** 32 - int(octets * 3) if i == 1 else 1000  # port 1 wraps 3 s after the start
        rows += [counter(f"{IF}10.{i}", octets, initial), counter(f"{IF}11.{i}", octets / 800),
                 counter(f"{IF}14.{i}", p["err"]), counter(f"{IF}13.{i}", 0),
                 counter(f"{IF}16.{i}", octets / 2, initial), counter(f"{IF}17.{i}", octets / 1600),
                 counter(f"{IF}19.{i}", 0), counter(f"{IF}20.{i}", 0)]
        rows += [f"{IFX}1.{i}|4|Fa0/{i}", f"{IFX}15.{i}|66|100", f"{IFX}18.{i}|4|lab port {i}"]
        rows += [counter(f"{D3}2.{i}", 0), counter(f"{D3}3.{i}", 0), counter(f"{D3}4.{i}", 0),
                 counter(f"{D3}5.{i}", 0), counter(f"{D3}8.{i}", p["late"]), counter(f"{D3}9.{i}", 0),
                 f"{D3}19.{i}|2|{p['duplex']}"]
    return rows


def partial_agent():
    """No ifXTable, no dot3StatsTable, ifSpeed of the wrong type on one port."""
    rows = system("partial")
    for i in (1, 2):
        rows += [f"{IF}2.{i}|4|eth{i}", f"{IF}3.{i}|2|6", f"{IF}7.{i}|2|1", f"{IF}8.{i}|2|1",
                 f"{IF}10.{i}|65|{1000 * i}", f"{IF}16.{i}|65|{2000 * i}"]
    rows.append(f"{IF}5.1|4|fast")  # an OCTET STRING where a Gauge32 belongs
    rows.append(f"{IF}5.2|66|1000000000")
    return rows


def rebooting_agent():
    """One port; sysUpTime runs backwards, so every poll finds the agent restarted."""
    rows = [r for r in system("rebooting") if not r.startswith("1.3.6.1.2.1.1.3.0|")]
    rows.append("1.3.6.1.2.1.1.3.0|67:numeric|initial=1000000000,rate=-100000")
    rows += [f"{IF}2.1|4|uplink", f"{IF}3.1|2|6", f"{IF}7.1|2|1", f"{IF}8.1|2|1", f"{IF}10.1|65|1000",
             f"{IF}16.1|65|2000", f"{IFX}1.1|4|rb0"]
    return rows


def big_switch(n=600):
    rows = system("big-switch")
    for i in range(1, n + 1):
        rows += [f"{IF}2.{i}|4|Port{i}", f"{IF}3.{i}|2|6", f"{IF}5.{i}|66|1000000000", f"{IF}7.{i}|2|1",
                 f"{IF}8.{i}|2|1", f"{IF}10.{i}|65|{i}", f"{IF}16.{i}|65|{i}", f"{IFX}1.{i}|4|Gi1/0/{i}",
                 f"{IFX}6.{i}|70|{i * 1000}", f"{IFX}10.{i}|70|{i * 1000}", f"{IFX}15.{i}|66|1000"]
    return rows


def write(folder, name, rows):
    # snmpsim wants OIDs in order.
    def key(line):
        return [int(x) for x in line.split("|", 1)[0].split(".")]
    with open(os.path.join(folder, name + ".snmprec"), "w") as f:
        f.write("\n".join(sorted(rows, key=key)) + "\n")


def main():
    binary = sys.argv[1]
    if not shutil.which("snmpsimd") or not shutil.which("snmpget"):
        print("SKIP: snmpsim or Net-SNMP's tools are not installed (scripts/install-deps.sh test installs them)")
        return SKIP
    checks = Checks()
    with tempfile.TemporaryDirectory() as work:
        data = os.path.join(work, "agents")
        os.mkdir(data)
        os.chmod(work, 0o755)
        os.chmod(data, 0o755)
        write(data, "lab", lab_switch())
        write(data, "partial", partial_agent())
        write(data, "big", big_switch())
        write(data, "rebooting", rebooting_agent())
        for f in os.listdir(data):
            os.chmod(os.path.join(data, f), 0o644)
        nl = Netledger(binary, work)
        with SnmpSim(data, probe_community="lab") as sim:
            addr = f"127.0.0.1:{sim.port}"
            # Rules: four cycles three seconds apart.
            inv = os.path.join(work, "lab.toml")
            with open(inv, "w") as f:
                f.write(f'[devices.lab]\naddress = "{addr}"\ncommunity = "lab"\ninterval = 3\n\n'
                        f'[devices.rebooting]\naddress = "{addr}"\ncommunity = "rebooting"\ninterval = 3\n')
            db = nl.db("rules.db")
            r = nl.run("poll", "--db", db, "--devices", inv, "--cycles", "4", timeout=120)
            checks.equal(r.returncode, 0, f"four polling cycles ({r.stderr.strip()})")
            # The first cycle reads what the ports are; the next ones only what they counted.
            cycles = [line for line in r.stdout.splitlines() if line.startswith("lab")]
            values = [int(line.split(" values")[0].rsplit(", ", 1)[1]) for line in cycles]
            print("values per cycle:", values)
            checks.check(len(cycles) == 4 and "names and types known" not in cycles[0] and
                         all("names and types known" in line for line in cycles[1:]),
                         "port names and types are read once, then reused")
            checks.check(len(values) == 4 and all(v < values[0] for v in values[1:]),
                         f"later cycles ask the agent for fewer values: {values}")
            rebooted = [line for line in r.stdout.splitlines() if line.startswith("rebooting")]
            checks.check(len(rebooted) == 4 and not any("names and types known" in line for line in rebooted),
                         "an agent that restarted has its ports read again every time")
            checks.check(any(x["rule"] == "DV1" for x in nl.report("health", db) if x["device"] == "rebooting"),
                         "and the restart is a finding (DV1)")
            health = [x for x in nl.report("health", db) if x["device"] == "lab"]
            found = {(x["port"], x["rule"]) for x in health if not x["cleared"]}
            serious = {(x["port"], x["rule"]) for x in health if not x["cleared"] and x["severity"] != "info"}
            print("findings:", sorted(found))
            checks.check(("Fa0/1", "UT1") in found, "the busy port is saturated (UT1)")
            checks.check(("Fa0/2", "ER1") in found, "the port with errors has a high error rate (ER1)")
            checks.check(("Fa0/4", "DX1") in found and ("Fa0/4", "DX2") in found,
                         "half duplex with late collisions is a likely duplex mismatch (DX1, DX2)")
            checks.check(not any(port == "Fa0/3" for port, _ in serious), "the quiet port has no warning")
            checks.check(("Fa0/3", "CT1") in found, "32-bit counters on a 100 Mb/s port are noted (CT1, info)")
            checks.check(not any(rule in ("UT1", "ER1") and port != "Fa0/1" and port != "Fa0/2"
                                 for port, rule in found), "no utilisation or error finding elsewhere")
            ifs = {x["name"]: x for x in nl.report("interfaces", db)}
            busy = ifs["Fa0/1"]
            checks.check(busy["in_bps"] is not None and 0.8e8 <= busy["in_bps"] <= 1.0e8,
                         f"the wrapping 32-bit counter gives the true rate, not a spike ({busy['in_bps']})")
            checks.equal(busy["counter_width"], 32, "port 1 is counted with its 32-bit counters")

            # SNMPv3 authPriv, and a wrong password.
            v3 = nl.db("v3.db")
            ok = nl.run("poll", "--db", v3, "--target", addr, "-v", "3", "-u", V3_USER, "-l", "authPriv", "-a", "SHA",
                        "-A", V3_AUTH, "-x", "AES", "-X", V3_PRIV, "-n", "lab", "--once")
            checks.equal(ok.returncode, 0, f"SNMPv3 authPriv poll ({ok.stdout.strip()} {ok.stderr.strip()})")
            checks.check("4 interfaces" in ok.stdout, f"SNMPv3 reads the tables: {ok.stdout.strip()}")
            bad = nl.run("poll", "--db", v3, "--target", addr, "-v", "3", "-u", V3_USER, "-l", "authPriv", "-a",
                         "SHA", "-A", "not-the-password", "-x", "AES", "-X", V3_PRIV, "-n", "lab", "--once", "-t", "1")
            checks.check(bad.returncode != 0 and "authentication failure" in bad.stdout,
                         f"a wrong SNMPv3 password is an authentication failure: {bad.stdout.strip()}")
            env = dict(os.environ, NETLEDGER_SNMP_AUTH_PASS=V3_AUTH, NETLEDGER_SNMP_PRIV_PASS=V3_PRIV)
            envrun = nl.run("poll", "--db", v3, "--target", addr, "-v", "3", "-u", V3_USER, "-l", "authPriv",
                            "-n", "lab", "--once", env=env)
            checks.equal(envrun.returncode, 0, "SNMPv3 secrets from the environment, not argv")
            with open(v3, "rb") as f:
                blob = f.read()
            checks.check(V3_AUTH.encode() not in blob and V3_PRIV.encode() not in blob,
                         "no secret is stored in the database")

            # Faults in one cycle.
            dead = free_udp_port()
            faults = os.path.join(work, "faults.toml")
            with open(faults, "w") as f:
                f.write(f'[defaults]\naddress = "{addr}"\ntimeout = 1\nretries = 1\n\n'
                        f'[devices.dead]\naddress = "127.0.0.1:{dead}"\ncommunity = "lab"\n\n'
                        f'[devices.wrongcommunity]\ncommunity = "no-such-device"\n\n'
                        f'[devices.partial]\ncommunity = "partial"\n\n'
                        f'[devices.big]\ncommunity = "big"\ntimeout = 10\n\n'
                        f'[devices.lab]\ncommunity = "lab"\n')
            fdb = nl.db("faults.db")
            start = time.time()
            r = nl.run("poll", "--db", fdb, "--devices", faults, "--once", timeout=300)
            took = time.time() - start
            print(r.stdout)
            lines = {line.split(":")[0].split(" (")[0]: line for line in r.stdout.splitlines()}
            checks.check("unreachable: timeout" in lines.get("dead", ""), "the dead address times out")
            checks.check("unreachable: timeout" in lines.get("wrongcommunity", "") and
                         "wrong community" in lines["wrongcommunity"], "a wrong community is reported for that device")
            checks.check("reachable, 2 interfaces" in lines.get("partial", "") and "unexpected" in lines["partial"],
                         f"the partial agent is read as far as it goes: {lines.get('partial')}")
            checks.check("reachable, 600 interfaces" in lines.get("big", ""), "a 600-port table is read whole")
            checks.check("reachable, 4 interfaces" in lines.get("lab", ""), "the healthy device is polled")
            checks.check(r.returncode == 1, "a cycle with unreachable devices exits 1")
            devices = {d["device"]: d for d in nl.report("devices", fdb)}
            checks.check(devices["dead"]["took_ms"] <= 2500, f"the dead device took {devices['dead']['took_ms']} ms "
                         "(1 s timeout, 1 retry)")
            checks.check(devices["lab"]["took_ms"] < 1000, "the healthy device was not held up by the dead one")
            checks.check(took < 60, f"the whole cycle took {took:.1f} s")
            part = [i for i in nl.report("interfaces", fdb) if i["device"] == "partial"]
            checks.equal(sorted(i["name"] or i["descr"] for i in part), ["eth1", "eth2"], "partial: what could be read")
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
