#!/usr/bin/env python3
"""Boots the bare-metal guest under qemu-system-riscv64 in one configuration and checks it.

Prepares the devices' backing files, runs QEMU with a timeout while echoing
the guest's UART, then checks the exit status, the PASS line, every device's
lines and, after exit, the backing files. Exit status: 0 pass, 1 fail,
77 skipped (no QEMU or no image; a failure when VIO_REQUIRE_QEMU=1).
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.dont_write_bytecode = True  # keep the source tree clean
from qemu_configs import CONFIGS  # noqa: E402

SKIP = 77


def skip_or_fail(reason):
    if os.environ.get("VIO_REQUIRE_QEMU") == "1":
        print(f"qemu_run: FAIL: {reason} (VIO_REQUIRE_QEMU=1)")
        return 1
    print(f"qemu_run: SKIP: {reason}; set VIO_REQUIRE_QEMU=1 to make this a failure")
    return SKIP


def run_qemu(cmd, timeout, interactive):
    """Runs QEMU, echoing and collecting its output; returns (status or None on timeout, lines)."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            stdin=None if interactive else subprocess.DEVNULL)
    lines = []

    def pump():
        for raw in proc.stdout:
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            lines.append(line)
            print(line, flush=True)

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    try:
        status = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        status = None
    reader.join(5)
    return status, [l.replace("\r", "") for l in lines]


def check_guest_errors(config, log):
    """QEMU's log of register misuse it tolerated: each is a driver error unless known benign."""
    errs, tolerated = [], {}
    text = log.read_text(errors="replace") if log.exists() else ""
    for line in filter(None, (l.strip() for l in text.splitlines())):
        if any(t in line for t in config.transport.tolerated_guest_errors):
            tolerated[line] = tolerated.get(line, 0) + 1
        else:
            errs.append(f"QEMU logged a guest error: {line}")
    for line, n in tolerated.items():
        print(f"qemu_run: note: QEMU logged {n}x (tolerated on {config.transport.name}): {line}")
    return errs


def check(config, status, lines):
    errs = []
    if status is None:
        errs.append(f"QEMU did not exit within {config.timeout} s")
    elif status != 0:
        errs.append(f"QEMU exited with status {status} (the guest's failure count, or 255 on a trap)")
    if "PASS" not in lines:
        errs.append("the guest printed no PASS line")
    errs += [f"guest: {l}" for l in lines if l.endswith(" FAIL") or l.startswith("FAIL")]
    errs += config.transport.check(lines, config.devices)
    for dev in config.devices:
        errs += dev.check_output(lines, config.transport)
        errs += dev.check_after()
    return errs


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("config", nargs="?", help="configuration name (see --list)")
    ap.add_argument("--list", action="store_true", help="print the configuration names")
    ap.add_argument("--image", help="the guest ELF (vio-guest-riscv64.elf)")
    ap.add_argument("--require-image", action="store_true",
                    help="a missing image is a failure (the build was meant to make it)")
    ap.add_argument("--workdir", help="where backing files and results go")
    ap.add_argument("--qemu", default=os.environ.get("VIO_QEMU", "qemu-system-riscv64"))
    ap.add_argument("--interactive", action="store_true",
                    help="leave the terminal as QEMU's stdin (Ctrl-A x quits)")
    args = ap.parse_args()

    if args.list:
        print("\n".join(CONFIGS))
        return 0
    if args.config not in CONFIGS or not args.image or not args.workdir:
        ap.error(f"need --image, --workdir and one of: {', '.join(CONFIGS)}")

    qemu = shutil.which(args.qemu)
    if qemu is None:
        return skip_or_fail(f"{args.qemu} not found (apt-get install qemu-system-misc)")
    if not Path(args.image).is_file():
        if args.require_image:
            print(f"qemu_run: FAIL: guest image {args.image} missing: build target vio_qemu_image")
            return 1
        return skip_or_fail(f"guest image {args.image} missing (clang and ld.lld build it)")

    config = CONFIGS[args.config]()
    workdir = Path(args.workdir)
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    guest_errors = workdir / "qemu-guest-errors.log"
    cmd = [qemu, "-machine", "virt", "-bios", "none", "-kernel", args.image, "-nographic",
           "-d", "guest_errors,unimp", "-D", str(guest_errors),
           *config.transport.global_args, *config.extra_args]
    for i, dev in enumerate(config.devices):
        dev.prepare(workdir, i)
        cmd += dev.qemu_args(config.transport)
    print("qemu_run:", " ".join(cmd), flush=True)

    start = time.monotonic()
    status, lines = run_qemu(cmd, config.timeout, args.interactive)
    elapsed = time.monotonic() - start
    errs = check(config, status, lines) + check_guest_errors(config, guest_errors)

    bench = {d.serial: d.bench for d in config.devices if getattr(d, "bench", None)}
    for who, results in bench.items():
        for b in results:
            print(f"qemu_run: bench {args.config} {who} qd={b['qd']}: {b['req_per_s']} req/s, "
                  f"{b['ns_per_req']} ns/req")
    (workdir / "results.json").write_text(json.dumps(
        {"config": args.config, "passed": not errs, "seconds": round(elapsed, 3),
         "errors": errs, "bench": bench}, indent=2) + "\n")
    if errs:
        print(f"qemu_run: {args.config} FAILED ({len(errs)} problems, files kept in {workdir}):")
        for e in errs:
            print("  " + e)
        return 1
    for dev in config.devices:
        if getattr(dev, "image", None) is not None:
            dev.image.unlink()
    print(f"qemu_run: {args.config} passed in {elapsed:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
