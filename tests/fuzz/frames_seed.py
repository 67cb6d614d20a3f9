#!/usr/bin/env python3
"""Makes fuzz_frames inputs from pcap files: the frames of each file, in fuzz_frames'
format (the link type's index, then [seconds since the last frame, length, frame]).
    tests/fuzz/frames_seed.py OUT_DIR FILE.pcap...
Files of a link type fuzz_frames does not take, and pcapng files, are passed over."""
import struct
import sys
from pathlib import Path

# DLT_ values in the order of kLinkTypes in fuzz_frames.cpp.
LINK_TYPES = [1, 113, 276, 0, 108, 101, 228, 229, 9, 51, 239, 12]
ORDERS = {b"\xd4\xc3\xb2\xa1": "<", b"\xa1\xb2\xc3\xd4": ">", b"\x4d\x3c\xb2\xa1": "<", b"\xa1\xb2\x3c\x4d": ">"}


def pcap_frames(data: bytes):
    """The link type of a pcap file and its frames as (seconds, bytes); None when not a pcap."""
    order = ORDERS.get(data[:4])
    if order is None or len(data) < 24:
        return None
    link = struct.unpack(order + "I", data[20:24])[0] & 0x0FFFFFFF

    def frames():
        at = 24
        while at + 16 <= len(data):
            sec, _, caplen, _ = struct.unpack(order + "IIII", data[at:at + 16])
            yield sec, data[at + 16:at + 16 + caplen]
            at += 16 + caplen
    return link, frames()


def seed_main(doc: str, inputs) -> int:
    """The command line of the seed scripts: OUT_DIR FILE...; `inputs(path, bytes)` gives
    (file name, bytes) of the inputs made from one file."""
    if len(sys.argv) < 3:
        print(doc, file=sys.stderr)
        return 2
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    made = 0
    for name in sys.argv[2:]:
        for file_name, seed in inputs(Path(name), Path(name).read_bytes()):
            (out / file_name).write_bytes(seed)
            made += 1
    print(f"{made} inputs made in {out}")
    return 0


def frames_input(data: bytes, max_frames: int):
    pcap = pcap_frames(data)
    if pcap is None or pcap[0] not in LINK_TYPES:
        return None
    link, frames = pcap
    out = bytearray([LINK_TYPES.index(link)])
    last = None
    for n, (sec, frame) in enumerate(frames):
        if n == max_frames:
            break
        frame = frame[:0xFFFF]
        step = 0 if last is None else max(0, min(255, sec - last))
        last = sec
        out += bytes([step]) + struct.pack(">H", len(frame)) + frame
    return bytes(out)


def inputs(path: Path, data: bytes):
    seed = frames_input(data, 64)
    return [] if seed is None else [(path.stem + ".frames", seed)]


if __name__ == "__main__":
    sys.exit(seed_main(__doc__, inputs))
