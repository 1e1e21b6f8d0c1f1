"""Reindexing a real corpus copy into a real index in a temp dir."""

import pytest

from indexer import IndexBusyError, open_index, reindex, search
from indexer.errors import CorpusEmptyError
from indexer.index.store import current_generation, writer_lock

SEED = "2021-10-01-menghai-sanzhua-sancu-dangjian-genji.txt"
MENGLA = "2022-03-15-mengla-changlang-shifandai.txt"
ARTICLES = 6


def ids(ix, q):
    return sorted(h.id for h in search(ix, q, per_page=100).hits)


@pytest.fixture
def opened():
    """open_index for a test, closed at its end."""
    indexes = []

    def _open(index_dir):
        indexes.append(open_index(index_dir))
        return indexes[-1]

    yield _open
    for ix in indexes:
        ix.close()


@pytest.fixture
def built(corpus_dir, tmp_path):
    index_dir = tmp_path / "index"
    report = reindex(corpus_dir, index_dir)
    return corpus_dir, index_dir, report


def test_full_build_reports_each_file(built):
    _, _, report = built
    assert report.full
    assert len(report.added) == ARTICLES
    assert [(f.path, f.reason) for f in report.failed] == [
        ("broken-binary.txt", "binary file (not text)")
    ]
    assert report.documents == ARTICLES


def test_second_run_changes_nothing(built):
    corpus_dir, index_dir, first = built
    report = reindex(corpus_dir, index_dir)
    assert (report.added, report.updated, report.deleted) == ([], [], [])
    assert report.unchanged == ARTICLES
    assert report.generation == first.generation
    assert [f.path for f in report.failed] == ["broken-binary.txt"]


def test_changed_article_is_replaced_not_duplicated(built, opened):
    corpus_dir, index_dir, _ = built
    path = corpus_dir / MENGLA
    path.write_text(
        path.read_text(encoding="utf-8").replace("深度融合", "样板区"), encoding="utf-8"
    )
    report = reindex(corpus_dir, index_dir)
    assert report.updated == [MENGLA]
    ix = opened(index_dir)
    assert ids(ix, "样板区") == [MENGLA]
    assert ids(ix, '"深度融合"') == []
    assert ids(ix, "勐腊县打造边疆党建长廊") == [MENGLA]
    assert ix.doc_count == ARTICLES


def test_deleted_file_disappears(built, opened):
    corpus_dir, index_dir, _ = built
    (corpus_dir / MENGLA).unlink()
    report = reindex(corpus_dir, index_dir)
    assert report.deleted == [MENGLA]
    ix = opened(index_dir)
    assert MENGLA not in ids(ix, "边疆党建长廊")
    assert ix.doc_count == ARTICLES - 1


def test_new_file_is_added(built, opened):
    corpus_dir, index_dir, _ = built
    (corpus_dir / "sub").mkdir()
    text = (corpus_dir / MENGLA).read_text(encoding="utf-8").replace("深度融合", "新村寨")
    (corpus_dir / "sub" / "new.txt").write_text(text, encoding="utf-8")
    report = reindex(corpus_dir, index_dir)
    assert report.added == ["sub/new.txt"]
    assert ids(opened(index_dir), '"新村寨"') == ["sub/new.txt"]


def test_file_that_breaks_keeps_its_indexed_version(built, opened):
    corpus_dir, index_dir, _ = built
    (corpus_dir / MENGLA).write_bytes(b"\x00\x01\x02binary now")
    report = reindex(corpus_dir, index_dir)
    assert [f.path for f in report.failed] == [MENGLA, "broken-binary.txt"]
    assert ids(opened(index_dir), "深度融合") == [MENGLA]


def test_open_reader_sees_new_generation_after_refresh(built, opened):
    corpus_dir, index_dir, _ = built
    ix = opened(index_dir)
    assert ids(ix, '"深度融合"') == [MENGLA]
    (corpus_dir / MENGLA).unlink()
    reindex(corpus_dir, index_dir)
    assert ids(ix, '"深度融合"') == [MENGLA]  # still the generation it opened
    assert ix.refresh() is True
    assert ids(ix, '"深度融合"') == []
    assert ix.refresh() is False


def test_full_rebuild_keeps_results(built, opened):
    corpus_dir, index_dir, _ = built
    before = ids(opened(index_dir), "党建")
    report = reindex(corpus_dir, index_dir, full=True)
    assert report.full and len(report.added) == ARTICLES
    assert ids(opened(index_dir), "党建") == before


def test_second_writer_is_refused_with_a_clear_message(built):
    corpus_dir, index_dir, _ = built
    with writer_lock(index_dir):
        with pytest.raises(IndexBusyError, match="another reindex is running"):
            reindex(corpus_dir, index_dir)


def test_leftover_of_a_dead_writer_is_cleared(built):
    corpus_dir, index_dir, _ = built
    (index_dir / "g000099.tmp-12345").mkdir()
    (corpus_dir / MENGLA).unlink()
    reindex(corpus_dir, index_dir)
    assert not (index_dir / "g000099.tmp-12345").exists()
    assert current_generation(index_dir) == "g000002"


def test_emptied_corpus_does_not_empty_the_index(built, opened):
    corpus_dir, index_dir, _ = built
    for path in corpus_dir.iterdir():
        path.unlink()
    with pytest.raises(CorpusEmptyError, match="refusing to empty the index"):
        reindex(corpus_dir, index_dir)
    assert opened(index_dir).doc_count == ARTICLES
    assert reindex(corpus_dir, index_dir, full=True).documents == 0


def test_missing_corpus_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="corpus folder not found"):
        reindex(tmp_path / "nope", tmp_path / "index")


def test_error_during_reindex_leaves_the_live_index_and_no_leftovers(built, opened, monkeypatch):
    """An exception (disk full, a bug) mid-way: the error reaches the caller,
    the half-built generation is removed and the index stays as it was."""
    import indexer.index.writer as writer

    corpus_dir, index_dir, _ = built
    (corpus_dir / MENGLA).write_text("今天是:\n工作动态\n\n新标题\n\n正文。\n", encoding="utf-8")

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(writer.chars, "write_segment", disk_full)
    with pytest.raises(OSError, match="No space left"):
        reindex(corpus_dir, index_dir)
    assert [p.name for p in index_dir.glob("g*")] == ["g000001"]
    assert ids(opened(index_dir), '"深度融合"') == [MENGLA]


def test_reindex_never_touches_the_corpus(built):
    """Data safety: the index can always be rebuilt because a reindex only
    ever reads the corpus (full or incremental, bad files included)."""
    import hashlib

    corpus_dir, index_dir, _ = built

    def snapshot():
        return {
            p.relative_to(corpus_dir).as_posix(): (
                hashlib.sha256(p.read_bytes()).hexdigest(),
                p.stat().st_mtime_ns,
            )
            for p in sorted(corpus_dir.rglob("*"))
            if p.is_file()
        }

    before = snapshot()
    (corpus_dir / MENGLA).unlink()
    after_delete = snapshot()
    reindex(corpus_dir, index_dir)
    reindex(corpus_dir, index_dir, full=True)
    assert snapshot() == after_delete
    assert set(before) - set(after_delete) == {MENGLA}


def test_traditional_and_simplified_find_each_other(built, opened):
    """An article in traditional characters is found by a simplified query and
    the other way round; highlights land on the characters as written."""
    corpus_dir, index_dir, _ = built
    traditional = (
        "今天是:\n工作動態\n\n勐臘縣推進邊疆黨建長廊建設\n\n"
        "來源 :西雙版納先鋒 訪問次數 : 發布時間 :2023-02-01\n\n各鄉鎮黨委強化基層黨組織。\n"
    )
    (corpus_dir / "traditional.txt").write_text(traditional, encoding="utf-8")
    reindex(corpus_dir, index_dir)
    ix = opened(index_dir)
    page = search(ix, '"勐腊县推进边疆党建长廊"')
    assert [h.id for h in page.hits] == ["traditional.txt"]
    assert str(page.hits[0].title_html) == "<mark>勐臘縣推進邊疆黨建長廊</mark>建設"
    assert "traditional.txt" in ids(ix, '"邊疆黨建長廊"')
    assert MENGLA in ids(ix, '"邊疆黨建長廊"')


def test_parallel_build_with_background_character_segments(built, opened, tmp_path, monkeypatch):
    """A big build (worker processes, each writing character segments while
    it is still given articles) answers exactly like the single-process build."""
    from indexer.index import build, writer
    from indexer.index.store import read_json

    corpus_dir, sequential, _ = built
    monkeypatch.setattr(build, "PARALLEL_THRESHOLD", 1)
    monkeypatch.setattr(writer, "SEGMENT_DOCS", 2)
    parallel = tmp_path / "parallel"
    assert reindex(corpus_dir, parallel, procs=2).documents == ARTICLES
    manifest = read_json(parallel / current_generation(parallel) / "manifest.json")
    assert manifest["segments"] == ["g000001-000", "g000001-001", "g000001-002"]
    one, two = opened(sequential), opened(parallel)
    for q in ("党建", '"边疆党建长廊"', "勐腊县 示范带", '"疆党建长"', "县"):
        assert ids(two, q) == ids(one, q), q


def test_too_many_segments_merge_only_the_small_ones(corpus_dir, tmp_path, opened, monkeypatch):
    """Incremental reindexes each add a small character segment; past
    MAX_SEGMENTS only those are merged, the big ones are kept as they are."""
    from indexer.index import writer
    from indexer.index.store import read_json

    monkeypatch.setattr(writer, "SEGMENT_DOCS", 6)  # small: fewer than 3 articles
    monkeypatch.setattr(writer, "MAX_SEGMENTS", 2)
    index = tmp_path / "index"
    reindex(corpus_dir, index)
    for n in (1, 2):
        text = f"今天是:\n工作动态\n\n新增文章{n}\n\n来源 :西双版纳先锋\n\n新增标记{n}号。\n"
        (corpus_dir / f"2030-01-0{n}-new.txt").write_text(text, encoding="utf-8")
        reindex(corpus_dir, index)
    manifest = read_json(index / current_generation(index) / "manifest.json")
    assert manifest["segments"] == ["g000001-000", "g000003-001"]  # -000 was merged
    ix = opened(index)
    assert ids(ix, "新增标记") == ["2030-01-01-new.txt", "2030-01-02-new.txt"]
    assert ids(ix, "边疆党建长廊") == ids(ix, '"边疆党建长廊"') != []
