#!/usr/bin/env python3
"""Runs viosim's default job and checks the files it leaves, with readers that share no code
with it: the PNG is decoded here and compared with the pattern viosim draws, and the pcap is
read by tshark (when installed) and must hold the frames viosim says it captured."""
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path


def decode_png(path):
    """Width, height and rows of RGB bytes of an 8-bit, non-interlaced RGB PNG."""
    data = path.read_bytes()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, ihdr = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    w, h, depth, ctype, _, _, interlace = ihdr
    if (depth, ctype, interlace) != (8, 2, 0):
        raise ValueError(f"unexpected PNG format depth={depth} type={ctype}")
    raw, bpp, stride = zlib.decompress(idat), 3, w * 3
    rows, prev = [], bytearray(stride)
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, rows


def pattern_rgb(x, y, w, h):
    """sim/cli/viosim_gpu.c's test pattern as R, G, B."""
    red = 0xFF if ((x // 32 + y // 32) & 1) else 0
    return red, y * 255 // (h - 1), x * 255 // (w - 1)


def main():
    viosim = sys.argv[1]
    out = Path(tempfile.mkdtemp(prefix="viosim-out-"))
    try:
        run = subprocess.run([viosim, "--out", str(out)], capture_output=True, text=True,
                             timeout=300)
        if run.returncode != 0:
            print(run.stdout[-4000:], run.stderr[-2000:])
            print(f"FAIL: viosim exited {run.returncode}")
            return 1
        failures = []
        w, h, rows = decode_png(out / "scanout.png")
        bad = sum(1 for y in range(h) for x in range(w)
                  if tuple(rows[y][3 * x:3 * x + 3]) != pattern_rgb(x, y, w, h))
        if bad:
            failures.append(f"scanout.png: {bad} of {w * h} pixels differ from the pattern")
        m = re.search(r"net\.pcap holds (\d+) frames", run.stdout)
        want = int(m.group(1)) if m else None
        if want is None:
            failures.append("viosim did not report the capture")
        elif shutil.which("tshark"):
            t = subprocess.run(["tshark", "-r", str(out / "net.pcap")], capture_output=True,
                               text=True, timeout=60)
            got = len([l for l in t.stdout.splitlines() if l.strip()])
            if t.returncode != 0 or got != want:
                failures.append(f"tshark read {got} frames (exit {t.returncode}), want {want}")
        else:
            print("note: tshark is not installed; the pcap was checked by viosim only")
        for f in failures:
            print("FAIL:", f)
        if not failures:
            print(f"viosim outputs: scanout.png {w}x{h} matches the pattern; net.pcap {want} frames")
        return 1 if failures else 0
    finally:
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
