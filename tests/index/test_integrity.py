"""A damaged generation never takes the site down: readers keep serving the
last whole one and say why, a starting process opens the newest whole one,
and generations still in use survive later reindexes."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from indexer import open_index, reindex
from indexer.errors import IndexDamagedError
from indexer.index.layout import GenerationFiles
from indexer.index.store import published_generations
from indexer.search.engine import search
from indexer.search.suggest import suggest

SEED = "2021-10-01-menghai-sanzhua-sancu-dangjian-genji.txt"
PHRASE = "曼飞龙村茶叶初制所"


@pytest.fixture
def two(tmp_path, corpus_dir) -> tuple[Path, Path]:
    """An index with g000001 (the fixture corpus), and a corpus in which the
    seed article now holds PHRASE, for the next reindex."""
    index = tmp_path / "index"
    reindex(corpus_dir, index)
    path = corpus_dir / SEED
    path.write_text(path.read_text(encoding="utf-8") + f"\n\n{PHRASE}正式投入使用。\n", "utf-8")
    return corpus_dir, index


def scramble(path: Path) -> None:
    """Overwrite part of a file (disk damage, a bad copy): same size, other bytes."""
    data = bytearray(path.read_bytes())
    data[-16:] = b"\xff" * 16
    path.write_bytes(bytes(data))


def new_segment_file(gen: Path) -> Path:
    """A postings file of the Whoosh segment this generation added (not one
    shared with the previous generation by a hard link)."""
    return next(p for p in gen.glob("MAIN_*.pst") if p.stat().st_nlink == 1)


def phrase_hits(ix) -> int:
    return search(ix, f'"{PHRASE}"').total


def test_a_reader_keeps_the_last_whole_generation_and_says_why(two):
    corpus, index = two
    with open_index(index) as ix:
        reindex(corpus, index)  # g000002, damaged before the reader sees it
        scramble(index / "g000002" / GenerationFiles.DOCMAP)
        assert ix.refresh() is False
        assert phrase_hits(ix) == 0  # answers, from g000001
        assert ix.status() == {
            "status": "degraded",
            "generation": "g000001",
            "documents": 6,
            "problem": "g000002 is damaged: docmap.npy changed since it was written; "
            "serving g000001",
        }
        (corpus / "new.txt").write_text("工作动态\n新文章\n来源：西双版纳先锋\n正文。\n", "utf-8")
        reindex(corpus, index)  # g000003 writes docmap.npy anew: whole again
        assert ix.refresh() is True
        assert (phrase_hits(ix), ix.status()) == (
            1,
            {"status": "ok", "generation": "g000003", "documents": 7},
        )


@pytest.mark.parametrize(
    "damage",
    [
        lambda gen: scramble(gen / GenerationFiles.DOCMAP),
        lambda gen: scramble(new_segment_file(gen)),
        lambda gen: (gen / GenerationFiles.DATES).unlink(),
        lambda gen: (gen / GenerationFiles.MANIFEST).write_text("{", encoding="utf-8"),
        lambda gen: (gen / GenerationFiles.MANIFEST).unlink(),
    ],
    ids=["docmap", "whoosh-segment", "dates-missing", "manifest", "manifest-missing"],
)
def test_a_starting_reader_opens_the_newest_whole_generation(two, damage):
    corpus, index = two
    reindex(corpus, index)
    damage(index / "g000002")
    with open_index(index) as ix:  # a gunicorn worker booting after the damage
        assert ix.generation.name == "g000001"
        assert ix.status()["status"] == "degraded"
        assert ix.status()["problem"].startswith("g000002 is damaged: ")
        assert phrase_hits(ix) == 0


def test_with_no_whole_generation_the_error_says_what_to_run(two):
    _, index = two
    scramble(index / "g000001" / GenerationFiles.DOCMAP)
    with pytest.raises(IndexDamagedError) as e:
        open_index(index)
    assert str(e.value) == (
        f"no whole index at {index} (g000001 is damaged: docmap.npy changed since it was "
        f"written); run 'python -m indexer reindex --full --index {index}'"
    )


def test_a_generation_in_use_is_not_deleted_under_its_reader(two):
    corpus, index = two
    seed = corpus / SEED
    with open_index(index) as ix:
        for n in range(4):  # four quick reindexes: g000001 would be pruned at the third
            seed.write_text(seed.read_text(encoding="utf-8") + f"\n\n第{n}段。\n", "utf-8")
            reindex(corpus, index)
        assert published_generations(index) == ["g000001", "g000003", "g000004", "g000005"]
        assert ix.generation.name == "g000001"
        # the vocabulary is read on first use: still there to read
        assert [s.text for s in suggest(ix, "勐海", 1)] == [
            "【西双版纳州实施“三抓三促”强化千里边疆党建长廊】(之三)勐海县:筑牢党建根基 推动边疆发展"
        ]
    reindex(corpus, index, full=True)  # nobody reads g000001 now
    assert published_generations(index) == ["g000004", "g000005", "g000006"]


def test_checksums_of_unchanged_files_are_carried_not_recomputed(two, monkeypatch):
    """An incremental reindex hashes only the files it wrote, not the whole index."""
    from indexer.index import integrity

    corpus, index = two
    hashed = []
    real = integrity.file_sha256
    monkeypatch.setattr(integrity, "file_sha256", lambda p: hashed.append(p.name) or real(p))
    reindex(corpus, index)
    shared = [p for p in (index / "g000002").rglob("*") if p.is_file() and p.stat().st_nlink > 1]
    assert shared, "the update shares files with g000001"
    assert sorted({p.name for p in shared} & set(hashed)) == []


def test_copied_index_verifies(two, tmp_path):
    """A copy (a backup, a replica) carries its checksums along."""
    _, index = two
    copy = tmp_path / "copy"
    shutil.copytree(index, copy)
    with open_index(copy) as ix:
        assert ix.status()["status"] == "ok"
        assert np.asarray(ix.generation.docmap).size > 0
