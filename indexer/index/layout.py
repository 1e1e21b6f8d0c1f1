"""Every file of one generation folder, named in one place.

The writer (writer.py and the modules it calls), readers (reader.py),
integrity checks and linking from one generation to the next all ask
:class:`GenerationFiles` for a file's name and whether it may be shared;
store.py lays out the index folder around the generations.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from indexer.vocab.table import SEGMENT_TERMS, VOCAB_FILE


@dataclass(frozen=True)
class GenerationFiles:
    """Every file of one generation folder, named here and nowhere else
    (the vocabulary's two names are vocab/table.py's, the lower room that
    reads and writes them).

    A file is one of two kinds. *Shared* files are written once under a
    name of their own and never again: Whoosh's segment files and table of
    contents (Whoosh writes a new one under the next number), the character
    index segments (chars/), and the per-segment caches. The next generation
    carries them over by hard link. Every other file is *rewritten* by each
    generation; a link to it would let the new generation's write change
    the previous one under its readers. So linking is decided by
    :meth:`shared`, which says yes only to the shared kinds: an array added
    later is written anew until it is named here as shared.
    """

    folder: Path

    MANIFEST: ClassVar[str] = "manifest.json"  # written last: makes the generation whole
    FILES: ClassVar[str] = "files.json"  # per corpus file: stat, sha256, ids, cids
    DOCMAP: ClassVar[str] = "docmap.npy"  # cid -> Whoosh document number
    DEAD: ClassVar[str] = "dead.npy"  # cids of deleted or replaced articles
    FIELD_LENGTHS: ClassVar[str] = "field_lengths.npy"  # per document, for BM25F
    DATES: ClassVar[str] = "dates.npy"  # per document, YYYYMMDD
    COLUMNS: ClassVar[str] = "columns.npy"  # per document, a number into COLUMN_NAMES
    COLUMN_NAMES: ClassVar[str] = "column_names.npy"
    PLACES: ClassVar[str] = "places.npy"  # per document, bit mask of counties
    VOCABULARY: ClassVar[str] = VOCAB_FILE  # words and pinyin (vocab/)
    READERS: ClassVar[str] = "readers.lock"  # flocked by its readers (inuse.py)
    REWRITTEN: ClassVar[tuple[str, ...]] = (
        MANIFEST,
        FILES,
        DOCMAP,
        DEAD,
        FIELD_LENGTHS,
        DATES,
        COLUMNS,
        COLUMN_NAMES,
        PLACES,
        VOCABULARY,
        READERS,
    )

    CHARS: ClassVar[str] = "chars"  # character index segments (chars.py names them)
    SEGMENT_ARRAYS: ClassVar[str] = "seg-{}.npz"  # per Whoosh segment: docarrays.py's arrays
    SEGMENT_TERMS: ClassVar[str] = SEGMENT_TERMS  # per Whoosh segment: its term counts
    WORD_POSTINGS: ClassVar[str] = "words-{}.npy"  # per Whoosh segment: wordarrays.py's
    WORD_TABLE: ClassVar[str] = "words-{}.json"  # and where each word's postings are
    PER_SEGMENT: ClassVar[tuple[str, ...]] = (
        SEGMENT_ARRAYS,
        SEGMENT_TERMS,
        WORD_POSTINGS,
        WORD_TABLE,
    )
    WHOOSH_LOCK: ClassVar[str] = "MAIN_WRITELOCK"  # Whoosh's writer lock, never carried over

    def path(self, name: str) -> Path:
        """One of the names above in this generation's folder."""
        return self.folder / name

    @property
    def chars(self) -> Path:
        return self.folder / self.CHARS

    def segment_arrays(self, segment_id: str) -> Path:
        return self.folder / self.SEGMENT_ARRAYS.format(segment_id)

    def word_postings(self, segment_id: str) -> Path:
        return self.folder / self.WORD_POSTINGS.format(segment_id)

    def word_table(self, segment_id: str) -> Path:
        return self.folder / self.WORD_TABLE.format(segment_id)

    def per_segment(self, pattern: str) -> dict[str, Path]:
        """Whoosh segment id -> its file named by ``pattern`` (one of
        PER_SEGMENT), for every such file present."""
        prefix, suffix = pattern.split("{}")
        found = self.folder.glob(pattern.format("*"))
        return {p.name[len(prefix) : -len(suffix)]: p for p in found}

    def drop_unused(self, pattern: str, segment_ids: set[str]) -> None:
        """Remove the files named by ``pattern`` (one of PER_SEGMENT) of
        segments not in ``segment_ids``: Whoosh merged them away."""
        for segment_id, path in self.per_segment(pattern).items():
            if segment_id not in segment_ids:
                path.unlink()

    @classmethod
    def shared(cls, relpath: Path) -> bool:
        """Whether the file at ``relpath`` (inside a generation folder) is
        written once and may be carried to the next generation by hard link."""
        name = relpath.name
        if relpath.parts[0] == cls.CHARS:
            return True
        if name == cls.WHOOSH_LOCK or name in cls.REWRITTEN:
            return False
        whoosh = name.startswith("MAIN_") or (name.startswith("_MAIN_") and name.endswith(".toc"))
        per_segment = any(
            fnmatch.fnmatchcase(name, pattern.format("*")) for pattern in cls.PER_SEGMENT
        )
        return whoosh or per_segment
