"""One sweep at a time per output folder, atomic result files, and stopping a sweep's processes.

The lock is an advisory `flock` on `<out>/.sweep.lock`, which also holds the holder's pid, host, start time and
command (for the message a second sweep gets). The kernel drops a `flock` when its process dies, so a lock left
by a killed sweep is taken over by the next one; on a file system without `flock` the recorded pid decides.
"""
from __future__ import annotations

import errno
import json
import os
import socket
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from .grid import SweepBusy, SweepSetupError

LOCK_NAME = ".sweep.lock"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:   # a zombie is dead for our purposes
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            return handle.read().rsplit(")", 1)[-1].split()[0] != "Z"
    except OSError:
        return True


class OutLock:
    """`with OutLock(folder):` — raises SweepBusy when another live sweep holds the folder."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.path = self.folder / LOCK_NAME
        self.fd: int | None = None

    def _holder(self, fd: int) -> dict:
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            text = os.read(fd, 65536).decode("utf-8", "replace")
            return json.loads(text) if text.strip() else {}
        except (OSError, ValueError):
            return {}

    def _busy(self, holder: dict) -> SweepBusy:
        who = (f"pid {holder.get('pid', '?')} on {holder.get('host', '?')}, started {holder.get('started', '?')}"
               + (f": {holder['command']}" if holder.get("command") else ""))
        return SweepBusy(f"another sweep is already writing into {self.folder} ({who}). Wait for it to finish, or "
                         f"give this sweep another --out. Nothing was run or written.")

    def acquire(self) -> "OutLock":
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as error:
            raise SweepSetupError(f"cannot write into the output folder {self.folder} ({error.strerror or error}); "
                                  "choose a writable --out. Nothing was run or written.") from None
        try:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = self._holder(fd)
            os.close(fd)
            raise self._busy(holder) from None
        except (OSError, ImportError) as error:   # no flock here (some network file systems): the pid decides
            if isinstance(error, OSError) and error.errno not in (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS):
                os.close(fd)
                raise
            holder = self._holder(fd)
            if holder.get("pid") and (holder.get("host") != socket.gethostname() or _pid_alive(int(holder["pid"]))):
                os.close(fd)
                raise self._busy(holder) from None
        info = {"pid": os.getpid(), "host": socket.gethostname(),
                "started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "command": " ".join(sys.argv)[:300]}
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, json.dumps(info).encode())
        self.fd = fd
        return self

    def release(self) -> None:
        if self.fd is None:
            return
        try:
            os.ftruncate(self.fd, 0)          # no holder recorded: the file alone locks nothing
        except OSError:
            pass
        os.close(self.fd)                     # closing drops the flock
        self.fd = None

    def __enter__(self) -> "OutLock":
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write `path` through a temporary file in the same folder and a rename: readers never see half a file."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{time.monotonic_ns()}.tmp")
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
