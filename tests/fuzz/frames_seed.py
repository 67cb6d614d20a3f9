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
MAGICS = {b"\xd4\xc3\xb2\xa1": ("<", 1), b"\xa1\xb2\xc3\xd4": (">", 1),
          b"\x4d\x3c\xb2\xa1": ("<", 1000), b"\xa1\xb2\x3c\x4d": (">", 1000)}


def frames_input(data: bytes, max_frames: int):
    order, _ = MAGICS.get(data[:4], (None, None))
    if order is None or len(data) < 24:
        return None
    link = struct.unpack(order + "I", data[20:24])[0] & 0x0FFFFFFF
    if link not in LINK_TYPES:
        return None
    out = bytearray([LINK_TYPES.index(link)])
    at, last, n = 24, None, 0
    while at + 16 <= len(data) and n < max_frames:
        sec, _, caplen, _ = struct.unpack(order + "IIII", data[at:at + 16])
        frame = data[at + 16:at + 16 + caplen][:0xFFFF]
        at += 16 + caplen
        step = 0 if last is None else max(0, min(255, sec - last))
        last = sec
        out += bytes([step]) + struct.pack(">H", len(frame)) + frame
        n += 1
    return bytes(out)


def main() -> int:
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    made = 0
    for name in sys.argv[2:]:
        seed = frames_input(Path(name).read_bytes(), 64)
        if seed is not None:
            (out / (Path(name).stem + ".frames")).write_bytes(seed)
            made += 1
    print(f"{made} inputs made in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
