"""``check_index(corpus_dir, index_dir)``: does the live index still describe
the corpus, and do its parts still describe each other?

A reindex keeps four records of the same articles: the corpus files (with the
sha256 each had when indexed, in ``files.json``), Whoosh's documents, the
character index and ``docmap.npy``, which ties the two indexes together. A
search trusts all four to agree; if they do not (a corpus edited since the last
reindex, a generation damaged on disk, a bug in an incremental update), hits
go missing or point at the wrong article, silently. Every file is also
compared with the size and sha256 its writer recorded (integrity.py). This
check says so out loud, without modifying anything: it only reads the corpus and the generation
named in ``CURRENT``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage

from indexer.errors import IndexMissingError
from indexer.index.chars import CharIndex
from indexer.index.integrity import damage
from indexer.index.layout import GenerationFiles
from indexer.index.store import current_generation, read_json
from indexer.ingest.corpus import file_hash, scan_corpus
from indexer.models import FileFailure, listed

# Differences a reindex resolves, as opposed to damage that needs ``--full``.
CORPUS_KINDS = (
    "not in the index",
    "changed since indexing",
    "deleted from the corpus",
    "cannot read",
)


@dataclass(frozen=True)
class Difference:
    """One way in which the index and the corpus (or two parts of the index)
    disagree; ``kind`` groups them, ``detail`` names the file or article."""

    kind: str
    detail: str


@dataclass
class CheckReport:
    """What :func:`check_index` found."""

    generation: str
    articles: int = 0  # live articles in the index
    files: int = 0  # corpus files those articles come from
    differences: list[Difference] = field(default_factory=list)
    failed: list[FileFailure] = field(default_factory=list)  # not indexed, and why

    @property
    def ok(self) -> bool:
        return not self.differences

    def add(self, kind: str, detail: str) -> None:
        self.differences.append(Difference(kind, detail))

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "generation": self.generation,
            "articles": self.articles,
            "files": self.files,
            "differences": [{"kind": d.kind, "detail": d.detail} for d in self.differences],
            "failed": [{"path": f.path, "reason": f.reason} for f in self.failed],
        }


def check_index(corpus_dir: str | Path, index_dir: str | Path) -> CheckReport:
    """Compare the live generation in ``index_dir`` with ``corpus_dir`` and
    with itself. Raises IndexMissingError when there is no index and
    FileNotFoundError when there is no corpus folder; everything else that is
    wrong ends up in the report."""
    corpus_dir, index_dir = Path(corpus_dir), Path(index_dir)
    if not corpus_dir.is_dir():
        raise FileNotFoundError(f"corpus folder not found: {corpus_dir}")
    name = current_generation(index_dir)
    if name is None:
        raise IndexMissingError(str(index_dir))
    generation = index_dir / name
    report = CheckReport(generation=name)
    # A damaged file can fail to load in any way; that failure is the finding.
    layout = GenerationFiles(generation)
    try:
        for problem in damage(generation, read_json(layout.path(layout.MANIFEST))):
            report.add("damaged file", f"{name}: {problem}")
    except Exception as e:
        report.add("unreadable index", f"{generation}: {type(e).__name__}: {layout.MANIFEST}: {e}")
    try:
        files: dict = read_json(layout.path(layout.FILES))
    except Exception as e:
        report.add("unreadable index", f"{generation}: {type(e).__name__}: {layout.FILES}: {e}")
        return report
    report.files = sum(1 for entry in files.values() if entry.get("ids"))
    _compare_corpus(corpus_dir, files, report)
    try:
        _check_generation(generation, files, report)
    except Exception as e:
        report.add("unreadable index", f"{generation}: {type(e).__name__}: {e}")
    return report


def _compare_corpus(corpus_dir: Path, files: dict, report: CheckReport) -> None:
    """Every corpus file against its files.json entry, by content (sha256),
    not by mtime: a touched but unchanged file is no difference."""
    seen = set()
    for rel, path in scan_corpus(corpus_dir):
        seen.add(rel)
        entry = files.get(rel)
        if entry is None:
            report.add("not in the index", rel)
            continue
        try:
            sha = file_hash(path)
        except OSError as e:
            report.add("cannot read", f"{rel}: {e.strerror or e}")
            continue
        if sha != entry.get("sha256"):
            report.add("changed since indexing", rel)
    for rel in sorted(set(files) - seen):
        report.add("deleted from the corpus", rel)
    for rel, entry in sorted(files.items()):
        if entry.get("error"):
            report.failed.append(FileFailure(rel, entry["error"]))
        report.failed.extend(FileFailure(p, r) for p, r in entry.get("failures", []))


def _check_generation(generation: Path, files: dict, report: CheckReport) -> None:
    """The generation against itself: counts, cid <-> docnum, article ids."""
    layout = GenerationFiles(generation)
    manifest = read_json(layout.path(layout.MANIFEST))
    docmap = _load_array(layout.path(layout.DOCMAP))
    chars = CharIndex.open(
        layout.chars,
        manifest["segments"],
        _load_array(layout.path(layout.DEAD)),
        manifest["next_cid"],
    )
    try:
        char_cids = chars.live_cids()
    finally:
        chars.close()
    docs = _whoosh_documents(generation)  # docnum -> (id, file, cid)
    report.articles = len(docs)
    listed: dict[int, list[tuple[str, str]]] = {}  # cid -> [(file, article id)]
    for rel, entry in files.items():
        for aid, cid in zip(entry.get("ids", []), entry.get("cids", []), strict=False):
            listed.setdefault(cid, []).append((rel, aid))
    counts = {
        "Whoosh": len(docs),
        layout.MANIFEST: int(manifest["documents"]),
        "character index": len(char_cids),
        layout.FILES: sum(len(entry.get("ids", [])) for entry in files.values()),
    }
    if len(set(counts.values())) > 1:
        report.add("article counts differ", ", ".join(f"{k} {v}" for k, v in counts.items()))
    _check_docmap(docmap, docs, report)
    for docnum, (aid, rel, cid) in sorted(docs.items()):
        if (rel, aid) not in listed.get(cid, []):
            report.add(
                f"not in {GenerationFiles.FILES}",
                f"{aid} (cid {cid}, document {docnum}) from {rel}",
            )
    whoosh_cids = {cid for _, _, cid in docs.values()}
    for cid in sorted(set(char_cids.tolist()) - whoosh_cids):
        report.add("character index only", f"cid {cid} has no Whoosh document")
    for cid in sorted(whoosh_cids - set(char_cids.tolist())):
        report.add("Whoosh only", f"cid {cid} is not in the character index")
    _check_duplicates(docs, files, report)


def _load_array(path: Path) -> np.ndarray:
    """np.load, naming the file when it cannot (numpy's errors do not)."""
    try:
        return np.load(path)
    except (OSError, ValueError, EOFError) as e:
        raise ValueError(f"{path.name}: {e}") from e


def _whoosh_documents(generation: Path) -> dict[int, tuple[str, str, int]]:
    """docnum -> (article id, file, cid) of every live Whoosh document."""
    ix = whoosh_index.FileIndex(FileStorage(str(generation), readonly=True))
    try:
        with ix.reader() as reader:
            return {
                docnum: (fields["id"], fields.get("file", ""), int(fields["cid"]))
                for docnum, fields in reader.iter_docs()
            }
    finally:
        ix.close()


def _check_docmap(docmap: np.ndarray, docs: dict, report: CheckReport) -> None:
    """Each live document's cid must map back to it, and nothing else may be
    mapped: a search follows docmap from a character-index hit to the
    article it shows."""
    for docnum, (aid, _, cid) in sorted(docs.items()):
        target = int(docmap[cid]) if 0 <= cid < len(docmap) else None
        if target != docnum:
            report.add(
                GenerationFiles.DOCMAP,
                f"{aid} is document {docnum} but its cid {cid} maps to {target}",
            )
    owners = {cid for _, _, cid in docs.values()}
    for cid in np.flatnonzero(docmap >= 0).tolist():
        if cid not in owners:
            report.add(
                GenerationFiles.DOCMAP,
                f"cid {cid} maps to document {int(docmap[cid])}, but no live article has that cid",
            )


def _check_duplicates(docs: dict, files: dict, report: CheckReport) -> None:
    """An article id must name one article, in Whoosh and in files.json."""
    in_whoosh = Counter(aid for aid, _, _ in docs.values())
    in_files = Counter(aid for entry in files.values() for aid in entry.get("ids", []))
    for where, counter in (("Whoosh", in_whoosh), (GenerationFiles.FILES, in_files)):
        for aid, n in sorted(counter.items()):
            if n > 1:
                report.add("article id twice", f"{aid} is {n} articles in {where}")


def format_check(report: CheckReport) -> str:
    """The human summary: one line when all agree, else every difference
    grouped by kind, then what to run to fix it."""
    if report.ok:
        lines = [f"index and corpus agree: {report.articles} articles from {report.files} files"]
    else:
        lines = [f"index and corpus differ ({len(report.differences)} differences):"]
        by_kind: dict[str, list[str]] = {}
        for d in report.differences:
            by_kind.setdefault(d.kind, []).append(d.detail)
        for kind, details in by_kind.items():
            lines.extend(listed(kind, details))
    lines.extend(f"  failed: {f.path}: {f.reason}" for f in report.failed)
    if not report.ok:
        damaged = any(d.kind not in CORPUS_KINDS for d in report.differences)
        fix = "reindex --full" if damaged else "reindex"
        lines.append(f"run 'python -m indexer {fix}' to bring the index up to date")
    return "\n".join(lines)
