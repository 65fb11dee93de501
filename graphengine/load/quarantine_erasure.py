"""Erasure in the quarantine side files: a customer's rejected rows leave every quarantine file of the loads.

:func:`erase_quarantined` scans the ``*.jsonl`` files of a quarantine folder (``<out_dir>/quarantine``, see
:mod:`graphengine.load.quarantine`) and drops every record whose row names the customer (``customerId``, or a
referral's ``referrerId``/``referredId``). A file that loses rows is rewritten atomically: the kept lines, byte for
byte, go to a temporary file next to it (same mode), which is synced and renamed over the original, so a crash
leaves either the old or the new file, never half of one. The rewrite holds an exclusive lock on the file; a load
still appending to it holds a shared one, and after ``wait_s`` seconds the erasure gives up with
:class:`~graphengine.errors.Conflict` naming the busy files (nothing of theirs is changed; erase again when the load
has finished). Lines that are not records (broken JSON) are kept as they are.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from graphengine.errors import Conflict
from graphengine.load.quarantine import names_customer, parse_record, quarantine_files, write_error

LOCK_POLL_S = 0.05


@dataclass
class QuarantineErasure:
    """What an erasure did in one quarantine folder."""

    folder: str
    scanned: int = 0
    rewritten: dict[str, int] = field(default_factory=dict)  # file → rows removed

    @property
    def rows_removed(self) -> int:
        return sum(self.rewritten.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "folder": self.folder,
            "filesScanned": self.scanned,
            "filesRewritten": [{"path": p, "rowsRemoved": n} for p, n in sorted(self.rewritten.items())],
            "rowsRemoved": self.rows_removed,
        }


def erase_quarantined(folder: Path, customer_id: str, *, wait_s: float = 10.0) -> QuarantineErasure:
    """Remove ``customer_id``'s rows from every quarantine file in ``folder``. Raises Conflict when a file stays
    locked by a running load for ``wait_s`` seconds, ConfigError when a file cannot be read or written."""
    result = QuarantineErasure(str(folder))
    busy = []
    for path in quarantine_files(folder):
        result.scanned += 1
        try:
            removed = _erase_in_file(path, customer_id, wait_s)
        except BlockingIOError:
            busy.append(str(path))
            continue
        except FileNotFoundError:  # removed meanwhile: nothing of the customer's left in it
            continue
        except OSError as exc:
            raise write_error(path, exc) from None
        if removed:
            result.rewritten[str(path)] = removed
    if busy:
        raise Conflict(
            f"a load is still writing {len(busy)} quarantine file(s); erase again when it has finished",
            details={"busyFiles": busy, **result.to_dict()},
        )
    return result


def _erase_in_file(path: Path, customer_id: str, wait_s: float) -> int:
    with _locked(path, wait_s) as handle:
        kept: list[bytes] = []
        removed = 0
        for raw in handle:
            record = parse_record(raw.decode("utf-8", errors="replace"))
            if record is not None and names_customer(record, customer_id):
                removed += 1
            else:
                kept.append(raw)
        if removed:
            _replace(path, kept)
        return removed


@contextlib.contextmanager
def _locked(path: Path, wait_s: float) -> Iterator[IO[bytes]]:
    """``path`` open for reading under an exclusive lock (the file at ``path`` once the lock is held); raises
    BlockingIOError when it stays locked for ``wait_s`` seconds."""
    deadline = time.monotonic() + wait_s
    while True:
        handle = path.open("rb")
        try:
            while True:
                try:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise
                    time.sleep(LOCK_POLL_S)
            if os.fstat(handle.fileno()).st_ino == path.stat().st_ino:
                yield handle
                return
        finally:
            handle.close()  # closing releases the lock


def _replace(path: Path, lines: list[bytes]) -> None:
    mode = path.stat().st_mode & 0o7777
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".erasing", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.writelines(lines)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):  # the rename itself is durable once the folder is synced
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


__all__ = ["QuarantineErasure", "erase_quarantined"]
