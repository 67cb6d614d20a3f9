#!/usr/bin/env python3
"""Real devices: snmpsim serves the LibreNMS recordings in ../shared/snmp on 127.0.0.1;
netledger polls every device once (one inventory file, community = recording) and
each interface is compared with ../shared/snmp/expected: ifIndex, name, descr, alias,
type, speed, MTU, MAC, admin/oper status, duplex and the octet counters. Prints how
many devices match exactly and every difference; fails if a device is unreachable or
fewer than 98% of the compared values agree.

Usage: snmp_devices.py NETLEDGER_BINARY [SHARED_SNMP_DIR]"""
import json
import os
import sys
import tempfile

from common import SKIP, Netledger
from snmpsim import SnmpSim

FIELDS = [("ifName", "name"), ("ifDescr", "descr"), ("ifAlias", "alias"), ("ifType", "type"),
          ("ifSpeed", "speed_bps"), ("ifMtu", "mtu"), ("ifPhysAddress", "mac"), ("ifAdminStatus", "admin_status"),
          ("ifOperStatus", "oper_status"), ("ifDuplex", "duplex"), ("ifInOctets", "in_octets"),
          ("ifOutOctets", "out_octets")]
DUPLEX = {"fullDuplex": "full", "halfDuplex": "half", "unknown": "unknown"}


def expected_value(field, v):
    if field == "ifDuplex" and v is not None:
        return DUPLEX.get(v, v)
    if field == "ifPhysAddress" and v == "":
        return None
    return v


def librenms_would_say(field, have, row):
    """What LibreNMS stores for a value netledger reports as polled. LibreNMS normalises:
    an absent ifName or ifAlias is filled from ifDescr/ifName, backslashes are stripped
    from aliases and spaces trimmed, NUL bytes shown as dots, an absent counter is stored as 0, and an ifSpeed of 4294967295 with no
    ifHighSpeed is kept (netledger reports that speed as unknown, per SNMP-RULES)."""
    if row is None:
        return [have]
    out = [have]
    if field in ("ifName", "ifAlias") and have is None:
        out += [row.get("descr"), row.get("name")]
    if field == "ifAlias" and isinstance(have, str):
        out += [have.replace("\\", ""), have.strip()]  # backslashes dropped, spaces trimmed
    if field == "ifAlias" and have is None:
        out += ["..", "."]  # NUL bytes shown as dots
    if field in ("ifInOctets", "ifOutOctets") and have is None:
        out.append(0)
    if field == "ifSpeed" and have is None:
        out.append(4294967295)
    return out


def main():
    binary = sys.argv[1]
    shared = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__), "../../../shared/snmp")
    recordings = os.path.join(shared, "recordings")
    if not os.path.isdir(recordings):
        print(f"SKIP: {shared} is not beside the checkout; real device recordings not polled")
        return SKIP
    devices = sorted(f[:-8] for f in os.listdir(recordings) if f.endswith(".snmprec"))
    with tempfile.TemporaryDirectory() as work, SnmpSim(recordings) as sim:
        inventory = os.path.join(work, "devices.toml")
        with open(inventory, "w") as f:
            f.write(f'[defaults]\naddress = "127.0.0.1:{sim.port}"\ntimeout = 5\nretries = 2\n\n')
            for d in devices:
                f.write(f'[devices."{d}"]\ncommunity = "{d}"\n\n')
        nl = Netledger(binary, work)
        db = nl.db("snmp.db")
        r = nl.run("poll", "--db", db, "--devices", inventory, "--once", timeout=600)
        print(r.stdout.strip())
        unreachable = [line for line in r.stdout.splitlines() if ": unreachable" in line]
        got = {}
        for row in nl.report("interfaces", db):
            got[(row["device"], row["if_index"])] = row
    matched_devices = normalised_devices = 0
    compared = agreed = normalised = 0
    diffs = []
    remaining = []
    with_expected = 0
    for d in devices:
        path = os.path.join(shared, "expected", d + ".json")
        if not os.path.exists(path):
            continue
        with_expected += 1
        ports = json.load(open(path))["ports"]
        device_ok = normalised_ok = True
        for p in ports:
            row = got.get((d, p["ifIndex"]))
            for field, key in FIELDS:
                want = expected_value(field, p.get(field))
                if want is None:
                    continue  # LibreNMS did not poll or store it
                compared += 1
                have = row.get(key) if row else "(no such interface)"
                if have == want:
                    agreed += 1
                    normalised += 1
                    continue
                device_ok = False
                diffs.append(f"{d} ifIndex {p['ifIndex']} {field}: expected {want!r}, netledger {have!r}")
                if want in librenms_would_say(field, have, row):
                    normalised += 1
                else:
                    normalised_ok = False
                    remaining.append(diffs[-1])
        matched_devices += device_ok
        normalised_devices += normalised_ok
    for line in diffs:
        print("DIFF " + line)
    for line in remaining:
        print("UNEXPLAINED " + line)
    share = normalised / compared if compared else 0
    print(f"devices matching exactly: {matched_devices}/{with_expected} as polled, {normalised_devices}/{with_expected} "
          f"after LibreNMS's normalisations; values agreeing: {agreed}/{compared} as polled, {normalised}/{compared} "
          f"({share:.2%}) normalised; unreachable: {len(unreachable)}")
    return 0 if not unreachable and not remaining else 1


if __name__ == "__main__":
    sys.exit(main())
