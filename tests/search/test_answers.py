"""Answers are cached per generation: a repeated query gets the same page,
never one from an older generation or another synonyms table."""

from dataclasses import replace

from indexer import open_index, reindex, search
from indexer.search.synonyms import Synonyms

PHRASE = "曼飞龙村茶叶初制所"


def test_a_repeated_query_gets_the_same_page(search_index):
    first, again = search(search_index, "党建"), search(search_index, "党建")
    assert replace(again, took_ms=0.0) == replace(first, took_ms=0.0)


def test_another_synonyms_table_is_not_served_a_cached_answer(search_index):
    plain = search(search_index, "党建")
    expanded = search(search_index, "党建", synonyms=Synonyms({"党建": ("强边固防",)}))
    assert (plain.also_searched, expanded.also_searched) == ([], [("党建", ["强边固防"])])


def test_a_new_generation_answers_afresh(corpus_dir, tmp_path):
    index = tmp_path / "index"
    reindex(corpus_dir, index)
    with open_index(index) as ix:
        assert search(ix, f'"{PHRASE}"').total == 0
        (corpus_dir / "2030-01-01-new.txt").write_text(
            f"今天是:\n工作动态\n\n新闻\n\n来源 :西双版纳先锋\n\n{PHRASE}投入使用。\n", "utf-8"
        )
        reindex(corpus_dir, index)
        ix.refresh()
        assert [h.id for h in search(ix, f'"{PHRASE}"').hits] == ["2030-01-01-new.txt"]
