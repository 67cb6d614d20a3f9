#!/usr/bin/env python3
"""expected_names.py CAPTURE: the names and MACs a capture carries, read by tshark (an
independent dissector), as JSON on stdout:
  names: {address: [name, ...]} from DNS answers (A/AAAA, named by the question),
         TLS SNI and HTTP Host (naming the server the client sent them to);
  macs:  {address: mac} from ARP senders."""
import collections
import ipaddress
import json
import subprocess
import sys


def fields(capture, display_filter, names):
    cmd = ["tshark", "-r", capture, "-d", "tcp.port==8443,tls", "-Y", display_filter, "-T", "fields",
           "-E", "separator=\t", "-E", "occurrence=a", "-E", "aggregator=,"]
    for n in names:
        cmd += ["-e", n]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        cols = line.split("\t")
        yield cols + [""] * (len(names) - len(cols))


def norm(addr):
    return str(ipaddress.ip_address(addr))


def main():
    capture = sys.argv[1]
    names = collections.defaultdict(set)
    for qname, a, aaaa, rcode in fields(capture, "dns.flags.response == 1",
                                        ["dns.qry.name", "dns.a", "dns.aaaa", "dns.flags.rcode"]):
        if rcode not in ("", "0"):
            continue
        for addr in filter(None, (a + "," + aaaa).split(",")):
            names[norm(addr)].add(qname.lower())
    for sni, dst, dst6 in fields(capture, "tls.handshake.extensions_server_name",
                                 ["tls.handshake.extensions_server_name", "ip.dst", "ipv6.dst"]):
        names[norm(dst or dst6)].add(sni.lower())
    for host, dst, dst6 in fields(capture, "http.host", ["http.host", "ip.dst", "ipv6.dst"]):
        name = host.split(":")[0].lower() if not host.startswith("[") else ""
        try:
            ipaddress.ip_address(name)
            continue  # an address is not a name
        except ValueError:
            pass
        if name:
            names[norm(dst or dst6)].add(name)
    macs = {}
    for mac, ip in fields(capture, "arp", ["arp.src.hw_mac", "arp.src.proto_ipv4"]):
        if ip and ip != "0.0.0.0":
            macs[norm(ip)] = mac.lower()
    print(json.dumps({"names": {a: sorted(n) for a, n in sorted(names.items())}, "macs": dict(sorted(macs.items()))},
                     indent=1))


if __name__ == "__main__":
    main()
