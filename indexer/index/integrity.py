"""Is a generation on disk still what its writer published?

The writer records the size and sha256 of every file of a generation in its
manifest (``checksums``), last, before publishing. A reader checks them
before it switches to a generation, and ``check`` reports any file that
differs: a damaged ``docmap.npy`` or Whoosh segment is then refused with a
reason instead of failing every search (or the boot of every new worker).

Hashing a whole generation at each reindex would cost its size each time;
files carried over from the previous generation by hard link are the same
file (same inode), so their recorded sum is carried over with them, and a
process remembers which files (inode, size, mtime) it has already verified.
"""

from __future__ import annotations

import hashlib
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from indexer.index.layout import GenerationFiles

CHECKSUMS = "checksums"  # manifest key: relative path -> [size, sha256]
# Files of a generation folder that are not the generation's content.
_NOT_CONTENT = (GenerationFiles.MANIFEST, GenerationFiles.READERS, GenerationFiles.WHOOSH_LOCK)

Verified = set[tuple[int, int, int, str]]  # (inode, size, mtime_ns, sha256) checked here


def file_sha256(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def content_files(folder: Path) -> list[str]:
    """Every file of the generation in ``folder`` a checksum covers, sorted."""
    names = []
    for root, _dirs, files in os.walk(folder):
        for name in files:
            rel = Path(root, name).relative_to(folder).as_posix()
            if rel not in _NOT_CONTENT:
                names.append(rel)
    return sorted(names)


def checksums(folder: Path, previous: Path | None, recorded: dict | None) -> dict:
    """Size and sha256 of every content file in ``folder``; a file that is a
    hard link to the same file of ``previous`` (whose manifest recorded
    ``recorded``) keeps the recorded sum without being read again."""
    recorded = recorded or {}
    sums = {}
    for rel in content_files(folder):
        path = folder / rel
        old = recorded.get(rel)
        if old and previous is not None and _same_file(path, previous / rel):
            sums[rel] = old
        else:
            sums[rel] = [path.stat().st_size, file_sha256(path)]
    return sums


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def damage(folder: Path, manifest: dict, verified: Verified | None = None) -> list[str]:
    """How the generation in ``folder`` differs from what its manifest
    recorded: one line per missing, changed or unexpected file; [] when
    whole. A generation written before checksums were recorded has none to
    compare. ``verified`` remembers files already found whole.

    The files are hashed on every core at once (hashlib lets go of the GIL
    while it reads and hashes): opening a 100,000-article index hashes its
    1.7 GB, most of a new process's time to its first result."""
    recorded: dict = manifest.get(CHECKSUMS) or {}
    if not recorded:
        return []
    problems, to_hash = [], []
    for rel, (size, digest) in sorted(recorded.items()):
        try:
            st = (folder / rel).stat()
        except OSError:
            problems.append(f"{rel} is missing")
            continue
        key = (st.st_ino, st.st_size, st.st_mtime_ns, digest)
        if verified is not None and key in verified:
            continue
        if st.st_size != size:
            problems.append(f"{rel} changed since it was written")
        else:
            to_hash.append((rel, key))
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        digests = pool.map(file_sha256, [folder / rel for rel, _ in to_hash])
        for (rel, key), found in zip(to_hash, digests, strict=True):
            if found != key[3]:
                problems.append(f"{rel} changed since it was written")
            elif verified is not None:
                verified.add(key)
    return sorted(problems)
