"""Which generations some process is reading: each reader holds a shared
flock on the generation's readers lock file (store.GenerationFiles.READERS)
for as long as it has the generation open, and prune deletes a generation
only when it can take that lock exclusively. The kernel drops a dead
process's locks, so a crashed worker never pins a generation for good.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def unused(lock_file: Path) -> Iterator[bool]:
    """True, holding ``lock_file`` exclusively for the block, when no process
    reads its generation (or it has none: built before there was one)."""
    try:
        fd = os.open(lock_file, os.O_RDONLY)
    except FileNotFoundError:
        yield True
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)


def hold_for_reading(lock_file: Path, manifest: Path) -> int | None:
    """Mark the generation as in use by this process until the returned
    descriptor is closed (None: it has no lock file, built before there was
    one). Raises FileNotFoundError when prune is removing it right now."""
    try:
        fd = os.open(lock_file, os.O_RDONLY)
    except FileNotFoundError:
        if not manifest.exists():
            raise
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise FileNotFoundError(f"{lock_file.parent} is being removed") from None
    return fd
