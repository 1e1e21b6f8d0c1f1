"""An open generation is kept out of the garbage collector's passes (a full
pass over it would land on some search), and a retired one is still freed."""

import gc
import weakref

from indexer import open_index, reindex, search

NEW = "今天是:\n工作动态\n\n新增文章\n\n来源 :西双版纳先锋\n\n新增标记一号。\n"


def collector_walks(obj: object) -> bool:
    return any(o is obj for o in gc.get_objects())  # frozen objects are not listed


def test_the_live_generation_is_frozen_and_a_retired_one_freed(corpus_dir, tmp_path):
    index = tmp_path / "index"
    reindex(corpus_dir, index)
    with open_index(index) as ix:
        first = ix.generation
        assert collector_walks(first) is False
        retired = weakref.ref(first)
        del first
        (corpus_dir / "2030-01-01-new.txt").write_text(NEW, encoding="utf-8")
        reindex(corpus_dir, index)
        assert ix.refresh() is True
        assert retired() is None
        assert collector_walks(ix.generation) is False
        assert [h.id for h in search(ix, "新增标记一号").hits] == ["2030-01-01-new.txt"]
