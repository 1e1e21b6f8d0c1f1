"""``python -m indexer check``: the index against the corpus and itself, through
the real CLI on a real index built from the fixture corpus."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from indexer import reindex
from indexer.cli import cli
from indexer.index.check import check_index
from indexer.index.layout import GenerationFiles
from indexer.index.store import current_generation, read_json, write_json

SEED = "2021-10-01-menghai-sanzhua-sancu-dangjian-genji.txt"
DALUO = "2020-12-01-daluo-qiangbian-gufang-gbk.txt"
FAILED = "  failed: broken-binary.txt: binary file (not text)"
NEW_ARTICLE = """今天是:
工作动态

勐腊县新建边境党建驿站

来源 :西双版纳先锋 访问次数 : 发布时间 :2024-02-02

勐腊县在边境一线新建党建驿站3个,服务护边员和过往群众。

来源:西双版纳先锋
"""


@pytest.fixture
def built(corpus_dir: Path, tmp_path: Path) -> Path:
    """A fresh index of a private copy of the fixture corpus."""
    index = tmp_path / "index"
    reindex(corpus_dir, index)
    return index


def run_check(runner, corpus_dir: Path, index: Path, *extra: str):
    return runner.invoke(cli, ["check", "--corpus", str(corpus_dir), "--index", str(index), *extra])


def tree_state(folder: Path) -> dict[str, tuple[str, int]]:
    """Content hash and mtime of every file below ``folder``: what "changes
    nothing" must leave as it was."""
    return {
        str(p.relative_to(folder)): (
            hashlib.sha256(p.read_bytes()).hexdigest(),
            p.stat().st_mtime_ns,
        )
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_index_and_corpus_agree_after_a_reindex(runner, corpus_dir, built):
    result = run_check(runner, corpus_dir, built)
    assert result.exit_code == 0, result.output
    assert result.output == f"index and corpus agree: 6 articles from 6 files\n{FAILED}\n"


def test_check_changes_nothing(runner, corpus_dir, built):
    (corpus_dir / SEED).write_text(NEW_ARTICLE, encoding="utf-8")
    before = (tree_state(corpus_dir), tree_state(built))
    result = run_check(runner, corpus_dir, built)
    assert result.exit_code == 1
    assert (tree_state(corpus_dir), tree_state(built)) == before


def test_changed_new_and_deleted_files_are_listed(runner, corpus_dir, built):
    (corpus_dir / SEED).write_text(NEW_ARTICLE, encoding="utf-8")
    (corpus_dir / "2024-02-02-mengla-yizhan.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    (corpus_dir / DALUO).unlink()
    result = run_check(runner, corpus_dir, built)
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "index and corpus differ (3 differences):",
        f"  changed since indexing: {SEED}",
        "  not in the index: 2024-02-02-mengla-yizhan.txt",
        f"  deleted from the corpus: {DALUO}",
        FAILED,
        "run 'python -m indexer reindex' to bring the index up to date",
    ]
    reindex(corpus_dir, built)
    assert run_check(runner, corpus_dir, built).exit_code == 0


def test_touched_but_unchanged_file_is_no_difference(runner, corpus_dir, built):
    path = corpus_dir / SEED
    path.write_bytes(path.read_bytes())  # new mtime, same content
    assert run_check(runner, corpus_dir, built).exit_code == 0


def test_json_output(runner, corpus_dir, built):
    (corpus_dir / DALUO).unlink()
    result = run_check(runner, corpus_dir, built, "--json")
    assert result.exit_code == 1
    assert json.loads(result.output) == {
        "ok": False,
        "generation": "g000001",
        "articles": 6,
        "files": 6,
        "differences": [{"kind": "deleted from the corpus", "detail": DALUO}],
        "failed": [{"path": "broken-binary.txt", "reason": "binary file (not text)"}],
    }


def test_without_a_corpus(runner, built, tmp_path):
    result = run_check(runner, tmp_path / "none", built)
    assert result.exit_code == 1
    assert result.output == f"Error: corpus folder not found: {tmp_path / 'none'}\n"


def test_without_an_index(runner, corpus_dir, tmp_path):
    result = run_check(runner, corpus_dir, tmp_path / "none")
    assert result.exit_code == 1
    assert result.output == (
        f"Error: no index at {tmp_path / 'none'}; "
        f"run 'python -m indexer reindex --index {tmp_path / 'none'}'\n"
    )


# Damage done to a copy of the live generation, and the lines check must print
# for it. Each function gets the generation folder and returns nothing.


def _swap_two_docmap_entries(gen: Path) -> None:
    docmap = np.load(gen / "docmap.npy")
    docmap[[0, 1]] = docmap[[1, 0]]
    np.save(gen / "docmap.npy", docmap)


def _docmap_points_a_dead_cid_at_a_document(gen: Path) -> None:
    docmap = np.load(gen / "docmap.npy")
    np.save(gen / "docmap.npy", np.append(docmap, docmap[2]))


def _article_dropped_from_files_json(gen: Path) -> None:
    files = read_json(gen / GenerationFiles.FILES)
    files[DALUO]["ids"], files[DALUO]["cids"] = [], []
    write_json(gen / GenerationFiles.FILES, files)


def _article_listed_twice_in_files_json(gen: Path) -> None:
    files = read_json(gen / GenerationFiles.FILES)
    files["copy.txt"] = dict(files[DALUO])
    write_json(gen / GenerationFiles.FILES, files)


def _live_article_marked_dead(gen: Path) -> None:
    np.save(gen / "dead.npy", np.array([3], dtype=np.int64))


def _manifest_count_wrong(gen: Path) -> None:
    manifest = read_json(gen / GenerationFiles.MANIFEST)
    manifest["documents"] = 7
    write_json(gen / GenerationFiles.MANIFEST, manifest)


def _docmap_file_truncated(gen: Path) -> None:
    (gen / "docmap.npy").write_bytes((gen / "docmap.npy").read_bytes()[:20])


DAMAGE = [
    (
        _swap_two_docmap_entries,
        "docmap.npy",
        [
            "  docmap.npy: {id0} is document 0 but its cid 0 maps to 1",
            "  docmap.npy: {id1} is document 1 but its cid 1 maps to 0",
        ],
    ),
    (
        _docmap_points_a_dead_cid_at_a_document,
        "docmap.npy",
        ["  docmap.npy: cid 6 maps to document 2, but no live article has that cid"],
    ),
    (
        _article_dropped_from_files_json,
        "files.json",
        [
            "  article counts differ: Whoosh 6, manifest.json 6, character index 6, files.json 5",
            f"  not in files.json: {DALUO} (cid 0, document 0) from {DALUO}",
        ],
    ),
    (
        _article_listed_twice_in_files_json,
        "files.json",
        [
            "  deleted from the corpus: copy.txt",
            "  article counts differ: Whoosh 6, manifest.json 6, character index 6, files.json 7",
            f"  article id twice: {DALUO} is 2 articles in files.json",
        ],
    ),
    (
        _live_article_marked_dead,
        "dead.npy",
        [
            "  article counts differ: Whoosh 6, manifest.json 6, character index 5, files.json 6",
            "  Whoosh only: cid 3 is not in the character index",
        ],
    ),
    (
        _manifest_count_wrong,
        None,  # the manifest holds the checksums: its own damage shows in the counts
        [
            "  article counts differ: Whoosh 6, manifest.json 7, character index 6, files.json 6",
        ],
    ),
]


@pytest.mark.parametrize(
    ("damage", "changed", "expected"),
    [
        pytest.param(damage, changed, lines, id=damage.__name__.strip("_"))
        for damage, changed, lines in DAMAGE
    ],
)
def test_damage_to_the_generation_is_reported(
    runner,
    corpus_dir: Path,
    built: Path,
    tmp_path: Path,
    damage: Callable[[Path], None],
    changed: str | None,
    expected: list[str],
):
    damaged = copy_index(built, tmp_path / "damaged")
    files = read_json(built / current_generation(built) / GenerationFiles.FILES)
    by_cid = {
        cid: aid for e in files.values() for aid, cid in zip(e["ids"], e["cids"], strict=True)
    }
    damage(damaged / current_generation(damaged))
    result = run_check(runner, corpus_dir, damaged)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith("index and corpus differ (")
    name = current_generation(damaged)
    checksum = (
        [f"  damaged file: {name}: {changed} changed since it was written"] if changed else []
    )
    assert lines[1:-2] == checksum + [
        line.format(id0=by_cid[0], id1=by_cid[1]) for line in expected
    ]
    assert lines[-2:] == [
        FAILED,
        "run 'python -m indexer reindex --full' to bring the index up to date",
    ]
    assert run_check(runner, corpus_dir, built).exit_code == 0  # the original is untouched


def _whoosh_toc_deleted(gen: Path) -> None:
    for toc in gen.glob("_MAIN_*.toc"):
        toc.unlink()


def _character_segment_deleted(gen: Path) -> None:
    next(gen.glob("chars/*.keys")).unlink()


def _files_json_cut_short(gen: Path) -> None:
    (gen / GenerationFiles.FILES).write_bytes((gen / GenerationFiles.FILES).read_bytes()[:100])


@pytest.mark.parametrize(
    ("damage", "changed", "error"),
    [
        (
            _docmap_file_truncated,
            "docmap.npy changed since it was written",
            "ValueError: docmap.npy: ",
        ),
        (_whoosh_toc_deleted, "_MAIN_1.toc is missing", "EmptyIndexError: "),
        (_character_segment_deleted, "chars/g000001-000.keys is missing", "FileNotFoundError: "),
        (
            _files_json_cut_short,
            "files.json changed since it was written",
            "JSONDecodeError: files.json: ",
        ),
    ],
    ids=["docmap-truncated", "whoosh-toc-deleted", "character-segment-deleted", "files-json-cut"],
)
def test_unreadable_generation_is_reported_not_raised(
    runner, corpus_dir: Path, built: Path, tmp_path: Path, damage, changed: str, error: str
):
    damaged = copy_index(built, tmp_path / "damaged")
    generation = damaged / current_generation(damaged)
    damage(generation)
    report = check_index(corpus_dir, damaged)
    assert [(d.kind, d.detail) for d in report.differences[:-1]] == [
        ("damaged file", f"{generation.name}: {changed}")
    ]
    assert report.differences[-1].kind == "unreadable index"
    assert report.differences[-1].detail.startswith(f"{generation}: {error}")
    result = run_check(runner, corpus_dir, damaged)
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == (
        "run 'python -m indexer reindex --full' to bring the index up to date"
    )


def copy_index(index: Path, target: Path) -> Path:
    """A private copy whose files share nothing with ``index`` (no hard links),
    so damaging it cannot reach the original."""
    shutil.copytree(index, target)
    return target
