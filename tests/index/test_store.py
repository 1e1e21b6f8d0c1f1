"""A generation's files, named once (store.GenerationFiles): what the next
generation shares by hard link, and what it must write anew."""

from pathlib import Path

import pytest

from indexer import reindex
from indexer.index.layout import GenerationFiles
from indexer.index.store import current_generation

MENGLA = "2022-03-15-mengla-changlang-shifandai.txt"


def files_of(generation: Path) -> dict[Path, int]:
    """Every file below ``generation`` (relative path) -> its inode."""
    return {
        p.relative_to(generation): p.stat().st_ino for p in generation.rglob("*") if p.is_file()
    }


@pytest.fixture
def two_generations(corpus_dir: Path, tmp_path: Path) -> tuple[Path, Path]:
    """The folders of a full build and of an incremental update after it."""
    index_dir = tmp_path / "index"
    reindex(corpus_dir, index_dir)
    first = index_dir / current_generation(index_dir)
    path = corpus_dir / MENGLA
    path.write_text(path.read_text(encoding="utf-8") + "\n补充一段新内容。\n", encoding="utf-8")
    reindex(corpus_dir, index_dir)
    return first, index_dir / current_generation(index_dir)


def test_only_write_once_files_are_shared_with_the_previous_generation(two_generations):
    first, second = two_generations
    before, after = files_of(first), files_of(second)
    linked = sorted(rel for rel, inode in after.items() if before.get(rel) == inode)
    assert linked, "an incremental update shares the unchanged segments"
    assert [rel for rel in linked if not GenerationFiles.shared(rel)] == []
    rewritten = sorted(rel.name for rel in after if rel.name in GenerationFiles.REWRITTEN)
    assert rewritten == sorted(GenerationFiles.REWRITTEN)


def test_every_file_of_a_generation_is_named_by_the_layout(two_generations):
    """A file added to a generation must be named in GenerationFiles, as
    shared or as rewritten: that is what keeps it from being linked and
    then overwritten through the link."""
    _, second = two_generations
    unnamed = [
        rel
        for rel in files_of(second)
        if not GenerationFiles.shared(rel)
        and rel.name not in GenerationFiles.REWRITTEN
        and rel.name != GenerationFiles.WHOOSH_LOCK
    ]
    assert unnamed == []


@pytest.mark.parametrize(
    ("relpath", "shared"),
    [
        ("MAIN_injd8szzrvdsfwr1.pst", True),  # Whoosh segment files never change
        ("MAIN_injd8szzrvdsfwr1._stored.col", True),
        ("_MAIN_3.toc", True),  # Whoosh writes the next one under a new number
        ("chars/g000001-000.keys", True),
        ("seg-MAIN_injd8szzrvdsfwr1.npz", True),
        ("vocab-seg-MAIN_injd8szzrvdsfwr1.npz", True),
        ("words-MAIN_injd8szzrvdsfwr1.npy", True),
        ("words-MAIN_injd8szzrvdsfwr1.json", True),
        ("MAIN_WRITELOCK", False),
        ("manifest.json", False),
        ("files.json", False),
        ("docmap.npy", False),
        ("dead.npy", False),
        ("places.npy", False),
        ("vocabulary.txt", False),
        ("an_array_added_later.npy", False),  # written anew until named as shared
    ],
)
def test_which_files_may_be_hard_linked(relpath: str, shared: bool):
    assert GenerationFiles.shared(Path(relpath)) is shared
