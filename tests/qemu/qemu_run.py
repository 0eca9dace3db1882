#!/usr/bin/env python3
"""Boots the bare-metal guest under qemu-system-riscv64 in one configuration and checks it.

Prepares the devices' backing files, runs QEMU with a timeout while echoing
the guest's UART and handing each line to the devices (which may answer
through QMP and the UART's input), then checks the exit status, the PASS
line, every device's lines and, after exit, the backing files. Exit status:
0 pass, 1 fail, 77 skipped (no QEMU or no image; a failure when
VIO_REQUIRE_QEMU=1).
"""

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
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


class Session:
    """What a device's on_line hook may do while the guest runs: QMP commands and UART input."""

    QMP_TIMEOUT = 10

    def __init__(self, qmp_path):
        self.qmp_path = qmp_path
        self.proc = None
        self.errors = []
        self._qmp = None

    def send_input(self, data):
        """Bytes for the guest's UART receiver (QEMU's stdin is the serial port with -nographic)."""
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def qmp(self, command, arguments=None):
        """Runs one QMP command and returns its "return" value; raises OSError or ValueError."""
        if self._qmp is None:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(self.QMP_TIMEOUT)
            sock.connect(str(self.qmp_path))
            self._qmp = sock.makefile("rw", encoding="utf-8")
            self._reply()  # the greeting
            self.qmp("qmp_capabilities")
        msg = {"execute": command}
        if arguments:
            msg["arguments"] = arguments
        self._qmp.write(json.dumps(msg) + "\n")
        self._qmp.flush()
        reply = self._reply()
        if "error" in reply:
            raise ValueError(f"{command}: {reply['error']}")
        return reply.get("return")

    def _reply(self):
        """The next message that is not an asynchronous event."""
        while True:
            line = self._qmp.readline()
            if not line:
                raise OSError("QMP connection closed")
            msg = json.loads(line)
            if "event" not in msg:
                return msg

    def close(self):
        if self._qmp is not None:
            self._qmp.close()


def run_qemu(cmd, timeout, interactive, devices, session):
    """Runs QEMU, echoing and collecting its output and passing each line to the devices' hooks.

    Returns (status or None on timeout, lines). QEMU's stdin is a pipe when a
    device answers the guest through the UART, the terminal when interactive,
    else nothing.
    """
    hooks = [d.on_line for d in devices if hasattr(d, "on_line")]
    stdin = subprocess.PIPE if hooks else None if interactive else subprocess.DEVNULL
    if hooks and interactive:
        print("qemu_run: note: the runner answers the guest on QEMU's stdin, so the terminal "
              "is not connected to the UART", flush=True)
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=stdin)
    session.proc = proc
    lines = []

    def pump():
        for raw in proc.stdout:
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            lines.append(line)
            print(line, flush=True)
            for hook in hooks:
                try:
                    hook(line.replace("\r", ""), session)
                except Exception as e:  # the pump must go on reading, or QEMU blocks
                    session.errors.append(f"a device hook failed on '{line}': {e!r}")

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    try:
        status = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        status = None
    reader.join(5)
    if proc.stdin is not None:
        proc.stdin.close()
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
    ap.add_argument("--list-disabled", action="store_true",
                    help="print the names of the configurations CTest does not run")
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
    if args.list_disabled:
        print("\n".join(name for name, make in CONFIGS.items() if make().disabled))
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
    if config.disabled:
        print(f"qemu_run: note: {args.config} is disabled in CTest: {config.disabled}")
    workdir = Path(args.workdir)
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    guest_errors = workdir / "qemu-guest-errors.log"
    cmd = [qemu, "-machine", "virt", "-bios", "none", "-kernel", args.image, "-nographic",
           "-d", "guest_errors,unimp", "-D", str(guest_errors),
           *config.transport.global_args, *config.extra_args]
    # a short path of its own: a unix socket path must fit in 108 bytes
    qmp_dir = Path(tempfile.mkdtemp(prefix="vio-qmp-"))
    session = Session(qmp_dir / "qmp.sock")
    if any(getattr(d, "uses_qmp", False) for d in config.devices):
        cmd += ["-qmp", f"unix:{session.qmp_path},server=on,wait=off"]
    for i, dev in enumerate(config.devices):
        dev.prepare(workdir, i, config.transport)
        cmd += dev.qemu_args(config.transport)
    print("qemu_run:", " ".join(cmd), flush=True)

    start = time.monotonic()
    try:
        status, lines = run_qemu(cmd, config.timeout, args.interactive, config.devices, session)
    finally:
        session.close()
        shutil.rmtree(qmp_dir, ignore_errors=True)
    elapsed = time.monotonic() - start
    errs = check(config, status, lines) + session.errors + check_guest_errors(config, guest_errors)

    bench = {d.who: d.bench for d in config.devices if getattr(d, "bench", None)}
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
