"""Common words' postings kept as arrays beside each Whoosh segment hold
what Whoosh's own matcher reads, and rank exactly as Whoosh's blocks do."""

import numpy as np
import pytest

from indexer import open_index, reindex, search
from indexer.index import ranking, wordarrays, writer
from indexer.index.layout import GenerationFiles
from indexer.index.ranking import PostingsCache, bm25f
from indexer.index.store import current_generation

QUERIES = ["党建", "边疆党建长廊", "勐海县 示范", "乡村振兴", '"三抓三促"', "基层 治理 工作"]


@pytest.fixture(scope="module")
def arrayed(tmp_path_factory, session_corpus_dir):
    """The fixture corpus indexed with every word of two articles or more
    kept as arrays, its lists written two postings a block."""
    index = tmp_path_factory.mktemp("arrayed") / "index"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(wordarrays, "ARRAYS_FROM", 2)
        mp.setattr(writer, "POSTING_BLOCK", 2)
        reindex(session_corpus_dir, index)
    with open_index(index) as ix:
        yield ix


def whoosh_postings(searcher, field: str, word: str) -> list[tuple[int, float]]:
    m = searcher.postings(field, word)
    got = []
    while m.is_active():
        got.append((m.id(), m.weight()))
        m.next()
    return got


def test_every_kept_word_holds_what_whoosh_reads(arrayed):
    with arrayed.searcher() as (gen, searcher):
        (segment,) = gen.postings.arrays.values()  # the fixture corpus: one segment
        kept = [(f, w) for f, words in segment.table.items() for w in words]
        assert ("body", "党建") in kept and ("title", "边疆党建长廊") in kept
        for field, word in kept:
            ids, weights = segment.get(field, word)
            pairs = list(zip(ids.tolist(), weights.tolist(), strict=True))
            assert pairs == whoosh_postings(searcher, field, word), (field, word)
            assert len(pairs) >= 2


def test_a_rare_word_is_read_from_whooshs_blocks(arrayed):
    with arrayed.searcher() as (gen, searcher):
        (segment,) = gen.postings.arrays.values()
        once = [w for w, info in searcher.reader().iter_field("body") if info.doc_frequency() == 1]
        rare = [w.decode("utf-8") for w in once][:20]
        assert len(rare) == 20 and [w for w in rare if segment.get("body", w)] == []
        for word in rare:
            ids, weights = ranking.read_postings(searcher, "body", word, gen.postings.arrays)
            expected = whoosh_postings(searcher, "body", word)
            assert list(zip(ids.tolist(), weights.tolist(), strict=True)) == expected != []


@pytest.mark.parametrize(
    "words", [["党建"], ["边疆", "党建", "长廊"], ["勐海县", "示范", "没有的词"]]
)
def test_few_matches_score_as_with_whole_lists(arrayed, monkeypatch, words):
    with arrayed.searcher() as (gen, searcher):
        arrays = gen.postings.arrays
        everyone = np.arange(len(gen.field_lengths))
        monkeypatch.setattr(ranking, "SPARSE_BELOW", 0)  # whole lists
        whole = bm25f(searcher, PostingsCache(arrays), gen.field_lengths, words, everyone)
        unkept = bm25f(searcher, PostingsCache(), gen.field_lengths, words, everyone)
        assert whole.tolist() == unkept.tolist()
        monkeypatch.setattr(ranking, "SPARSE_BELOW", 10**9)  # the matches' postings only
        for docnums in (everyone, everyone[::2], everyone[-1:], everyone[1:3]):
            few = bm25f(searcher, PostingsCache(arrays), gen.field_lengths, words, docnums)
            assert few.tolist() == whole[docnums].tolist()
    assert whole.any()


@pytest.mark.parametrize("query", QUERIES)
def test_searches_rank_as_without_arrays(arrayed, search_index, query):
    def ranked(ix):
        page = search(ix, query, per_page=50)
        return page.total, [(h.id, round(h.score, 9)) for h in page.hits]

    assert ranked(arrayed) == ranked(search_index)
    assert ranked(arrayed)[0]


def test_each_segment_keeps_its_own_arrays_across_updates(corpus_dir, tmp_path, monkeypatch):
    """An incremental reindex links the arrays of segments it keeps, writes
    those of its new segment, and drops those of segments merged away."""
    monkeypatch.setattr(wordarrays, "ARRAYS_FROM", 1)
    index = tmp_path / "index"
    reindex(corpus_dir, index)
    first = GenerationFiles(index / current_generation(index))
    seen: set[str] = set()
    for n in range(1, 7):
        text = f"今天是:\n工作动态\n\n新增文章{n}\n\n来源 :西双版纳先锋\n\n新增标记{n}号。\n"
        (corpus_dir / f"2030-01-0{n}-new.txt").write_text(text, encoding="utf-8")
        reindex(corpus_dir, index)
        files = GenerationFiles(index / current_generation(index))
        with open_index(index) as ix, ix.searcher() as (gen, searcher):
            segments = {
                leaf.reader().segment().segment_id() for leaf, _ in searcher.leaf_searchers()
            }
            assert set(files.per_segment(files.WORD_TABLE)) == segments
            assert set(files.per_segment(files.WORD_POSTINGS)) == segments
            assert set(gen.postings.arrays) == segments
            seen |= segments
            assert [h.id for h in search(ix, f'"新增标记{n}号"').hits] == [f"2030-01-0{n}-new.txt"]
        if n == 1:
            (kept,) = first.per_segment(first.WORD_TABLE).items()
            assert files.word_table(kept[0]).stat().st_ino == kept[1].stat().st_ino
    assert len(seen) > len(segments)  # Whoosh merged small segments on the way
